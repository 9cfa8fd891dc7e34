import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type RunningServer } from '../http/server';
import { isJsonObject, type JsonValue } from '../json';
import { isConnectSessionToken, newConnectSessionToken } from '../sessionToken';

/**
 * An in-memory implementation of the routes the suite needs, as Nango documents and implements them:
 * `POST /connect/sessions` (secret key), `GET /connect/session` and `DELETE /connect/session` (connect session
 * token). Auth runs before the query and body checks; a deleted session's token answers 404. Any other method on
 * these paths answers 405 with an Allow header (RFC 9110 §15.5.6); OPTIONS answers 204 with it, HEAD as GET would.
 */

/**
 * Every answer of a listening reference provider (`npm run provider`, the embedded one) carries this header, so a
 * run against it knows it is not verifying Nango: evidence from it is never published as Nango's.
 */
export const REFERENCE_PROVIDER_HEADER = 'x-nango-contracts-reference-provider';

/** The methods each path serves, for Allow. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  '/connect/sessions': ['POST', 'OPTIONS'],
  '/connect/session': ['DELETE', 'GET', 'HEAD', 'OPTIONS'],
};

const SESSION_LIFETIME_MS = 30 * 60 * 1000;
const MAX_BODY_BYTES = 64 * 1024;

interface Session {
  readonly endUserId: string;
  readonly expiresAt: number;
  deleted: boolean;
}

export interface ReferenceProviderOptions {
  readonly secretKey: string;
}

export type RunningProvider = RunningServer;

/** A request as the provider sees it, body read in full. */
export interface ProviderRequest {
  readonly method: string;
  /** Path and query, as in the request line. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** The provider's answer; `body` undefined means none (204). */
export interface ProviderAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}


export class ReferenceProvider {
  private readonly sessions = new Map<string, Session>();
  private readonly secretDigest: Buffer;

  constructor(options: ReferenceProviderOptions) {
    if (options.secretKey.length === 0) throw new Error('the reference provider needs a non-empty secret key');
    this.secretDigest = digest(options.secretKey);
  }

  /** Every token this provider has issued, deleted or not: lets tests look for leaks. */
  issuedTokens(): string[] {
    return [...this.sessions.keys()];
  }

  /** True for the token of a session that was created and then deleted. */
  wasDeleted(token: string): boolean {
    return this.sessions.get(token)?.deleted === true;
  }

  /** Sessions created and not yet deleted. */
  liveSessionCount(): number {
    return [...this.sessions.values()].filter((session) => !session.deleted).length;
  }

  /** The whole behaviour, free of HTTP plumbing, so a test can wrap it and drift. */
  respond(request: ProviderRequest): ProviderAnswer {
    const url = new URL(request.url, 'http://provider');
    if (url.pathname === '/connect/sessions' && request.method === 'POST') return this.createSession(request);
    if (url.pathname === '/connect/session' && request.method === 'DELETE') return this.deleteSession(request, url);
    if (url.pathname === '/connect/session' && request.method === 'GET') return this.getSession(request);
    if (url.pathname === '/connect/session' && request.method === 'HEAD') return { ...this.getSession(request), body: undefined };
    const allowed = ALLOWED[url.pathname];
    if (!allowed) return jsonAnswer(404, { error: { code: 'not_found', message: `No route ${request.method} ${url.pathname}` } });
    const allow = allowed.join(', ');
    if (request.method === 'OPTIONS') return { status: 204, headers: { allow }, body: undefined };
    const refused = jsonAnswer(405, { error: { code: 'method_not_allowed', message: `${request.method} is not allowed on ${url.pathname}` } });
    return { ...refused, headers: { ...refused.headers, allow } };
  }

  /** Listens on `port` (0: any free port, read back into `url`); reads each request whole, then `respond`s. */
  listen(port = 0, host = '127.0.0.1'): Promise<RunningProvider> {
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      readBody(request, MAX_BODY_BYTES).then(
        (body) => {
          response.setHeader(REFERENCE_PROVIDER_HEADER, 'true');
          writeAnswer(response, this.respond({ method: request.method ?? '', url: request.url ?? '/', headers: request.headers, body: body.toString('utf8') }));
        },
        () => writeAnswer(response, jsonAnswer(400, { error: { code: 'invalid_body', message: `body larger than ${MAX_BODY_BYTES} bytes` } })),
      );
    });
    return listen(server, port, host);
  }

  private createSession(request: ProviderRequest): ProviderAnswer {
    const credential = bearer(request);
    if (credential.kind !== 'bearer') return authFailure(credential);
    if (!timingSafeEqual(digest(credential.value), this.secretDigest)) {
      return jsonAnswer(401, { error: { code: 'unknown_account', message: 'Authentication failed. The provided secret key is invalid.' } });
    }
    const parsed = parseJson(request.body);
    const endUser = isJsonObject(parsed) ? parsed['end_user'] : undefined;
    const endUserId = isJsonObject(endUser) ? endUser['id'] : undefined;
    if (typeof endUserId !== 'string' || endUserId.length === 0) {
      return jsonAnswer(400, {
        error: { code: 'invalid_body', errors: [{ code: 'invalid_type', message: 'end_user.id must be a non-empty string', path: ['end_user', 'id'] }] },
      });
    }
    const token = newConnectSessionToken();
    const expiresAt = Date.now() + SESSION_LIFETIME_MS;
    this.sessions.set(token, { endUserId, expiresAt, deleted: false });
    return jsonAnswer(201, {
      data: { token, connect_link: `http://${request.headers.host ?? 'localhost'}/connect?session_token=${token}`, expires_at: new Date(expiresAt).toISOString() },
    });
  }

  /** The session the request's connect session token names, or the answer that refuses it. */
  private sessionOf(request: ProviderRequest): { readonly session: Session } | { readonly refused: ProviderAnswer } {
    const credential = bearer(request);
    if (credential.kind !== 'bearer') return { refused: authFailure(credential) };
    if (!isConnectSessionToken(credential.value)) {
      return { refused: jsonAnswer(401, { error: { code: 'invalid_connect_session_token_format', message: 'Invalid connect session token format' } }) };
    }
    const session = this.sessions.get(credential.value);
    if (!session || session.expiresAt < Date.now()) {
      return { refused: jsonAnswer(401, { error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' } }) };
    }
    if (session.deleted) return { refused: jsonAnswer(404, { error: { code: 'not_found', message: 'Connect session not found' } }) };
    return { session };
  }

  /** The session's details while it lives, as Nango answers them. */
  private getSession(request: ProviderRequest): ProviderAnswer {
    const found = this.sessionOf(request);
    if ('refused' in found) return found.refused;
    return jsonAnswer(200, { data: { end_user: { id: found.session.endUserId }, expires_at: new Date(found.session.expiresAt).toISOString() } });
  }

  private deleteSession(request: ProviderRequest, url: URL): ProviderAnswer {
    const found = this.sessionOf(request);
    if ('refused' in found) return found.refused;
    const { session } = found;
    const keys = [...new Set(url.searchParams.keys())];
    if (keys.length > 0) return jsonAnswer(400, { error: { code: 'invalid_query_params', errors: [unrecognizedKeys(keys)] } });
    if (request.body.length > 0) {
      const parsed = parseJson(request.body);
      const bodyKeys = isJsonObject(parsed) ? Object.keys(parsed) : [];
      return jsonAnswer(400, {
        error: { code: 'invalid_body', errors: [bodyKeys.length ? unrecognizedKeys(bodyKeys) : { code: 'invalid_type', message: 'Expected no body', path: [] }] },
      });
    }
    session.deleted = true;
    return { status: 204, headers: {}, body: undefined };
  }
}

/** Starts a reference provider on `port` (default 0: any free port, read back into `url`). */
export async function startReferenceProvider(options: ReferenceProviderOptions & { readonly port?: number; readonly host?: string }) {
  const provider = new ReferenceProvider(options);
  const running = await provider.listen(options.port, options.host);
  return { provider, ...running };
}

type Credential = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'bearer'; value: string };

function bearer(request: ProviderRequest): Credential {
  const header = request.headers.authorization;
  if (header === undefined) return { kind: 'missing' };
  // RFC 6750 §2.1: the scheme (any case, RFC 9110 §11.1), one or more spaces, the token.
  const match = /^Bearer +(\S+)$/i.exec(header);
  return match?.[1] ? { kind: 'bearer', value: match[1] } : { kind: 'malformed' };
}

function authFailure(credential: { kind: 'missing' } | { kind: 'malformed' }): ProviderAnswer {
  return credential.kind === 'missing'
    ? jsonAnswer(401, { error: { code: 'missing_auth_header', message: 'Authentication failed. The request is missing the Authorization header.' } })
    : jsonAnswer(401, { error: { code: 'malformed_auth_header', message: 'Authentication failed. The provided Authorization header is malformed.' } });
}

function unrecognizedKeys(keys: readonly string[]) {
  return { code: 'unrecognized_keys', message: `Unrecognized key(s) in object: ${keys.map((key) => `'${key}'`).join(', ')}`, path: [] };
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

export function jsonAnswer(status: number, body: JsonValue): ProviderAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

export function writeAnswer(response: ServerResponse, answer: ProviderAnswer): void {
  response.writeHead(answer.status, answer.headers).end(answer.body);
}
