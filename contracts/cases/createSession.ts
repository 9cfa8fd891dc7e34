import { EXAMPLE_SESSION } from './exampleSession';
import type { LifecycleOperation } from './contractCase';
import { CREATE_CONNECT_SESSION } from './sdkBinding';
import { STATES } from './states';

/** The run's end user, from its provider state: every session a run creates names the run. */
const endUser = { end_user: { id: { fromState: 'endUserId', example: 'contract-tests-consumer' } } } as const;

/** `POST /connect/sessions`, with the environment's secret key. */
export const CREATE_SESSION_CASES: LifecycleOperation = {
  id: 'createSession',
  operation: { method: 'post', path: '/connect/sessions' },
  specPointer: '/paths/~1connect~1sessions/post',
  auth: 'secret-key',
  creates: { resource: 'session', at: '/data/token' },
  sdk: CREATE_CONNECT_SESSION,
  cases: [
    {
      name: 'creates a connect session for an end user',
      description: 'a request to create a connect session',
      state: STATES.endUser,
      request: { credential: { kind: 'secret-key' }, body: endUser },
      response: { status: 201, body: { data: EXAMPLE_SESSION } },
    },
    {
      name: 'refuses to create a session with an unexpected query parameter',
      description: 'a request to create a connect session with a query parameter',
      request: {
        credential: { kind: 'secret-key' },
        query: { unexpected: 'true' },
        body: { end_user: { id: 'contract-tests-consumer' } },
      },
      response: { status: 400, body: { error: { code: 'invalid_query_params' } } },
    },
    {
      name: 'refuses to create a session from a body the spec does not allow',
      description: 'a request to create a connect session with an invalid body',
      request: { credential: { kind: 'secret-key' }, body: { allowed_integrations: 'not-a-list' } },
      response: { status: 400, body: { error: { code: 'invalid_body' } } },
    },
    {
      name: 'refuses to create a session without an Authorization header',
      description: 'a request to create a connect session without an Authorization header',
      request: { credential: { kind: 'none' }, body: { end_user: { id: 'contract-tests-consumer' } } },
      response: {
        status: 401,
        body: {
          error: {
            code: 'missing_auth_header',
            message: 'Authentication failed. The request is missing the Authorization header.',
          },
        },
      },
    },
    {
      name: 'refuses to create a session with a secret key of no environment',
      description: 'a request to create a connect session with an unknown secret key',
      request: {
        credential: { kind: 'literal', value: 'not-a-secret-key-of-any-environment' },
        body: { end_user: { id: 'contract-tests-consumer' } },
      },
      response: { status: 401, body: { error: { code: 'unknown_account' } } },
    },
  ],
};
