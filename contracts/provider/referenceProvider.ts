import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type RunningServer } from '../http/server';
import { isJsonObject, textOf, type JsonObject, type JsonValue } from '../json';
import { nangoValidators, OPERATIONS, SETUP, type LifecycleOperation } from '../cases';
import type { ResponseValidators } from '../openapi/responseValidators';
import { isConnectSessionToken, newConnectSessionToken } from '../sessionToken';

/**
 * An in-memory implementation of the Connect flow's tabled operations (contracts/cases) as Nango's spec documents
 * them and Nango implements them. Routing is the tables': each operation's path template and method, its auth
 * (secret key or connect session token); then the request is judged by the spec itself: the query against the
 * operation's documented parameters, the body against its request schema (Ajv, compiled from the spec), in the order
 * Nango checks them (auth, query, body). Only what each operation does is code here. Beside them, the one route the
 * provider states need that Nango's spec does not document, `POST /auth/unauthenticated/{key}` (the Connect UI's
 * flow for a provider without credentials), and one route of its own under REFERENCE_ONLY_PREFIX. Any other method
 * on a served path answers 405 with an Allow header (RFC 9110 §15.5.6); OPTIONS answers 204 with it, HEAD as GET
 * would.
 */

/**
 * Every answer of a listening reference provider (`npm run provider`, the embedded one) carries this header, so a
 * run against it knows it is not verifying Nango: evidence from it is never published as Nango's.
 */
export const REFERENCE_PROVIDER_HEADER = 'x-nango-contracts-reference-provider';

/**
 * Routes of the reference provider's own, no part of Nango: what a provider state needs and Nango's public API has
 * no request for (a connection whose refresh is exhausted).
 */
export const REFERENCE_ONLY_PREFIX = '/_reference';

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
  /** Nango's numeric id of the connection. */
  readonly id: number;
  readonly connectionId: string;
  readonly integration: string;
  /** Only connections made through a connect session can be reconnected. */
  readonly throughConnectSession: boolean;
  readonly createdAt: string;
  /** Its credentials can no longer be refreshed: GET answers 424. */
  refreshExhausted: boolean;
}

/** A request routed to a tabled operation: its path parameters, and what auth found (the session of a token). */
interface Routed {
  readonly request: ProviderRequest;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  /** The parsed body, when the spec documents one for the operation and it passed. */
  readonly body: JsonObject | undefined;
  readonly session: Session | undefined;
}

type Handler = (routed: Routed) => ProviderAnswer;

export interface ReferenceProviderOptions {
  readonly secretKey: string;
  /** The tables it routes (every tabled operation by default); one with no behaviour here answers 501 once its request passes. */
  readonly operations?: readonly LifecycleOperation[];
  /** The spec's validators that judge requests (the committed spec's by default). */
  readonly validators?: ResponseValidators;
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

/** A served route: a tabled operation (its template as a pattern), or one of the provider's own. */
interface ServedRoute {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly route: Route;
}

const patternOf = (template: string): RegExp => new RegExp(`^${template.split('/').map((segment) => (/^\{[^}]+\}$/.test(segment) ? '([^/]+)' : segment)).join('/')}$`);

export class ReferenceProvider {
  private readonly sessions = new Map<string, Session>();
  /** unique_key → provider. */
  private readonly integrations = new Map<string, string>();
  /** `${integration} ${connection id}` → connection. */
  private readonly connections = new Map<string, Connection>();
  private nextConnectionId = 1;
  private readonly secretDigest: Buffer;
  /** The spec's request schemas and parameters judge the requests; compiled as the provider is made, so no answer waits for it. */
  private readonly validators: ResponseValidators;
  /** What each tabled operation does, by its table's id: the one per-operation code of the provider. */
  private readonly handlers: Readonly<Record<string, Handler>> = {
    createSession: ({ request, body }) => this.issue(request, stringsOf(body?.['allowed_integrations'])),
    reconnectSession: ({ request, body }) => this.reconnectSession(request, body ?? {}),
    getSession: ({ session }) => jsonAnswer(200, { data: sessionData(session as Session) }),
    deleteSession: ({ session }) => {
      (session as Session).deleted = true;
      return { status: 204, headers: {}, body: undefined };
    },
    getConnection: ({ params, url }) => this.getConnection(params['connectionId'] ?? '', url.searchParams.get('provider_config_key') ?? ''),
    deleteConnection: ({ params, url }) => this.deleteConnection(params['connectionId'] ?? '', url.searchParams.get('provider_config_key') ?? ''),
    createIntegration: ({ body }) => this.createIntegration(body ?? {}),
    deleteIntegration: ({ params }) => this.deleteIntegration(params['uniqueKey'] ?? ''),
  };
  private readonly routes: readonly ServedRoute[];
  /** `${table id} ${status}` → whether the spec documents that answer as `{message}` rather than a StdError. */
  private readonly messageOnly = new Map<string, boolean>();

  constructor(options: ReferenceProviderOptions) {
    if (options.secretKey.length === 0) throw new Error('the reference provider needs a non-empty secret key');
    this.secretDigest = digest(options.secretKey);
    this.validators = options.validators ?? nangoValidators();
    this.routes = this.routesOf(options.operations ?? OPERATIONS);
  }

  /** The tables' routes, then the provider's own. */
  private routesOf(operations: readonly LifecycleOperation[]): ServedRoute[] {
    return [
      ...operations.map(
        (table): ServedRoute => ({
          method: table.operation.method.toUpperCase(),
          template: table.operation.path,
          pattern: patternOf(table.operation.path),
          route: (request, url, match) => this.serve(table, request, url, match),
        }),
      ),
      {
        method: 'POST',
        template: SETUP.connectUnauthenticated.path,
        pattern: patternOf(SETUP.connectUnauthenticated.path),
        route: (_request, url, match) => this.connectUnauthenticated(decodeURIComponent(match[1] ?? ''), url),
      },
      {
        method: 'POST',
        template: `${REFERENCE_ONLY_PREFIX}/refresh-exhausted/{connectionId}`,
        pattern: patternOf(`${REFERENCE_ONLY_PREFIX}/refresh-exhausted/{connectionId}`),
        route: (request, url, match) => this.secretKeyOnly(request, () => this.exhaustRefresh(decodeURIComponent(match[1] ?? ''), url)),
      },
    ];
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
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    // A literal path wins over a template's parameter; then the route of the method asked for.
    const onPath = this.routes.map((route) => ({ route, match: route.pattern.exec(url.pathname) })).filter((candidate) => candidate.match !== null);
    const served = onPath.find(({ route }) => route.method === method);
    if (served?.match) {
      const answer = served.route.route(request, url, served.match);
      return request.method === 'HEAD' ? { ...answer, body: undefined } : answer;
    }
    if (onPath.length === 0) return jsonAnswer(404, { error: { code: 'not_found', message: `No route ${request.method} ${url.pathname}` } });
    const methods = new Set(onPath.map(({ route }) => route.method));
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods, 'OPTIONS'].sort().join(', ');
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

  /**
   * One tabled operation, as Nango checks a request: auth first (the table's: the secret key, or the session of a
   * connect session token), then the query against the spec's parameters, then the body against its request schema
   * (none documented: a body is refused, but on a GET, whose body HTTP gives no meaning), then what it does.
   */
  private serve(table: LifecycleOperation, request: ProviderRequest, url: URL, match: RegExpExecArray): ProviderAnswer {
    const { method, path } = table.operation;
    let session: Session | undefined;
    if (table.auth === 'session-token') {
      const found = this.sessionOf(request);
      if ('refused' in found) return found.refused;
      session = found.session;
    } else {
      const refused = this.secretKeyRefusal(request);
      if (refused) return refused;
    }
    const queryProblems = this.validators.checkQuery(method, path, url.searchParams);
    if (queryProblems.length > 0) return this.inSpecShape(table, queryRefusal(url, queryProblems));
    let body: JsonObject | undefined;
    if (this.validators.documentsRequestBody(method, path)) {
      const checked = specBody(this.validators, request, table.operation);
      if ('refused' in checked) return checked.refused;
      body = checked.value;
    } else if (request.body.length > 0 && method !== 'get') {
      const parsed = parseJson(request.body);
      const bodyKeys = isJsonObject(parsed) ? Object.keys(parsed) : [];
      return invalidBody([bodyKeys.length ? unrecognizedKeys(bodyKeys) : { code: 'invalid_type', message: 'Expected no body', path: [] }]);
    }
    const names = [...table.operation.path.matchAll(/\{([^}]+)\}/g)].map((found) => found[1] ?? '');
    const params = Object.fromEntries(names.map((name, at) => [name, decodeURIComponent(match[at + 1] ?? '')]));
    const handler = this.handlers[table.id];
    if (!handler) return jsonAnswer(501, { error: { code: 'not_implemented', message: `the reference provider does not implement ${method.toUpperCase()} ${path}` } });
    return this.inSpecShape(table, handler({ request, url, params, body, session }));
  }

  /**
   * A StdError as the operation's spec documents the status: as it is where the spec's schema names `error`; as
   * `{message}` where the schema names `message` alone (the deprecated /connection routes document their 400 and
   * 404 so).
   */
  private inSpecShape(table: LifecycleOperation, answer: ProviderAnswer): ProviderAnswer {
    if (answer.body === undefined || answer.status < 400 || !this.documentsMessageOnly(table, answer.status)) return answer;
    const parsed = parseJson(answer.body);
    const error = isJsonObject(parsed) && isJsonObject(parsed['error']) ? parsed['error'] : {};
    const text = [error['message'], error['code']].find((value): value is string => typeof value === 'string');
    return jsonAnswer(answer.status, { message: text ?? 'error' });
  }

  /** Whether the spec documents the status of the operation as a body without `error` (`{message}`): asked once per pair. */
  private documentsMessageOnly(table: LifecycleOperation, status: number): boolean {
    const key = `${table.id} ${status}`;
    let known = this.messageOnly.get(key);
    if (known === undefined) {
      const { method, path } = table.operation;
      const stdError = { status, contentType: 'application/json', bodyText: JSON.stringify({ error: { code: 'code', message: 'message' } }) };
      known = this.validators.documentedKeyFor(method, path, status) !== undefined && this.validators.undocumentedProperties(method, path, stdError).length > 0;
      this.messageOnly.set(key, known);
    }
    return known;
  }

  private secretKeyRefusal(request: ProviderRequest): ProviderAnswer | undefined {
    const credential = bearer(request);
    if (credential.kind !== 'bearer') return authFailure(credential);
    if (!timingSafeEqual(digest(credential.value), this.secretDigest)) {
      return jsonAnswer(401, { error: { code: 'unknown_account', message: 'Authentication failed. The provided secret key is invalid.' } });
    }
    return undefined;
  }

  private secretKeyOnly(request: ProviderRequest, route: () => ProviderAnswer): ProviderAnswer {
    return this.secretKeyRefusal(request) ?? route();
  }

  private reconnectSession(request: ProviderRequest, body: JsonObject): ProviderAnswer {
    const integration = textOf(body['integration_id']);
    const connection = this.connections.get(`${integration} ${textOf(body['connection_id'])}`);
    if (!connection?.throughConnectSession) {
      return invalidBody([{ code: 'custom', message: 'ConnectionID or IntegrationId does not exists', path: ['connection_id'] }]);
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
      return { refused: jsonAnswer(401, { error: { code: 'invalid_connect_session_token_format', message: 'Invalid connect session token format' } }) };
    }
    const session = this.sessions.get(token);
    if (!session || session.expiresAt < Date.now()) {
      return { refused: jsonAnswer(401, { error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' } }) };
    }
    if (session.deleted) return { refused: jsonAnswer(404, { error: { code: 'not_found', message: 'Connect session not found' } }) };
    return { session };
  }

  private createIntegration(body: JsonObject): ProviderAnswer {
    const key = typeof body['unique_key'] === 'string' ? body['unique_key'] : '';
    const provider = body['provider'];
    if (!/^[A-Za-z0-9_.-]+$/.test(key) || provider !== 'unauthenticated') {
      return invalidBody([{ code: 'invalid_type', message: 'a unique_key of letters, digits, _ . - and provider "unauthenticated" (this reference provider knows no other)', path: [] }]);
    }
    if (this.integrations.has(key)) return invalidBody([{ code: 'duplicate', message: `integration ${key} already exists`, path: ['unique_key'] }]);
    this.integrations.set(key, provider);
    const now = new Date().toISOString();
    return jsonAnswer(200, { data: { unique_key: key, display_name: typeof body['display_name'] === 'string' ? body['display_name'] : 'Unauthenticated', provider, logo: '', created_at: now, updated_at: now } });
  }

  private deleteIntegration(key: string): ProviderAnswer {
    if (!this.integrations.delete(key)) return jsonAnswer(404, { error: { code: 'not_found', message: `Integration ${key} not found` } });
    for (const id of [...this.connections.keys()]) if (id.startsWith(`${key} `)) this.connections.delete(id);
    return jsonAnswer(200, { success: true });
  }

  /** `POST /auth/unauthenticated/{key}?connect_session_token=…`: the connect flow of a provider without credentials. */
  private connectUnauthenticated(key: string, url: URL): ProviderAnswer {
    const found = this.sessionByToken(url.searchParams.get('connect_session_token') ?? '');
    if ('refused' in found) return found.refused;
    const { allowedIntegrations } = found.session;
    if (this.integrations.get(key) !== 'unauthenticated' || (allowedIntegrations && !allowedIntegrations.includes(key))) {
      return jsonAnswer(400, { error: { code: 'invalid_connection_config', message: `integration ${key} is not one this session may connect to` } });
    }
    const connectionId = randomUUID();
    this.connections.set(`${key} ${connectionId}`, { id: this.nextConnectionId++, connectionId, integration: key, throughConnectSession: true, createdAt: new Date().toISOString(), refreshExhausted: false });
    return jsonAnswer(200, { providerConfigKey: key, connectionId });
  }

  /** A connection as Nango's spec documents it: a ConnectionFull, with the credentials of the `unauthenticated` provider (none). */
  private getConnection(id: string, key: string): ProviderAnswer {
    const connection = this.connections.get(`${key} ${id}`);
    if (!connection) return unknownConnection(id, key);
    if (connection.refreshExhausted) return jsonAnswer(424, { error: { code: 'connection_refresh_exhausted', message: 'The refresh of the connection credentials has failed too many times' } });
    const { createdAt } = connection;
    return jsonAnswer(200, {
      id: connection.id,
      connection_id: id,
      provider_config_key: key,
      provider: this.integrations.get(key) ?? 'unauthenticated',
      errors: [],
      metadata: {},
      connection_config: {},
      tags: {},
      created_at: createdAt,
      updated_at: createdAt,
      last_fetched_at: new Date().toISOString(),
      credentials: {},
    });
  }

  private deleteConnection(id: string, key: string): ProviderAnswer {
    if (!this.connections.delete(`${key} ${id}`)) return unknownConnection(id, key);
    return jsonAnswer(200, { success: true });
  }

  /** The reference provider's own route: the connection's refresh is exhausted from now on. */
  private exhaustRefresh(id: string, url: URL): ProviderAnswer {
    const connection = this.connections.get(`${url.searchParams.get('provider_config_key') ?? ''} ${id}`);
    if (!connection) return unknownConnection(id, url.searchParams.get('provider_config_key') ?? '');
    connection.refreshExhausted = true;
    return { status: 204, headers: {}, body: undefined };
  }
}

function unknownConnection(id: string, key: string): ProviderAnswer {
  return jsonAnswer(404, { error: { code: 'unknown_connection', message: `No connection ${id} of integration ${key}` } });
}

function stringsOf(value: JsonValue | undefined): readonly string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

/** Starts a reference provider on `port` (default 0: any free port, read back into `url`). */
export async function startReferenceProvider(options: ReferenceProviderOptions & { readonly port?: number; readonly host?: string }) {
  const provider = new ReferenceProvider(options);
  const running = await provider.listen(options.port, options.host);
  return { provider, ...running };
}

function sessionData(session: Session): JsonObject {
  return { token: session.token, connect_link: session.connectLink, expires_at: new Date(session.expiresAt).toISOString() };
}

/** The body, when it is JSON and the spec's request schema for the operation takes it; else the 400 Nango answers. */
function specBody(validators: ResponseValidators, request: ProviderRequest, operation: { readonly method: string; readonly path: string }): { readonly value: JsonObject } | { readonly refused: ProviderAnswer } {
  const value = parseJson(request.body);
  const problems = value === undefined ? ['request body: not JSON'] : validators.checkRequestBody(operation.method, operation.path, value);
  if (problems.length > 0 || !isJsonObject(value)) {
    return { refused: invalidBody(problems.map((problem) => ({ code: 'invalid_type', message: problem, path: [] }))) };
  }
  return { value };
}

/**
 * Nango's 400 invalid_query_params, before the body is looked at: parameters the spec does not document as one
 * `unrecognized_keys` error (as Nango's zod schemas say it), each other problem on its own.
 */
function queryRefusal(url: URL, problems: readonly string[]): ProviderAnswer {
  const unknown = problems.length > 0 && problems.every((problem) => problem.endsWith('is not a parameter the spec documents'));
  const keys = [...new Set(url.searchParams.keys())];
  const errors = unknown ? [unrecognizedKeys(keys.filter((key) => problems.some((problem) => problem.startsWith(`query: ${key} is not`))))] : problems.map((problem) => ({ code: 'invalid_type', message: problem, path: [] }));
  return jsonAnswer(400, { error: { code: 'invalid_query_params', errors } });
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
    ? jsonAnswer(401, { error: { code: 'missing_auth_header', message: 'Authentication failed. The request is missing the Authorization header.' } })
    : jsonAnswer(401, { error: { code: 'malformed_auth_header', message: 'Authentication failed. The provided Authorization header is malformed.' } });
}

function unrecognizedKeys(keys: readonly string[]): JsonObject {
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

