import { boundedFetch } from '../client/boundedFetch';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import { isJsonObject } from '../json';
import { stdErrorCode } from '../nangoApi';
import { REFERENCE_PROVIDER_HEADER } from '../provider/referenceProvider';
import { isConnectSessionToken } from '../sessionToken';
import type { RateLimitBudget } from './rateLimit';

/** The provider would not create or delete a connect session; says why without echoing the key or any token. */
export class SessionSetupError extends Error {
  override name = 'SessionSetupError';
}

/** `POST /connect/sessions` failed after the request went out: a session may exist whose token the run never saw. */
export class AmbiguousCreationError extends SessionSetupError {
  override name = 'AmbiguousCreationError';
  constructor(
    readonly failure: RequestTimeoutError | ProviderUnreachableError,
    endUserId: string,
  ) {
    super(`${failure.message}; the request may still have created a session for end user ${endUserId}, so it was not sent again`);
  }
}

/**
 * The provider failed mid-run: a secret key it accepted earlier in the run refused, a 5xx, or no answer at all
 * after it had answered. Not the user's key and not a verdict: the run stops as "could not verify".
 */
export class ProviderFaultError extends SessionSetupError {
  override name = 'ProviderFaultError';
}

/** Transport failures that can come after the request went out: the server dropped the connection. */
const MAY_HAVE_BEEN_SENT = /ECONNRESET|UND_ERR_SOCKET|EPIPE|connection closed/;

/** Failures after which a DELETE is simply sent again: the session is either still there or already gone. */
const TRANSIENT_STATUSES = new Set([502, 503, 504]);
const DELETE_ATTEMPTS = 3;
/** The bound on each clean-up request once a run is interrupted. */
const HURRIED_TIMEOUT_MS = 2_000;
/** Answers to a DELETE that mean the session is gone, or that another DELETE of it was under way. */
const GONE_OR_RACED = new Set([400, 401, 404]);

/**
 * Creates and deletes connect sessions over HTTP, the same way on the embedded provider as on a real Nango:
 * `POST /connect/sessions` with the secret key, `DELETE /connect/session` with the session's own token. Every
 * session is created for the end user `endUserId` (`contract-tests-<run id>`), so an operator can find any that a
 * killed run left behind. Rate limits are waited out through `budget`.
 */
export class SessionAdmin {
  private reference = false;
  /** The provider has created a session for the key: a later refusal is its fault, not the key's. */
  private accepted = false;

  /** The provider said it is a reference provider (a header on its answers), not Nango. */
  get isReferenceProvider(): boolean {
    return this.reference;
  }

  /**
   * After a signal, clean-up must finish within a CI's cancel grace (GitHub Actions: 7.5 s from SIGINT to
   * SIGTERM, 2.5 s more to SIGKILL): requests are bounded tighter, and a DELETE is tried twice at most.
   */
  hurry(): void {
    this.timeoutMs = Math.min(this.timeoutMs, HURRIED_TIMEOUT_MS);
    this.attempts = Math.min(this.attempts, 2);
  }

  private attempts = DELETE_ATTEMPTS;

  constructor(
    readonly baseUrl: string,
    private readonly secretKey: string,
    private timeoutMs: number,
    private readonly budget: RateLimitBudget,
    readonly endUserId: string,
  ) {}

  async create(): Promise<string> {
    const url = new URL('connect/sessions', `${this.baseUrl}/`);
    const send = () =>
      boundedFetch(
        url,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${this.secretKey}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ end_user: { id: this.endUserId } }),
        },
        this.timeoutMs,
      );
    let response;
    try {
      response = await this.budget.send('POST /connect/sessions', send);
    } catch (error) {
      // Not sent again: the first attempt may have created a session whose token never came back. Only a request
      // that went out can have: a timeout, or a connection the server dropped; not a refused connection, a name
      // that did not resolve, a TLS handshake that failed (https:// to an http port) or a port fetch will not use.
      if (error instanceof RequestTimeoutError || (error instanceof ProviderUnreachableError && MAY_HAVE_BEEN_SENT.test(error.reason))) {
        throw new AmbiguousCreationError(error, this.endUserId);
      }
      if (this.accepted && error instanceof ProviderUnreachableError) throw new ProviderFaultError(`the provider at ${this.baseUrl} stopped answering: ${error.message}`);
      throw error;
    }
    if ((response.status === 401 || response.status === 403) && this.accepted) {
      throw new ProviderFaultError(
        `POST /connect/sessions answered ${response.status}${errorCode(response.bodyText)} to the NANGO_SECRET_KEY it accepted earlier in this run: the provider failed, not the key`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new SessionSetupError(`the provider at ${this.baseUrl} refused NANGO_SECRET_KEY: POST /connect/sessions answered ${response.status}${errorCode(response.bodyText)}`);
    }
    if (response.status >= 500 && this.accepted) throw new ProviderFaultError(`POST /connect/sessions on ${this.baseUrl} answered ${response.status}${errorCode(response.bodyText)}`);
    if (response.status !== 201 && response.status !== 200) {
      throw new SessionSetupError(`POST /connect/sessions on ${this.baseUrl} answered ${response.status}${errorCode(response.bodyText)}, expected 201`);
    }
    if (response.headers.get(REFERENCE_PROVIDER_HEADER) !== null) this.reference = true;
    const token = tokenIn(response.bodyText);
    if (token === undefined) {
      throw new SessionSetupError(`POST /connect/sessions on ${this.baseUrl} answered ${response.status} without a connect session token in data.token`);
    }
    this.accepted = true;
    return token;
  }

  /** True while the session lives: `GET /connect/session` with its token answers 200 (Nango, the reference provider). */
  async alive(token: string): Promise<boolean> {
    const send = () => boundedFetch(new URL('connect/session', `${this.baseUrl}/`), { method: 'GET', headers: { authorization: `Bearer ${token}` } }, this.timeoutMs);
    const response = await this.budget.send('GET /connect/session', send);
    if (response.status === 200) return true;
    if (response.status === 401 || response.status === 404) return false;
    throw new SessionSetupError(`GET /connect/session on ${this.baseUrl} answered ${response.status}${errorCode(response.bodyText)}`);
  }

  /**
   * Deletes the session; `false` when it was already gone (a 400, 401 or 404, and `GET /connect/session` no
   * longer knows it: deleted by a racing DELETE, or before). Lenient on purpose (any 2xx counts): judging the provider's answers is
   * the verification's job, clean-up must work on a drifting one too. Connection resets and 502/503/504 are
   * retried; as clean-up (`cleaningUp`) it waits out rate limits past the run's budget, also while the run stops.
   */
  async remove(token: string, cleaningUp: boolean): Promise<boolean> {
    const send = () =>
      boundedFetch(new URL('connect/session', `${this.baseUrl}/`), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }, this.timeoutMs);
    for (let attempt = 1; ; attempt += 1) {
      let response;
      try {
        response = await this.budget.send('DELETE /connect/session', send, cleaningUp ? 'clean-up' : 'run');
      } catch (error) {
        if (attempt < this.attempts && error instanceof ProviderUnreachableError) continue;
        throw error;
      }
      if (response.status >= 200 && response.status < 300) return true;
      // Another DELETE of the same session (a provider state's own, when a run is interrupted) may have won the
      // race: Nango answers the loser 400 (server_error), 401 or 404. The session's own GET tells whether it went.
      if (GONE_OR_RACED.has(response.status) && !(await this.alive(token))) return false;
      if (attempt < this.attempts && TRANSIENT_STATUSES.has(response.status)) continue;
      // A failing server may still have deleted it (or it was gone already): the session's own GET tells.
      if (response.status >= 500 && !(await this.alive(token).catch(() => true))) return false;
      const failure = `DELETE /connect/session on ${this.baseUrl} answered ${response.status}${errorCode(response.bodyText)}`;
      throw response.status >= 500 ? new ProviderFaultError(failure) : new SessionSetupError(failure);
    }
  }
}

function tokenIn(bodyText: string): string | undefined {
  try {
    const body: unknown = JSON.parse(bodyText);
    const data = isJsonObject(body) ? body['data'] : undefined;
    const token = isJsonObject(data) ? data['token'] : undefined;
    return typeof token === 'string' && isConnectSessionToken(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** ` (unknown_account)` from a StdError body, or nothing. */
function errorCode(bodyText: string): string {
  const code = stdErrorCode(bodyText);
  return code === undefined ? '' : ` (${code})`;
}
