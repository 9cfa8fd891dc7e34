import { tokenOf } from '../sessionToken';
import { EXAMPLE_SESSION } from './exampleSession';
import type { LifecycleOperation } from './contractCase';
import { STATES } from './states';

const sessionToken = { kind: 'token-from-state', example: tokenOf('6e') } as const;

/** `GET /connect/session`, with the session's own token: what the suite asks to tell whether a session lives. */
export const GET_SESSION_CASES: LifecycleOperation = {
  id: 'getSession',
  operation: { method: 'get', path: '/connect/session' },
  specPointer: '/paths/~1connect~1session/get',
  auth: 'session-token',
  cases: [
    {
      name: 'gets a live connect session',
      description: 'a request to get the connect session',
      state: STATES.sessionExists,
      request: { credential: sessionToken },
      response: { status: 200, body: { data: { ...EXAMPLE_SESSION, token: sessionToken.example } } },
    },
    {
      name: 'refuses to get a session with an unexpected query parameter',
      description: 'a request to get the connect session with a query parameter',
      state: STATES.sessionExists,
      request: { credential: sessionToken, query: { unexpected: 'true' } },
      response: { status: 400, body: { error: { code: 'invalid_query_params' } } },
    },
    {
      name: 'refuses to get a session without an Authorization header',
      description: 'a request to get a connect session without an Authorization header',
      request: { credential: { kind: 'none' } },
      response: { status: 401, body: { error: { code: 'missing_auth_header', message: 'Authentication failed. The request is missing the Authorization header.' } } },
    },
    {
      name: 'refuses to get a session for a well-formed token of no session',
      description: 'a request to get a connect session with an unknown token',
      request: { credential: { kind: 'well-formed-token', example: tokenOf('01') } },
      response: { status: 401, body: { error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' } } },
    },
    {
      name: 'answers 404 to get a session that has been deleted',
      description: 'a request to get a connect session that has been deleted',
      state: STATES.sessionDeleted,
      request: { credential: { kind: 'token-from-state', example: tokenOf('df') } },
      response: { status: 404, body: { error: { code: 'not_found' } } },
    },
  ],
};
