import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type RunningServer } from '../http/server';
import { isJsonObject, textOf, type JsonObject, type JsonValue } from '../json';
import { CREATE_SESSION, nangoValidators, RECONNECT_SESSION } from '../nangoApi';
import type { ResponseValidators } from '../openapi/responseValidators';
import { isConnectSessionToken, newConnectSessionToken } from '../sessionToken';

/**
 * An in-memory implementation of the connect-session lifecycle as Nango's spec documents it and Nango implements
 * it: `POST /connect/sessions` and `POST /connect/sessions/reconnect` (secret key), `GET /connect/session` and
 * `DELETE /connect/session` (connect session token). Auth runs first, then the query, then the body (against the
 * spec's own request schema); a deleted session's token answers 404. Beside them, the few routes the provider
 * states need to make a connection through a connect session, as Nango's public API has them: `POST
 * /integrations` (the `unauthenticated` provider only), `POST /auth/unauthenticated/{key}`, `DELETE
 * /connection/{id}` and `DELETE /integrations/{key}`. Any other method on the lifecycle's paths answers 405 with
 * an Allow header (RFC 9110 §15.5.6); OPTIONS answers 204 with it, HEAD as GET would.
 */

/**
 * Every answer of a listening reference provider (`npm run provider`, the embedded one) carries this header, so a
 * run against it knows it is not verifying Nango: evidence from it is never published as Nango's.
 */
export const REFERENCE_PROVIDER_HEADER = 'x-nango-contracts-reference-provider';

/** The methods each lifecycle path serves, for Allow. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  '/connect/sessions': ['POST', 'OPTIONS'],
  '/connect/sessions/reconnect': ['POST', 'OPTIONS'],
  '/connect/session': ['DELETE', 'GET', 'HEAD', 'OPTIONS'],
};

const SESSION_LIFETIME_MS = 30 * 60 * 1000;
const MAX_BODY_BYTES = 64 * 1024;

interface Session {
  readonly token: string;
  readonly expiresAt: number;
  readonly connectLink: string;
  /** Integrations the session may connect to; undefined: any. */
  readonly allowedIntegrations: readonly string[] | undefined;
  deleted: boolean;
}

interface Connection {
  readonly integration: string;
  /** Only connections made through a connect session can be reconnected. */
  readonly throughConnectSession: boolean;
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

type Route = (request: ProviderRequest, url: URL, match: RegExpExecArray) => ProviderAnswer;

export class ReferenceProvider {
  private readonly sessions = new Map<string, Session>();
  /** unique_key → provider. */
  private readonly integrations = new Map<string, string>();
  /** `${integration} ${connection id}` → connection. */
  private readonly connections = new Map<string, Connection>();
  private readonly secretDigest: Buffer;
  /** The spec's request schemas judge the bodies; compiled as the provider is made, so no answer waits for it. */
  private readonly validators: ResponseValidators = nangoValidators();
  private readonly routes: ReadonlyArray<readonly [string, RegExp, Route]> = [
    [
      'POST',
      /^\/connect\/sessions$/,
      (request, url) => this.withSecretKey(request, url, () => this.createSession(request)),
    ],
    [
      'POST',
      /^\/connect\/sessions\/reconnect$/,
      (request, url) => this.withSecretKey(request, url, () => this.reconnectSession(request)),
    ],
    ['GET', /^\/connect\/session$/, (request, url) => this.getSession(request, url)],
    ['HEAD', /^\/connect\/session$/, (request, url) => ({ ...this.getSession(request, url), body: undefined })],
    ['DELETE', /^\/connect\/session$/, (request, url) => this.deleteSession(request, url)],
    ['POST', /^\/integrations$/, (request) => this.secretKeyOnly(request, () => this.createIntegration(request))],
    [
      'DELETE',
      /^\/integrations\/([^/]+)$/,
      (request, _url, match) =>
        this.secretKeyOnly(request, () => this.deleteIntegration(decodeURIComponent(match[1] ?? ''))),
    ],
    [
      'POST',
      /^\/auth\/unauthenticated\/([^/]+)$/,
      (_request, url, match) => this.connectUnauthenticated(decodeURIComponent(match[1] ?? ''), url),
    ],
    [
      'DELETE',
      /^\/connection\/([^/]+)$/,
      (request, url, match) =>
        this.secretKeyOnly(request, () => this.deleteConnection(decodeURIComponent(match[1] ?? ''), url)),
    ],
  ];

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

  /** Connections and integrations that exist: what a run must leave as it found. */
  resourceCounts(): { readonly connections: number; readonly integrations: number } {
    return { connections: this.connections.size, integrations: this.integrations.size };
  }

  /** The whole behaviour, free of HTTP plumbing, so a test can wrap it and drift. */
  respond(request: ProviderRequest): ProviderAnswer {
    const url = new URL(request.url, 'http://provider');
    for (const [method, pattern, route] of this.routes) {
      const match = pattern.exec(url.pathname);
      if (match && method === request.method) return route(request, url, match);
    }
    const allowed = ALLOWED[url.pathname];
    if (!allowed)
      return jsonAnswer(404, { error: { code: 'not_found', message: `No route ${request.method} ${url.pathname}` } });
    const allow = allowed.join(', ');
    if (request.method === 'OPTIONS') return { status: 204, headers: { allow }, body: undefined };
    const refused = jsonAnswer(405, {
      error: { code: 'method_not_allowed', message: `${request.method} is not allowed on ${url.pathname}` },
    });
    return { ...refused, headers: { ...refused.headers, allow } };
  }

  /** Listens on `port` (0: any free port, read back into `url`); reads each request whole, then `respond`s. */
  listen(port = 0, host = '127.0.0.1'): Promise<RunningProvider> {
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      readBody(request, MAX_BODY_BYTES).then(
        (body) => {
          response.setHeader(REFERENCE_PROVIDER_HEADER, 'true');
          writeAnswer(
            response,
            this.respond({
              method: request.method ?? '',
              url: request.url ?? '/',
              headers: request.headers,
              body: body.toString('utf8'),
            }),
          );
        },
        () =>
          writeAnswer(
            response,
            jsonAnswer(400, { error: { code: 'invalid_body', message: `body larger than ${MAX_BODY_BYTES} bytes` } }),
          ),
      );
    });
    return listen(server, port, host);
  }

  /** The secret-key routes of the lifecycle: the key, then an empty query, then the route. */
  private withSecretKey(request: ProviderRequest, url: URL, route: () => ProviderAnswer): ProviderAnswer {
    return this.secretKeyOnly(request, () => emptyQuery(url) ?? route());
  }

  private secretKeyOnly(request: ProviderRequest, route: () => ProviderAnswer): ProviderAnswer {
    const credential = bearer(request);
    if (credential.kind !== 'bearer') return authFailure(credential);
    if (!timingSafeEqual(digest(credential.value), this.secretDigest)) {
      return jsonAnswer(401, {
        error: { code: 'unknown_account', message: 'Authentication failed. The provided secret key is invalid.' },
      });
    }
    return route();
  }

  private createSession(request: ProviderRequest): ProviderAnswer {
    const body = specBody(this.validators, request, CREATE_SESSION);
    if ('refused' in body) return body.refused;
    const allowed = body.value['allowed_integrations'];
    return this.issue(
      request,
      Array.isArray(allowed) ? allowed.filter((key): key is string => typeof key === 'string') : undefined,
    );
  }

  private reconnectSession(request: ProviderRequest): ProviderAnswer {
    const body = specBody(this.validators, request, RECONNECT_SESSION);
    if ('refused' in body) return body.refused;
    const integration = textOf(body.value['integration_id']);
    const connection = this.connections.get(`${integration} ${textOf(body.value['connection_id'])}`);
    if (!connection?.throughConnectSession) {
      return invalidBody([
        { code: 'custom', message: 'ConnectionID or IntegrationId does not exists', path: ['connection_id'] },
      ]);
    }
    return this.issue(request, [integration]);
  }

  private issue(request: ProviderRequest, allowedIntegrations: readonly string[] | undefined): ProviderAnswer {
    const token = newConnectSessionToken();
    const session: Session = {
      token,
      expiresAt: Date.now() + SESSION_LIFETIME_MS,
      connectLink: `http://${request.headers.host ?? 'localhost'}/connect?session_token=${token}`,
      allowedIntegrations,
      deleted: false,
    };
    this.sessions.set(token, session);
    return jsonAnswer(201, { data: sessionData(session) });
  }

  /** The session the request's connect session token names, or the answer that refuses it. */
  private sessionOf(request: ProviderRequest): { readonly session: Session } | { readonly refused: ProviderAnswer } {
    const credential = bearer(request);
    if (credential.kind !== 'bearer') return { refused: authFailure(credential) };
    return this.sessionByToken(credential.value);
  }

  private sessionByToken(token: string): { readonly session: Session } | { readonly refused: ProviderAnswer } {
    if (!isConnectSessionToken(token)) {
      return {
        refused: jsonAnswer(401, {
          error: { code: 'invalid_connect_session_token_format', message: 'Invalid connect session token format' },
        }),
      };
    }
    const session = this.sessions.get(token);
    if (!session || session.expiresAt < Date.now()) {
      return {
        refused: jsonAnswer(401, {
          error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' },
        }),
      };
    }
    if (session.deleted)
      return { refused: jsonAnswer(404, { error: { code: 'not_found', message: 'Connect session not found' } }) };
    return { session };
  }

  /** The session while it lives, as the spec documents it: a ConnectSession. */
  private getSession(request: ProviderRequest, url: URL): ProviderAnswer {
    const found = this.sessionOf(request);
    if ('refused' in found) return found.refused;
    return emptyQuery(url) ?? jsonAnswer(200, { data: sessionData(found.session) });
  }

  private deleteSession(request: ProviderRequest, url: URL): ProviderAnswer {
    const found = this.sessionOf(request);
    if ('refused' in found) return found.refused;
    const queried = emptyQuery(url);
    if (queried) return queried;
    if (request.body.length > 0) {
      const parsed = parseJson(request.body);
      const bodyKeys = isJsonObject(parsed) ? Object.keys(parsed) : [];
      return invalidBody([
        bodyKeys.length ? unrecognizedKeys(bodyKeys) : { code: 'invalid_type', message: 'Expected no body', path: [] },
      ]);
    }
    found.session.deleted = true;
    return { status: 204, headers: {}, body: undefined };
  }

  private createIntegration(request: ProviderRequest): ProviderAnswer {
    const body = parseJson(request.body);
    const key = isJsonObject(body) ? body['unique_key'] : undefined;
    const provider = isJsonObject(body) ? body['provider'] : undefined;
    if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(key) || provider !== 'unauthenticated') {
      return invalidBody([
        {
          code: 'invalid_type',
          message: 'unique_key and provider "unauthenticated" are required (this reference provider knows no other)',
          path: [],
        },
      ]);
    }
    if (this.integrations.has(key))
      return invalidBody([{ code: 'duplicate', message: `integration ${key} already exists`, path: ['unique_key'] }]);
    this.integrations.set(key, provider);
    return jsonAnswer(200, {
      data: {
        unique_key: key,
        provider,
        display_name: key,
        logo: '',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      },
    });
  }

  private deleteIntegration(key: string): ProviderAnswer {
    if (!this.integrations.delete(key))
      return jsonAnswer(404, { error: { code: 'not_found', message: `Integration ${key} not found` } });
    for (const id of [...this.connections.keys()]) if (id.startsWith(`${key} `)) this.connections.delete(id);
    return jsonAnswer(200, { success: true });
  }

  /** `POST /auth/unauthenticated/{key}?connect_session_token=…`: the connect flow of a provider without credentials. */
  private connectUnauthenticated(key: string, url: URL): ProviderAnswer {
    const found = this.sessionByToken(url.searchParams.get('connect_session_token') ?? '');
    if ('refused' in found) return found.refused;
    const { allowedIntegrations } = found.session;
    if (
      this.integrations.get(key) !== 'unauthenticated' ||
      (allowedIntegrations && !allowedIntegrations.includes(key))
    ) {
      return jsonAnswer(400, {
        error: {
          code: 'invalid_connection_config',
          message: `integration ${key} is not one this session may connect to`,
        },
      });
    }
    const connectionId = randomUUID();
    this.connections.set(`${key} ${connectionId}`, { integration: key, throughConnectSession: true });
    return jsonAnswer(200, { providerConfigKey: key, connectionId });
  }

  private deleteConnection(id: string, url: URL): ProviderAnswer {
    const key = url.searchParams.get('provider_config_key') ?? '';
    // As Nango answers a connection it does not hold: 400 unknown_connection, not 404.
    if (!this.connections.delete(`${key} ${id}`))
      return jsonAnswer(400, {
        error: { code: 'unknown_connection', message: `Connection ${id} of ${key} not found` },
      });
    return jsonAnswer(200, { success: true });
  }
}

/** Starts a reference provider on `port` (default 0: any free port, read back into `url`). */
export async function startReferenceProvider(
  options: ReferenceProviderOptions & { readonly port?: number; readonly host?: string },
) {
  const provider = new ReferenceProvider(options);
  const running = await provider.listen(options.port, options.host);
  return { provider, ...running };
}

function sessionData(session: Session): JsonObject {
  return {
    token: session.token,
    connect_link: session.connectLink,
    expires_at: new Date(session.expiresAt).toISOString(),
  };
}

/** The body, when it is JSON and the spec's request schema for the operation takes it; else the 400 Nango answers. */
function specBody(
  validators: ResponseValidators,
  request: ProviderRequest,
  operation: { readonly method: string; readonly path: string },
): { readonly value: JsonObject } | { readonly refused: ProviderAnswer } {
  const value = parseJson(request.body);
  const problems =
    value === undefined
      ? ['request body: not JSON']
      : validators.checkRequestBody(operation.method, operation.path, value);
  if (problems.length > 0 || !isJsonObject(value)) {
    return { refused: invalidBody(problems.map((problem) => ({ code: 'invalid_type', message: problem, path: [] }))) };
  }
  return { value };
}

/** Nango refuses any query parameter on these routes: 400 invalid_query_params, before the body is looked at. */
function emptyQuery(url: URL): ProviderAnswer | undefined {
  const keys = [...new Set(url.searchParams.keys())];
  return keys.length > 0
    ? jsonAnswer(400, { error: { code: 'invalid_query_params', errors: [unrecognizedKeys(keys)] } })
    : undefined;
}

function invalidBody(errors: readonly JsonObject[]): ProviderAnswer {
  return jsonAnswer(400, { error: { code: 'invalid_body', errors: [...errors] } });
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
    ? jsonAnswer(401, {
        error: {
          code: 'missing_auth_header',
          message: 'Authentication failed. The request is missing the Authorization header.',
        },
      })
    : jsonAnswer(401, {
        error: {
          code: 'malformed_auth_header',
          message: 'Authentication failed. The provided Authorization header is malformed.',
        },
      });
}

function unrecognizedKeys(keys: readonly string[]): JsonObject {
  return {
    code: 'unrecognized_keys',
    message: `Unrecognized key(s) in object: ${keys.map((key) => `'${key}'`).join(', ')}`,
    path: [],
  };
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    // Not JSON: undefined says so, and the caller answers it as such; the parser's wording adds nothing.
    return undefined;
  }
}

export function jsonAnswer(status: number, body: JsonValue): ProviderAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

export function writeAnswer(response: ServerResponse, answer: ProviderAnswer): void {
  response.writeHead(answer.status, answer.headers).end(answer.body);
}
