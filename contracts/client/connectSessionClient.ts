import type { JsonValue } from '../json';
import { DELETE_SESSION, nangoValidators, type ErrorStatus, type StdError } from '../nangoApi';
import { isJsonMediaType } from '../openapi/mediaType';
import type { ResponseValidators } from '../openapi/responseValidators';
import { boundedFetch } from './boundedFetch';
import { InvalidBaseUrlError, NonJsonErrorBodyError, SchemaViolationError, snippet, UndocumentedStatusError } from './errors';

export type DeleteSessionResult =
  | { readonly outcome: 'deleted' }
  | { readonly outcome: 'api-error'; readonly status: ErrorStatus; readonly body: StdError };

export interface ClientOptions {
  /** Bound on the whole exchange, body included. */
  readonly timeoutMs?: number;
  /** Defaults to the validators compiled from `spec/`. */
  readonly validators?: ResponseValidators;
}

/**
 * Nango rejects any query string or body on this route with 400. They are not part of the documented
 * request; they exist so callers (and the contract) can pin down that answer.
 */
export interface UndocumentedRequestParts {
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: JsonValue;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Typed client for Nango's `DELETE /connect/session`. */
export class ConnectSessionClient {
  private readonly endpoint: URL;
  private readonly timeoutMs: number;
  private readonly validators: ResponseValidators;

  constructor(baseUrl: string, options: ClientOptions = {}) {
    let base: URL;
    try {
      base = new URL(baseUrl);
    } catch {
      throw new InvalidBaseUrlError(baseUrl);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new InvalidBaseUrlError(baseUrl);
    // Keep a path prefix such as https://proxy.example/nango when joining the route.
    base.pathname = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    this.endpoint = new URL(DELETE_SESSION.path.slice(1), base);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.validators = options.validators ?? nangoValidators();
  }

  /**
   * Deletes the connect session the token belongs to. `token` undefined sends no Authorization header.
   * Resolves for every documented status; throws a ConnectSessionClientError subclass for anything else.
   */
  async deleteSession(token: string | undefined, extras: UndocumentedRequestParts = {}): Promise<DeleteSessionResult> {
    const url = new URL(this.endpoint);
    for (const [name, value] of Object.entries(extras.query ?? {})) url.searchParams.append(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (extras.body !== undefined) headers['content-type'] = 'application/json';

    const { status, contentType, bodyText } = await boundedFetch(
      url,
      { method: 'DELETE', headers, ...(extras.body === undefined ? {} : { body: JSON.stringify(extras.body) }) },
      this.timeoutMs,
    );

    const documented = this.validators.documentedStatuses(DELETE_SESSION.method, DELETE_SESSION.path);
    if (!documented.includes(String(status))) throw new UndocumentedStatusError(status, documented, snippet(bodyText));
    // HTTP gives a 204 no body (fetch drops any), so there is nothing more to check.
    if (status === 204) return { outcome: 'deleted' };

    let body: unknown;
    try {
      if (contentType === undefined || !isJsonMediaType(contentType)) throw new Error('not a JSON media type');
      body = JSON.parse(bodyText);
    } catch {
      throw new NonJsonErrorBodyError(status, contentType, snippet(bodyText));
    }
    const problems = this.validators.validatorFor(DELETE_SESSION.method, DELETE_SESSION.path, status, contentType)(body);
    if (problems.length > 0) throw new SchemaViolationError(status, problems);
    // The spec documents exactly these error statuses and Ajv has just proved the body is a StdError.
    return { outcome: 'api-error', status: status as ErrorStatus, body: body as StdError };
  }
}
