import type { LifecycleOperation } from './contractCase';
import { STATES } from './states';

const secretKey = { kind: 'secret-key' } as const;
const connectionId = { fromState: 'connectionId', example: 'connection-example' } as const;
const integrationId = { fromState: 'integrationId', example: 'contract-tests-integration' } as const;
const noSuchConnection = { connectionId: 'contract-tests-no-such-connection' } as const;

/**
 * `GET /connection/{connectionId}`, with the environment's secret key: what a team's backend reads once the Connect
 * UI has made a connection. Its 400 and 404 are documented as `{message}`, not the StdError of the other
 * operations: the contract relies on what the spec promises (PactFlow's comparison holds it to that).
 */
export const GET_CONNECTION_CASES: LifecycleOperation = {
  id: 'getConnection',
  operation: { method: 'get', path: '/connection/{connectionId}' },
  specPointer: '/paths/~1connection~1{connectionId}/get',
  auth: 'secret-key',
  cases: [
    {
      name: 'gets a connection made through a connect session',
      description: 'a request to get a connection',
      state: STATES.connectionExists,
      request: { credential: secretKey, pathParams: { connectionId }, query: { provider_config_key: integrationId } },
      response: {
        status: 200,
        body: {
          id: 1,
          connection_id: 'connection-example',
          provider_config_key: 'contract-tests-integration',
          provider: 'unauthenticated',
          errors: [],
          metadata: {},
          connection_config: {},
          tags: {},
          created_at: '2026-12-01T10:00:00.000Z',
          updated_at: '2026-12-01T10:00:00.000Z',
          last_fetched_at: '2026-12-01T10:00:00.000Z',
          credentials: {},
        },
      },
    },
    {
      name: 'refuses to get a connection without the provider_config_key it needs',
      description: 'a request to get a connection without provider_config_key',
      request: { credential: secretKey, pathParams: noSuchConnection },
      response: { status: 400, body: { message: 'Missing provider_config_key' } },
    },
    {
      name: 'answers 404 for a connection that does not exist',
      description: 'a request to get an unknown connection',
      request: { credential: secretKey, pathParams: noSuchConnection, query: { provider_config_key: 'contract-tests-no-such-integration' } },
      response: { status: 404, body: { message: 'Unknown connection' } },
    },
    {
      name: 'answers 424 for a connection whose credentials can no longer be refreshed',
      description: 'a request to get a connection whose refresh is exhausted',
      state: STATES.connectionRefreshExhausted,
      request: { credential: secretKey, pathParams: { connectionId }, query: { provider_config_key: integrationId } },
      response: { status: 424, body: { error: { code: 'connection_refresh_exhausted' } } },
    },
  ],
};
