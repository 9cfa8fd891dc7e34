import type { ServerResponse } from 'node:http';
import { operationAt } from '../../contracts/cases';
import type { JsonObject } from '../../contracts/json';
import { jsonAnswer, ReferenceProvider, writeAnswer, type ProviderAnswer } from '../../contracts/provider/referenceProvider';
import { realNangoAnswer } from './hostileDriftProvider';
import { startScriptedServer, type RecordedRequest } from './scriptedServer';

/** One way at a time in which a provider can stop doing what the spec and the pact say. */
export const DRIFTS = [
  'none',
  'wrong-status',
  'extra-property',
  'missing-code',
  'json-200',
  'text-plain-error',
  'server-error',
  'slow',
  'dropped-connection',
  'no-404',
  'no-token-after-first',
  'loser-of-a-race-400',
  // The other lifecycle operations: POST /connect/sessions, POST /connect/sessions/reconnect, GET /connect/session.
  'session-without-expiry',
  'session-with-extra-field',
  'created-as-200',
  'text-plain-401-on-get',
  'no-connect-flow',
  // What a real Nango (v0.71.4) answers, all at once (hostileDriftProvider.ts's realNangoAnswer).
  'real-nango',
  // The connection and integration operations (GET/DELETE /connection/{connectionId}, POST /integrations, DELETE
  // /integrations/{uniqueKey}): each success answered with a status the spec does not document, with a body its
  // schema refuses, or each refusal with a documented status that is not the case's.
  'connect-flow-undocumented-status',
  'connect-flow-wrong-body',
  'connect-flow-other-status',
] as const;
export type Drift = (typeof DRIFTS)[number];

export interface DriftingProvider {
  readonly url: string;
  readonly reference: ReferenceProvider;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * The reference provider behind a loopback server that changes its answers in one way (`drift`): to DELETE
 * /connect/session, or to the other lifecycle operations. `onDelete` sees every such request first and may take it over (return true).
 */
export async function startDriftingProvider(
  drift: Drift,
  secretKey: string,
  onDelete?: (request: RecordedRequest, response: ServerResponse) => boolean,
): Promise<DriftingProvider> {
  const reference = new ReferenceProvider({ secretKey });
  let sessionsCreated = 0;
  const server = await startScriptedServer((request, response) => {
    const isDelete = request.method === 'DELETE' && request.url.startsWith('/connect/session');
    if (isDelete && onDelete?.(request, response)) return;
    if (drift === 'real-nango') return writeAnswer(response, realNangoAnswer(reference, request, secretKey));
    if (!isDelete) {
      const answer = lifecycleDrift(drift, request, reference.respond(request));
      if (answer.status === 201) sessionsCreated += 1;
      if (drift === 'no-token-after-first' && answer.status === 201 && sessionsCreated > 1) {
        return writeAnswer(response, { ...answer, body: JSON.stringify({ data: { connect_link: 'http://localhost/connect', expires_at: new Date().toISOString() } }) });
      }
      return writeAnswer(response, answer);
    }
    // Only a DELETE for a session already deleted never answers, slower than any timeout: the verifier's request
    // of the 404 case, and the clean-up's of the session the 204 case's request deleted (left for the end of the
    // run once unanswered, then reported as a clean-up failure). Every other request is answered at once.
    if (drift === 'slow' && reference.wasDeleted(String(request.headers.authorization).replace(/^Bearer /, ''))) return;
    if (drift === 'dropped-connection') return void response.socket?.destroy();
    // Every DELETE that would be refused fails instead; deleting a live session (what provider states do) still works.
    if (drift === 'server-error') {
      const answer = reference.respond(request);
      return writeAnswer(response, answer.status >= 400 ? jsonAnswer(500, { error: { code: 'server_error', message: 'boom' } }) : answer);
    }
    // Nango answers the loser of two DELETEs of one session 400 server_error: here every DELETE of a gone session.
    if (drift === 'loser-of-a-race-400' && reference.wasDeleted(String(request.headers.authorization).replace(/^Bearer /, ''))) {
      return writeAnswer(response, jsonAnswer(400, { error: { code: 'server_error', message: 'An unexpected error occurred' } }));
    }
    if (drift === 'no-404') {
      const answer = reference.respond(request);
      return writeAnswer(response, answer.status === 404 ? jsonAnswer(401, { error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' } }) : answer);
    }
    writeAnswer(response, driftAnswer(drift, reference.respond(request)));
  });
  return { url: server.url, reference, requests: server.requests, close: () => server.close() };
}

/**
 * Drift in the answers of the other lifecycle operations, as the pact and the spec see them: a ConnectSession
 * without its expiry or with a property the spec does not name, a create answered 200 instead of 201, a GET's
 * 401 as text, and a provider whose connect flow fails (the reconnect case's state cannot be set up).
 */
function lifecycleDrift(drift: Drift, request: RecordedRequest, answer: ProviderAnswer): ProviderAnswer {
  const path = request.url.split('?')[0] ?? '';
  const connectFlow = CONNECT_FLOW.includes(operationAt(request.method, path)?.id ?? '');
  if (connectFlow && drift.startsWith('connect-flow-')) return connectFlowDrift(drift, answer);
  const isSession = (answer.status === 200 || answer.status === 201) && (path === '/connect/session' || path.startsWith('/connect/sessions'));
  const data = isSession && answer.body ? (JSON.parse(answer.body) as { data: JsonObject }).data : undefined;
  switch (drift) {
    case 'session-without-expiry': {
      if (!data) return answer;
      const { expires_at: _dropped, ...rest } = data;
      return jsonAnswer(answer.status, { data: rest });
    }
    case 'session-with-extra-field':
      return data ? jsonAnswer(answer.status, { data: { ...data, end_user: { id: 'someone' } } }) : answer;
    case 'created-as-200':
      return answer.status === 201 && path === '/connect/sessions' ? { ...answer, status: 200 } : answer;
    case 'text-plain-401-on-get':
      return request.method === 'GET' && answer.status === 401 ? { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized' } : answer;
    case 'no-connect-flow':
      return path.startsWith('/auth/unauthenticated/') ? jsonAnswer(500, { error: { code: 'server_error', message: 'connect flow down' } }) : answer;
    default:
      return answer;
  }
}

/** The tables of the operations the connect-flow drifts change. */
export const CONNECT_FLOW = ['getConnection', 'deleteConnection', 'createIntegration', 'deleteIntegration'];

function connectFlowDrift(drift: Drift, answer: ProviderAnswer): ProviderAnswer {
  const body = answer.body === undefined ? undefined : (JSON.parse(answer.body) as JsonObject);
  switch (drift) {
    case 'connect-flow-undocumented-status':
      return answer.status === 200 ? { ...answer, status: 202 } : answer;
    case 'connect-flow-wrong-body': {
      if (answer.status !== 200 || !body) return answer;
      // A connection without its credentials, an integration without its creation time, a success that is no boolean.
      if ('credentials' in body) return jsonAnswer(200, Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'credentials')));
      const data = body['data'];
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) return jsonAnswer(200, { data: Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'created_at')) });
      return jsonAnswer(200, { success: 'yes' });
    }
    case 'connect-flow-other-status':
      return answer.status > 400 ? { ...answer, status: 400 } : answer;
    default:
      return answer;
  }
}

function driftAnswer(drift: Drift, answer: ProviderAnswer): ProviderAnswer {
  const error = answer.body === undefined ? undefined : (JSON.parse(answer.body) as { error: JsonObject }).error;
  switch (drift) {
    case 'wrong-status':
      return answer.status === 204 ? { ...answer, status: 202 } : answer;
    case 'json-200':
      return answer.status === 204 ? jsonAnswer(200, { deleted: true }) : answer;
    case 'extra-property':
      return error ? jsonAnswer(answer.status, { error: { ...error, payload: { internal: true } } }) : answer;
    case 'missing-code': {
      if (!error) return answer;
      const { code: _dropped, ...rest } = error;
      return jsonAnswer(answer.status, { error: rest });
    }
    case 'text-plain-error':
      return error ? { status: answer.status, headers: { 'content-type': 'text/plain' }, body: String(error['code']) } : answer;
    default:
      return answer;
  }
}
