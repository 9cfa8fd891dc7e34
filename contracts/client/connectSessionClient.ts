import { concretePath, CREATE_SESSION, DELETE_SESSION, GET_SESSION, nangoValidators, RECONNECT_SESSION } from '../cases';
import type { JsonValue } from '../json';
import { operationLabel, type ConnectSession, type ConnectSessionInput, type ConnectSessionReconnectInput, type StdError } from '../nangoApi';
import { isJsonMediaType } from '../openapi/mediaType';
import type { OperationRef, ResponseValidators } from '../openapi/responseValidators';
import { boundedFetch, type RawResponse } from './boundedFetch';
import { InvalidBaseUrlError, NonJsonErrorBodyError, SchemaViolationError, snippet, UndocumentedStatusError } from './errors';

/** A documented error answer: the status and its StdError body (validated). */
export interface ApiError<Status extends number> {
  readonly outcome: 'api-error';
  readonly status: Status;
  readonly body: StdError;
}

export type CreateSessionResult = { readonly outcome: 'created'; readonly session: ConnectSession } | ApiError<400 | 401>;
export type ReconnectSessionResult = CreateSessionResult;
export type GetSessionResult = { readonly outcome: 'found'; readonly session: ConnectSession } | ApiError<400 | 401 | 404>;
export type DeleteSessionResult = { readonly outcome: 'deleted' } | ApiError<400 | 401 | 404>;

export interface ClientOptions {
  /** Bound on the whole exchange, body included. */
  readonly timeoutMs?: number;
  /** Defaults to the validators compiled from `spec/`. */
  readonly validators?: ResponseValidators;
  /**
   * Every exchange goes through it, named (`POST /connect/sessions`): a caller may send again (a 429 waited out),
   * or look at the raw answer before the client judges it. Defaults to sending once.
   */
  readonly transport?: (what: string, send: () => Promise<RawResponse>) => Promise<RawResponse>;
}

/**
 * Nango rejects any query string on these routes, and any body on GET and DELETE, with 400. They are not part of
 * the documented request; they exist so callers (and the contract) can pin down that answer.
 */
export interface UndocumentedRequestParts {
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: JsonValue;
}

/** One request of a tabled operation, as the client sends it: each part the table gives (contracts/cases). */
export interface OperationRequest {
  /** The bearer credential; undefined sends no Authorization header. */
  readonly credential?: string | undefined;
  readonly pathParams?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: JsonValue;
}

/** A documented answer of any tabled operation: its status, and its body valid against that status's schema (undefined: none). */
export interface DocumentedAnswer {
  readonly status: number;
  readonly body: unknown;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** A documented answer, checked against the spec: its status and its parsed body (undefined when it has none). */
interface Checked {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Typed client for Nango's connect-session lifecycle: create and reconnect with the environment's secret key,
 * get and delete with the session's own token. Every method resolves to a tagged result for each status the spec
 * documents for its operation, the body validated against that status's schema, and throws a
 * ConnectSessionClientError subclass for anything else.
 */
export class ConnectSessionClient {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly validators: ResponseValidators;
  private readonly transport: NonNullable<ClientOptions['transport']>;

  constructor(baseUrl: string, options: ClientOptions = {}) {
    let base: URL;
    try {
      base = new URL(baseUrl);
    } catch {
      // InvalidBaseUrlError names the value; the URL parser's wording adds nothing.
      throw new InvalidBaseUrlError(baseUrl);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new InvalidBaseUrlError(baseUrl);
    // Keep a path prefix such as https://proxy.example/nango when joining the route.
    base.pathname = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    this.base = base;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.validators = options.validators ?? nangoValidators();
    this.transport = options.transport ?? ((_what, send) => send());
  }

  /** `POST /connect/sessions` with the environment's secret key (`undefined` sends no Authorization header). */
  async createSession(secretKey: string | undefined, input: ConnectSessionInput, extras: Pick<UndocumentedRequestParts, 'query'> = {}): Promise<CreateSessionResult> {
    return this.created(await this.send(CREATE_SESSION, secretKey, { ...extras, body: input as JsonValue }));
  }

  /** `POST /connect/sessions/reconnect`: a new session for a connection that was made through a connect session. */
  async reconnectSession(secretKey: string | undefined, input: ConnectSessionReconnectInput, extras: Pick<UndocumentedRequestParts, 'query'> = {}): Promise<ReconnectSessionResult> {
    return this.created(await this.send(RECONNECT_SESSION, secretKey, { ...extras, body: input as JsonValue }));
  }

  /** `GET /connect/session`: the session the token belongs to, while it lives. */
  async getSession(token: string | undefined, extras: UndocumentedRequestParts = {}): Promise<GetSessionResult> {
    const { status, body } = await this.send(GET_SESSION, token, extras);
    if (status === 200) return { outcome: 'found', session: (body as { data: ConnectSession }).data };
    return apiError(status as 400 | 401 | 404, body);
  }

  /** `DELETE /connect/session`: deletes the session the token belongs to. */
  async deleteSession(token: string | undefined, extras: UndocumentedRequestParts = {}): Promise<DeleteSessionResult> {
    const { status, body } = await this.send(DELETE_SESSION, token, extras);
    if (status === 204) return { outcome: 'deleted' };
    return apiError(status as 400 | 401 | 404, body);
  }

  /**
   * Any operation of the tables: the request its case gives (path parameters, query, body, credential), the answer
   * checked against what the spec documents for its status. What the body is (a session, a connection, an
   * integration, `{success}`, an error) is the spec's schema for that status, which Ajv has proved it matches.
   */
  async call(operation: OperationRef, request: OperationRequest): Promise<DocumentedAnswer> {
    const { pathParams, ...extras } = request;
    return this.send(operation, request.credential, { ...(extras.query ? { query: extras.query } : {}), ...(extras.body === undefined ? {} : { body: extras.body }) }, pathParams);
  }

  private created({ status, body }: Checked): CreateSessionResult {
    if (status === 201) return { outcome: 'created', session: (body as { data: ConnectSession }).data };
    return apiError(status as 400 | 401, body);
  }

  /**
   * Sends one request of `operation` with `credential` as its bearer credential, and checks the answer against
   * what the spec documents for it: the status, then a JSON body valid against that status's schema. The casts in
   * the methods above rest on this: Ajv has proved the body is what the spec says for the status.
   */
  private async send(operation: OperationRef, credential: string | undefined, extras: UndocumentedRequestParts, pathParams: Readonly<Record<string, string>> = {}): Promise<Checked> {
    const path = concretePath(operation.path, pathParams);
    const url = new URL(path.slice(1), this.base);
    for (const [name, value] of Object.entries(extras.query ?? {})) url.searchParams.append(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential !== undefined) headers['authorization'] = `Bearer ${credential}`;
    if (extras.body !== undefined) headers['content-type'] = 'application/json';
    const init = { method: operation.method.toUpperCase(), headers, ...(extras.body === undefined ? {} : { body: JSON.stringify(extras.body) }) };
    const { status, contentType, bodyText } = await this.transport(`${operation.method.toUpperCase()} ${decodeURIComponent(path)}`, () => boundedFetch(url, init, this.timeoutMs));

    const documented = this.validators.documentedStatuses(operation.method, operation.path);
    if (!documented.includes(String(status))) throw new UndocumentedStatusError(status, documented, snippet(bodyText), operationLabel(operation));
    // HTTP gives a 204 no body (fetch drops any), so there is nothing more to check.
    if (status === 204) return { status, body: undefined };

    let body: unknown;
    try {
      if (contentType === undefined || !isJsonMediaType(contentType)) throw new Error('not a JSON media type');
      body = JSON.parse(bodyText);
    } catch {
      // NonJsonErrorBodyError carries the status, the content type and the body itself.
      throw new NonJsonErrorBodyError(status, contentType, snippet(bodyText));
    }
    const problems = this.validators.validatorFor(operation.method, operation.path, status, contentType)(body);
    if (problems.length > 0) throw new SchemaViolationError(status, problems);
    return { status, body };
  }
}

function apiError<Status extends number>(status: Status, body: unknown): ApiError<Status> {
  return { outcome: 'api-error', status, body: body as StdError };
}
