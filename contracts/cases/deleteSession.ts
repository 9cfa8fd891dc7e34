import { tokenOf } from '../sessionToken';
import type { LifecycleOperation } from './contractCase';
import { STATES } from './states';

const sessionToken = { kind: 'token-from-state', example: tokenOf('5e') } as const;

/** `DELETE /connect/session`, with the session's own token. */
export const DELETE_SESSION_CASES: LifecycleOperation = {
  id: 'deleteSession',
  operation: { method: 'delete', path: '/connect/session' },
  specPointer: '/paths/~1connect~1session/delete',
  auth: 'session-token',
  removes: { resource: 'session', on: 204 },
  cases: [
    {
      name: 'deletes an existing connect session',
      description: 'a request to delete the connect session',
      state: STATES.sessionExists,
      request: { credential: sessionToken },
      response: { status: 204 },
    },
    {
      name: 'rejects an unexpected query parameter',
      description: 'a request to delete the connect session with a query parameter',
      state: STATES.sessionExists,
      request: { credential: sessionToken, query: { unexpected: 'true' } },
      response: { status: 400, body: { error: { code: 'invalid_query_params' } } },
    },
    {
      name: 'rejects a non-empty body',
      description: 'a request to delete the connect session with a JSON body',
      state: STATES.sessionExists,
      request: { credential: sessionToken, body: { unexpected: true } },
      response: { status: 400, body: { error: { code: 'invalid_body' } } },
    },
    {
      name: 'rejects a request without an Authorization header',
      description: 'a request to delete a connect session without an Authorization header',
      request: { credential: { kind: 'none' } },
      response: { status: 401, body: { error: { code: 'missing_auth_header', message: 'Authentication failed. The request is missing the Authorization header.' } } },
    },
    {
      name: 'rejects a token that is not in the connect session token format',
      description: 'a request to delete a connect session with a malformed token',
      request: { credential: { kind: 'literal', value: 'not-a-connect-session-token' } },
      response: { status: 401, body: { error: { code: 'invalid_connect_session_token_format', message: 'Invalid connect session token format' } } },
    },
    {
      name: 'rejects a well-formed token that belongs to no session',
      description: 'a request to delete a connect session with an unknown token',
      request: { credential: { kind: 'well-formed-token', example: tokenOf('00') } },
      response: { status: 401, body: { error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' } } },
    },
    {
      name: 'answers 404 for a session that has already been deleted',
      description: 'a request to delete a connect session that has already been deleted',
      state: STATES.sessionDeleted,
      request: { credential: { kind: 'token-from-state', example: tokenOf('de') } },
      response: { status: 404, body: { error: { code: 'not_found' } } },
    },
  ],
};
