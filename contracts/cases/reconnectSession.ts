import { EXAMPLE_SESSION } from './exampleSession';
import type { LifecycleOperation } from './contractCase';
import { CREATE_RECONNECT_SESSION } from './sdkBinding';
import { STATES } from './states';

/** `POST /connect/sessions/reconnect`, with the environment's secret key, for a connection made through a connect session. */
export const RECONNECT_SESSION_CASES: LifecycleOperation = {
  id: 'reconnectSession',
  operation: { method: 'post', path: '/connect/sessions/reconnect' },
  specPointer: '/paths/~1connect~1sessions~1reconnect/post',
  auth: 'secret-key',
  creates: { resource: 'session', at: '/data/token' },
  sdk: CREATE_RECONNECT_SESSION,
  cases: [
    {
      name: 'creates a session to reconnect a connection made through a connect session',
      description: 'a request to reconnect a connection',
      state: STATES.connectionExists,
      request: {
        credential: { kind: 'secret-key' },
        body: {
          connection_id: { fromState: 'connectionId', example: 'connection-example' },
          integration_id: { fromState: 'integrationId', example: 'contract-tests-integration' },
        },
      },
      response: { status: 201, body: { data: EXAMPLE_SESSION } },
    },
    {
      name: 'refuses to reconnect a connection that does not exist',
      description: 'a request to reconnect an unknown connection',
      request: {
        credential: { kind: 'secret-key' },
        body: {
          connection_id: 'contract-tests-no-such-connection',
          integration_id: 'contract-tests-no-such-integration',
        },
      },
      response: { status: 400, body: { error: { code: 'invalid_body' } } },
    },
    {
      name: 'refuses to reconnect with a secret key of no environment',
      description: 'a request to reconnect a connection with an unknown secret key',
      request: {
        credential: { kind: 'literal', value: 'not-a-secret-key-of-any-environment' },
        body: {
          connection_id: 'contract-tests-no-such-connection',
          integration_id: 'contract-tests-no-such-integration',
        },
      },
      response: { status: 401, body: { error: { code: 'unknown_account' } } },
    },
  ],
};
