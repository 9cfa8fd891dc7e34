import type { LifecycleOperation } from './contractCase';
import { STATES } from './states';

const secretKey = { kind: 'secret-key' } as const;

/**
 * `DELETE /connection/{connectionId}`, with the environment's secret key: what a backend calls when its user
 * disconnects. Its 400 and 404 are documented as `{message}`, as GET's are.
 */
export const DELETE_CONNECTION_CASES: LifecycleOperation = {
  id: 'deleteConnection',
  operation: { method: 'delete', path: '/connection/{connectionId}' },
  specPointer: '/paths/~1connection~1{connectionId}/delete',
  auth: 'secret-key',
  removes: { resource: 'connection', on: 200, param: 'connectionId' },
  cases: [
    {
      name: 'deletes a connection made through a connect session',
      description: 'a request to delete a connection',
      state: STATES.connectionExists,
      request: {
        credential: secretKey,
        pathParams: { connectionId: { fromState: 'connectionId', example: 'connection-example' } },
        query: { provider_config_key: { fromState: 'integrationId', example: 'contract-tests-integration' } },
      },
      response: { status: 200, body: { success: true } },
    },
    {
      name: 'refuses to delete a connection without the provider_config_key it needs',
      description: 'a request to delete a connection without provider_config_key',
      request: { credential: secretKey, pathParams: { connectionId: 'contract-tests-no-such-connection' } },
      response: { status: 400, body: { message: 'Missing provider_config_key' } },
    },
    {
      name: 'answers 404 for a connection that does not exist',
      description: 'a request to delete an unknown connection',
      request: { credential: secretKey, pathParams: { connectionId: 'contract-tests-no-such-connection' }, query: { provider_config_key: 'contract-tests-no-such-integration' } },
      response: { status: 404, body: { message: 'Unknown connection' } },
    },
  ],
};
