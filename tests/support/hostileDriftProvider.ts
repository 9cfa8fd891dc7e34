import type { ServerResponse } from 'node:http';
import type { JsonValue } from '../../contracts/json';
import { jsonAnswer, ReferenceProvider, writeAnswer, type ProviderAnswer } from '../../contracts/provider/referenceProvider';
import { startScriptedServer, type RecordedRequest } from './scriptedServer';

/** Ways a provider can go wrong on inputs nobody wrote a contract for, one at a time. */
export const HOSTILE_DRIFTS = [
  'none',
  'undocumented-status-for-text-bodies',
  'server-error-on-long-credentials',
  'schema-breaking-401',
  'deletes-on-400',
  'accepts-deleted-token',
  'accepts-no-credentials',
  'text-plain-401',
  'ignores-query',
  'method-not-found',
  'method-405-without-allow',
  'deletes-on-post',
  'slow-trace',
  'strict-on-form-loose-on-scheme',
  'server-error-on-bracket-query',
  'refuses-deprecated-organization',
  'server-error-on-get-sessions',
  'accepts-too-many-tags',
  'reconnect-without-expiry',
  'get-forgets-reconnected',
  'connection-without-provider-config-key',
  'integration-created-as-201',
  // Everything at once that a real Nango (v0.71.4) was measured to do (realNangoAnswer).
  'real-nango',
] as const;
export type HostileDrift = (typeof HOSTILE_DRIFTS)[number];

/** The drifts beyond DELETE /connect/session (lifecycleDrift), which a provider may have all at once. */
export const LIFECYCLE_DRIFTS = [
  'refuses-deprecated-organization',
  'server-error-on-get-sessions',
  'accepts-too-many-tags',
  'reconnect-without-expiry',
  'get-forgets-reconnected',
  'connection-without-provider-config-key',
  'integration-created-as-201',
] as const satisfies readonly HostileDrift[];
export type LifecycleDrift = (typeof LIFECYCLE_DRIFTS)[number];

export interface HostileDriftProvider {
  readonly url: string;
  readonly reference: ReferenceProvider;
  /** Every answer written, in order: what a report may name. */
  readonly answered: ReadonlyArray<{ readonly method: string; readonly url: string; readonly status: number }>;
  close(): Promise<void>;
}

/**
 * The reference provider, drifting in one way: on DELETE /connect/session (POST and GET as documented), or, for the
 * lifecycle's drifts (LIFECYCLE_DRIFTS), on the POSTs and their paths; or in several of the lifecycle's ways at once.
 */
export async function startHostileDriftProvider(drift: HostileDrift | readonly LifecycleDrift[], secretKey: string): Promise<HostileDriftProvider> {
  const reference = new ReferenceProvider({ secretKey });
  reconnected.clear();
  const drifts: readonly HostileDrift[] = typeof drift === 'string' ? [drift] : drift;
  const answered: Array<{ method: string; url: string; status: number }> = [];
  const write = (request: RecordedRequest, response: ServerResponse, answer: ProviderAnswer) => {
    answered.push({ method: request.method, url: request.url, status: answer.status });
    if (drifts.includes('get-forgets-reconnected')) rememberReconnected(request, answer);
    writeAnswer(response, answer);
  };
  const server = await startScriptedServer((request, response) => {
    // Latency, not ordering: the answer is simply late.
    if (drift === 'slow-trace' && request.method === 'TRACE') setTimeout(() => write(request, response, reference.respond(request)), SLOW_MS);
    else if (drift === 'real-nango') write(request, response, realNangoAnswer(reference, request, secretKey));
    else if (typeof drift === 'string') write(request, response, answer(drift, reference, request));
    else write(request, response, drift.reduce<ProviderAnswer | undefined>((found, one) => found ?? lifecycleDrift(one, reference, request), undefined) ?? reference.respond(request));
  });
  return { url: server.url, reference, answered, close: () => server.close() };
}

/** How late the slow drift answers. */
export const SLOW_MS = 150;

const notFoundPage = (method: string): ProviderAnswer => ({ status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!DOCTYPE html><pre>Cannot ${method} /connect/session</pre>` });

function answer(drift: HostileDrift, reference: ReferenceProvider, request: RecordedRequest): ProviderAnswer {
  const onSession = request.url.startsWith('/connect/session') && !request.url.startsWith('/connect/sessions');
  const otherMethod = onSession && !['DELETE', 'GET', 'HEAD', 'OPTIONS'].includes(request.method);
  if (otherMethod && drift === 'method-not-found') return notFoundPage(request.method);
  if (otherMethod && drift === 'method-405-without-allow') return jsonAnswer(405, { error: { code: 'method_not_allowed' } });
  if (otherMethod && drift === 'deletes-on-post' && request.method === 'POST') {
    // Deletes as a DELETE would, then refuses as RFC 9110 asks.
    reference.respond({ ...request, method: 'DELETE', body: '' });
    return reference.respond(request);
  }
  const lifecycle = lifecycleDrift(drift, reference, request);
  if (lifecycle) return lifecycle;
  const isDelete = request.method === 'DELETE' && request.url.startsWith('/connect/session');
  if (drift === 'strict-on-form-loose-on-scheme' && onSession) return strictOnFormLooseOnScheme(reference, request);
  const authorization = request.headers.authorization;
  const token = authorization?.replace(/^Bearer /, '') ?? '';
  if (!isDelete || drift === 'none') return reference.respond(request);
  switch (drift) {
    case 'undocumented-status-for-text-bodies':
      return request.body.length > 0 && request.headers['content-type'] === 'text/plain' ? jsonAnswer(415, { error: { code: 'unsupported_media_type' } }) : reference.respond(request);
    case 'server-error-on-long-credentials':
      return (authorization?.length ?? 0) > 200 ? jsonAnswer(500, { error: { code: 'server_error', message: 'header too long' } }) : reference.respond(request);
    case 'schema-breaking-401': {
      const answered = reference.respond(request);
      if (answered.status !== 401 || answered.body === undefined) return answered;
      const body = JSON.parse(answered.body) as { error: Record<string, unknown> };
      return jsonAnswer(401, { error: { ...body.error, request_id: 'r-1' } });
    }
    case 'deletes-on-400': {
      const answered = reference.respond(request);
      // The session goes even though the request is refused.
      if (answered.status === 400) reference.respond({ ...request, url: '/connect/session', body: '' });
      return answered;
    }
    case 'accepts-deleted-token':
      return reference.wasDeleted(token) ? { status: 204, headers: {}, body: undefined } : reference.respond(request);
    case 'accepts-no-credentials':
      return authorization === undefined ? { status: 204, headers: {}, body: undefined } : reference.respond(request);
    case 'text-plain-401': {
      const answered = reference.respond(request);
      return answered.status === 401 ? { status: 401, headers: { 'content-type': 'text/plain' }, body: 'unauthorized' } : answered;
    }
    case 'server-error-on-bracket-query':
      // Only a query key with a bracket, which no coverage case sends: the search has to find it.
      return new URL(request.url, 'http://provider').search.includes('%5B') ? jsonAnswer(500, { error: { code: 'server_error' } }) : reference.respond(request);
    case 'ignores-query':
      // Deletes as if the query were not there.
      return reference.respond({ ...request, url: '/connect/session' });
    default:
      return reference.respond(request);
  }
}

/**
 * Drifts of the lifecycle beyond DELETE: a body the spec allows refused (the deprecated `organization`, which the
 * spec still documents), an undocumented method that makes the server fail (`GET /connect/sessions`, as a listing
 * route that breaks would), a body the spec forbids accepted (`tags` past maxProperties 10, dropped rather than
 * refused), a reconnect 201 without `expires_at`, which the spec's ConnectSession requires (beside the token), and
 * a GET that does not know the sessions reconnect made (404), though DELETE does; a connection's 200 without its
 * required `provider_config_key`, and an integration created with a 201 the spec does not document.
 */
function lifecycleDrift(drift: HostileDrift, reference: ReferenceProvider, request: RecordedRequest): ProviderAnswer | undefined {
  const path = new URL(request.url, 'http://provider').pathname;
  const body = parsedObject(request.body);
  switch (drift) {
    case 'get-forgets-reconnected':
      // The sessions reconnect made are remembered as their answers go out (rememberReconnected).
      if (request.method !== 'GET' || path !== '/connect/session' || !reconnected.has(request.headers.authorization?.replace(/^Bearer +/i, '') ?? '')) return undefined;
      return jsonAnswer(404, { error: { code: 'not_found', message: 'Connect session not found' } });
    case 'refuses-deprecated-organization':
      if (request.method !== 'POST' || path !== '/connect/sessions' || body === undefined || !('organization' in body)) return undefined;
      return jsonAnswer(400, { error: { code: 'invalid_body', errors: [{ code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'organization'", path: [] }] } });
    case 'server-error-on-get-sessions':
      return request.method === 'GET' && path === '/connect/sessions' ? jsonAnswer(500, { error: { code: 'server_error', message: 'listing failed' } }) : undefined;
    case 'accepts-too-many-tags': {
      const tags = body?.['tags'];
      if (request.method !== 'POST' || path !== '/connect/sessions' || typeof tags !== 'object' || tags === null || Object.keys(tags).length <= 10) return undefined;
      const { tags: _dropped, ...rest } = body ?? {};
      return reference.respond({ ...request, body: JSON.stringify(rest) });
    }
    case 'reconnect-without-expiry': {
      if (request.method !== 'POST' || path !== '/connect/sessions/reconnect') return undefined;
      const answered = reference.respond(request);
      if (answered.status !== 201 || answered.body === undefined) return answered;
      const { data } = JSON.parse(answered.body) as { data: Record<string, unknown> };
      const { expires_at: _expiry, ...rest } = data;
      return jsonAnswer(201, { data: rest } as JsonValue);
    }
    case 'connection-without-provider-config-key': {
      // GET /connection/{connectionId}'s 200 without a property ConnectionFull requires.
      if (request.method !== 'GET' || !path.startsWith('/connection/')) return undefined;
      const answered = reference.respond(request);
      if (answered.status !== 200 || answered.body === undefined) return answered;
      const { provider_config_key: _key, ...rest } = JSON.parse(answered.body) as Record<string, JsonValue>;
      return jsonAnswer(200, rest);
    }
    case 'integration-created-as-201': {
      // POST /integrations creates, and answers 201, a status the spec does not document for it (200).
      if (request.method !== 'POST' || path !== '/integrations') return undefined;
      const answered = reference.respond(request);
      return answered.status === 200 ? { ...answered, status: 201 } : answered;
    }
    default:
      return undefined;
  }
}

/** Tokens of sessions a reconnect made (get-forgets-reconnected): one drifting provider runs at a time. */
const reconnected = new Set<string>();

/** Notes the session a reconnect's 201 made, whatever else drifts in that answer. */
function rememberReconnected(request: RecordedRequest, answer: ProviderAnswer): void {
  if (request.method !== 'POST' || new URL(request.url, 'http://provider').pathname !== '/connect/sessions/reconnect' || answer.status !== 201 || answer.body === undefined) return;
  const token = (JSON.parse(answer.body) as { data?: { token?: unknown } }).data?.token;
  if (typeof token === 'string') reconnected.add(token);
}

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON: the drifting provider treats it as no body.
    return undefined;
  }
}

/**
 * Three drifts at once, as a real server might have them: 415 for a body that is not JSON, a token taken without
 * the Bearer scheme, and the Bearer forms HTTP allows but the server does not expect (`bearer <t>`, `Bearer  <t>`)
 * refused as malformed.
 */
function strictOnFormLooseOnScheme(reference: ReferenceProvider, request: RecordedRequest): ProviderAnswer {
  const authorization = request.headers.authorization ?? '';
  const contentType = request.headers['content-type'] ?? '';
  if (request.method === 'DELETE' && request.body.length > 0 && !contentType.startsWith('application/json')) return jsonAnswer(415, { error: { code: 'unsupported_media_type' } });
  if (/^\S+$/.test(authorization)) return reference.respond({ ...request, headers: { ...request.headers, authorization: `Bearer ${authorization}` } });
  if (authorization !== '' && !/^Bearer \S+$/.test(authorization)) {
    return jsonAnswer(401, { error: { code: 'malformed_auth_header', message: 'Authentication failed. The provided Authorization header is malformed.' } });
  }
  return reference.respond(request);
}

const LIFECYCLE_METHODS: Readonly<Record<string, readonly string[]>> = { '/connect/session': ['GET', 'HEAD', 'DELETE', 'OPTIONS'], '/connect/sessions': ['POST', 'OPTIONS'], '/connect/sessions/reconnect': ['POST', 'OPTIONS'] };

/**
 * What a real Nango (v0.71.4, run locally) was measured to answer, all at once: every 401 body with a `payload`
 * the spec's closed StdError refuses; 401 (not 404) for a deleted session on GET and DELETE; GET's 200 without
 * `token` and `expires_at`; 415 for a body that is not JSON; a lower-case `bearer` (or any other form but
 * `Bearer <t>`) refused as malformed, a bare token taken as a bearer one; undocumented methods answered 404
 * (GET /connect/sessions 500); POST /connect/sessions refusing `{}` (no `end_user`) and an `end_user.email` that
 * is not an e-mail address, naming the field in `errors[].path` as Nango does.
 */
export function realNangoAnswer(reference: ReferenceProvider, request: RecordedRequest, secretKey: string): ProviderAnswer {
  const answered = realNangoWithoutPayload(reference, request, secretKey);
  if (answered.status !== 401 || answered.body === undefined) return answered;
  const body = JSON.parse(answered.body) as { error: Record<string, unknown> };
  return jsonAnswer(401, { error: { ...body.error, payload: {} } });
}

function realNangoWithoutPayload(reference: ReferenceProvider, request: RecordedRequest, secretKey: string): ProviderAnswer {
  const path = new URL(request.url, 'http://provider').pathname;
  const methods = LIFECYCLE_METHODS[path];
  if (methods && !methods.includes(request.method)) {
    return request.method === 'GET' && path === '/connect/sessions' ? jsonAnswer(500, { error: { code: 'server_error', message: 'An unexpected error occurred' } }) : jsonAnswer(404, { error: { code: 'not_found', message: `Route not found: ${request.method} ${path}` } });
  }
  const contentType = request.headers['content-type'] ?? '';
  if (methods && request.body.length > 0 && !contentType.toLowerCase().startsWith('application/json')) return jsonAnswer(415, { error: { code: 'unsupported_media_type', message: 'Unsupported Content-Type' } });
  const authorization = request.headers.authorization;
  let forwarded = request;
  if (authorization !== undefined && /^\S+$/.test(authorization)) forwarded = { ...request, headers: { ...request.headers, authorization: `Bearer ${authorization}` } };
  else if (methods && authorization !== undefined && authorization !== '' && !/^Bearer \S+$/.test(authorization)) {
    return jsonAnswer(401, { error: { code: 'malformed_auth_header', message: 'Authentication failed. The provided Authorization header is malformed.' } });
  }
  const token = forwarded.headers.authorization?.replace(/^Bearer /, '') ?? '';
  if (path === '/connect/session' && (request.method === 'GET' || request.method === 'DELETE') && reference.wasDeleted(token)) {
    return jsonAnswer(401, { error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' } });
  }
  if (request.method === 'POST' && path === '/connect/sessions' && forwarded.headers.authorization === `Bearer ${secretKey}`) {
    const refused = refusedSessionInput(parsedObject(request.body));
    if (refused) return jsonAnswer(400, { error: { code: 'invalid_body', errors: [refused] } });
  }
  const answered = reference.respond(forwarded);
  if (request.method === 'GET' && path === '/connect/session' && answered.status === 200 && answered.body !== undefined) {
    const { data } = JSON.parse(answered.body) as { data: Record<string, unknown> };
    const { token: _token, expires_at: _expiry, ...rest } = data;
    return jsonAnswer(200, { data: rest } as JsonValue);
  }
  return answered;
}

/** What Nango's own validation refuses of a body the spec allows: no `end_user`, an `end_user.email` that is not an e-mail address. */
function refusedSessionInput(body: Record<string, unknown> | undefined): JsonValue | undefined {
  if (body === undefined) return undefined;
  const endUser = body['end_user'];
  if (endUser === undefined) return { code: 'invalid_type', message: 'Required', path: ['end_user'] };
  const email = typeof endUser === 'object' && endUser !== null ? (endUser as Record<string, unknown>)['email'] : undefined;
  if (typeof email === 'string' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { code: 'invalid_string', validation: 'email', message: 'Invalid email', path: ['end_user', 'email'] };
  return undefined;
}
