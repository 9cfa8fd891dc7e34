import type { LifecycleOperation } from './contractCase';
import { DELETE_INTEGRATION } from './sdkBinding';
import { STATES } from './states';

const secretKey = { kind: 'secret-key' } as const;
const noSuchIntegration = { uniqueKey: 'contract-tests-no-such-integration' } as const;

/** `DELETE /integrations/{uniqueKey}`, with the environment's secret key: takes the integration's connections with it. */
export const DELETE_INTEGRATION_CASES: LifecycleOperation = {
  id: 'deleteIntegration',
  operation: { method: 'delete', path: '/integrations/{uniqueKey}' },
  specPointer: '/paths/~1integrations~1{uniqueKey}/delete',
  auth: 'secret-key',
  removes: { resource: 'integration', on: 200, param: 'uniqueKey' },
  sdk: DELETE_INTEGRATION,
  cases: [
    {
      name: 'deletes an integration',
      description: 'a request to delete an integration',
      state: STATES.integrationExists,
      request: {
        credential: secretKey,
        pathParams: { uniqueKey: { fromState: 'integrationId', example: 'contract-tests-integration' } },
      },
      response: { status: 200, body: { success: true } },
    },
    {
      name: 'refuses to delete an integration with an unexpected query parameter',
      description: 'a request to delete an integration with a query parameter',
      request: { credential: secretKey, pathParams: noSuchIntegration, query: { unexpected: 'true' } },
      response: { status: 400, body: { error: { code: 'invalid_query_params' } } },
    },
    {
      name: 'refuses to delete an integration with a secret key of no environment',
      description: 'a request to delete an integration with an unknown secret key',
      request: {
        credential: { kind: 'literal', value: 'not-a-secret-key-of-any-environment' },
        pathParams: noSuchIntegration,
      },
      response: { status: 401, body: { error: { code: 'unknown_account' } } },
    },
    {
      name: 'answers 404 for an integration that does not exist',
      description: 'a request to delete an unknown integration',
      request: { credential: secretKey, pathParams: noSuchIntegration },
      response: { status: 404, body: { error: { code: 'not_found' } } },
    },
  ],
};
