import type { ServerResponse } from 'node:http';
import type { JsonObject } from '../../contracts/json';
import { jsonAnswer, ReferenceProvider, writeAnswer, type ProviderAnswer } from '../../contracts/provider/referenceProvider';
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
] as const;
export type Drift = (typeof DRIFTS)[number];

export interface DriftingProvider {
  readonly url: string;
  readonly reference: ReferenceProvider;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * The reference provider behind a loopback server that changes its answers to DELETE /connect/session in one
 * way (`drift`). `onDelete` sees every such request first and may take it over (return true).
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
    if (!isDelete) {
      const answer = reference.respond(request);
      if (answer.status === 201) sessionsCreated += 1;
      if (drift === 'no-token-after-first' && answer.status === 201 && sessionsCreated > 1) {
        return writeAnswer(response, { ...answer, body: JSON.stringify({ data: { connect_link: 'http://localhost/connect', expires_at: new Date().toISOString() } }) });
      }
      return writeAnswer(response, answer);
    }
    // Only a DELETE for a session already deleted never answers, slower than any timeout: the verifier's request
    // of the 404 case, and the clean-up's of the session the 204 case's request deleted (retried after each
    // interaction, then reported as a clean-up failure). Every other request is answered at once.
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
