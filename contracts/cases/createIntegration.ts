import type { LifecycleOperation } from './contractCase';
import { CREATE_INTEGRATION } from './sdkBinding';
import { STATES } from './states';

const secretKey = { kind: 'secret-key' } as const;
const body = { unique_key: 'contract-tests-no-such-integration', provider: 'unauthenticated' } as const;

/** `POST /integrations`, with the environment's secret key: the `unauthenticated` provider, which needs no credentials. */
export const CREATE_INTEGRATION_CASES: LifecycleOperation = {
  id: 'createIntegration',
  operation: { method: 'post', path: '/integrations' },
  specPointer: '/paths/~1integrations/post',
  auth: 'secret-key',
  creates: { resource: 'integration', at: '/data/unique_key' },
  sdk: CREATE_INTEGRATION,
  cases: [
    {
      name: 'creates an integration of the unauthenticated provider',
      description: 'a request to create an integration',
      state: STATES.integrationKeyUnused,
      request: {
        credential: secretKey,
        body: {
          unique_key: { fromState: 'integrationKey', example: 'contract-tests-integration' },
          provider: 'unauthenticated',
        },
      },
      response: {
        status: 200,
        body: {
          data: {
            unique_key: 'contract-tests-integration',
            display_name: 'Unauthenticated',
            provider: 'unauthenticated',
            created_at: '2026-12-01T10:00:00.000Z',
            updated_at: '2026-12-01T10:00:00.000Z',
          },
        },
      },
    },
    {
      name: 'refuses to create an integration from a body the spec does not allow',
      description: 'a request to create an integration with an invalid body',
      request: { credential: secretKey, body: { unique_key: 'contract-tests-no-such-integration' } },
      response: { status: 400, body: { error: { code: 'invalid_body' } } },
    },
    {
      name: 'refuses to create an integration with a secret key of no environment',
      description: 'a request to create an integration with an unknown secret key',
      request: { credential: { kind: 'literal', value: 'not-a-secret-key-of-any-environment' }, body },
      response: { status: 401, body: { error: { code: 'unknown_account' } } },
    },
  ],
};
