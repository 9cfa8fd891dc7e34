import { boundedFetch, type RawResponse } from '../client/boundedFetch';
import { ConnectSessionClient, type OperationRequest } from '../client/connectSessionClient';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import { concretePath, createdSessionToken, SETUP } from '../cases';
import { is2xx } from '../http/status';
import { isJsonObject } from '../json';
import { operationLabel, stdErrorCode } from '../nangoApi';
import type { OperationRef } from '../openapi/responseValidators';
import { REFERENCE_ONLY_PREFIX, REFERENCE_PROVIDER_HEADER } from '../provider/referenceProvider';
import type { RateLimitBudget } from './rateLimit';
import { ContractsError } from '../errors';

/** The provider would not create or delete what a run needs; says why without echoing the key or any token. */
export class SessionSetupError extends ContractsError {
  override name = 'SessionSetupError';
}

/** A creation failed after the request went out: something may exist that the run never heard of. */
export class AmbiguousCreationError extends SessionSetupError {
  override name = 'AmbiguousCreationError';
  constructor(
    readonly failure: RequestTimeoutError | ProviderUnreachableError,
    what: string,
    /** What it may have created has a name the run knows (an integration, its connections): clean-up deletes it by name. */
    readonly settledByName = false,
  ) {
    super(`${failure.message}; the request may still have created ${what}, so it was not sent again`);
  }
}

/**
 * The provider failed mid-run: a secret key it accepted earlier in the run refused, a 5xx, or no answer at all
 * after it had answered. Not the user's key and not a verdict: the run stops as "could not verify".
 */
export class ProviderFaultError extends SessionSetupError {
  override name = 'ProviderFaultError';
}

/**
 * A deletion answered in a way that could mean "gone" or "I failed" (a 401 to a token, while the provider would not
 * show that it can look its keys up): not proof that it is gone. A provider fault, so clean-up tries again later.
 */
export class UnconfirmedDeletionError extends ProviderFaultError {
  override name = 'UnconfirmedDeletionError';
}

/** Transport failures that can come after the request went out: the server dropped the connection. */
const MAY_HAVE_BEEN_SENT = /ECONNRESET|UND_ERR_SOCKET|EPIPE|connection closed/;

/** Failures after which a DELETE is simply sent again: the thing is either still there or already gone. */
const TRANSIENT_STATUSES = new Set([502, 503, 504]);
const DELETE_ATTEMPTS = 3;
/** The bound on each clean-up request once a run is interrupted. */
const HURRIED_TIMEOUT_MS = 2_000;
/** Answers to a session's DELETE that mean it is gone, or that another DELETE of it was under way. */
const GONE_OR_RACED = new Set([400, 401, 404]);

type Mode = 'run' | 'clean-up';

/** An answer by its status, and its StdError code when that is what tells. */
interface AnswerRule {
  readonly status: number;
  readonly code?: string;
}

/**
 * Answers to a DELETE that say the thing was already gone: one rule per operation. A connection a real Nango does not
 * hold is `400 unknown_connection`; the spec documents 404 for it (what the reference provider serves), so both
 * count. An integration it does not hold is 404.
 */
export const ALREADY_GONE: Readonly<Record<'connection' | 'integration', readonly AnswerRule[]>> = {
  connection: [{ status: 400, code: 'unknown_connection' }, { status: 404 }],
  integration: [{ status: 404 }],
};

const matches = (rules: readonly AnswerRule[], { status, bodyText }: RawResponse): boolean =>
  rules.some((rule) => rule.status === status && (rule.code === undefined || rule.code === stdErrorCode(bodyText)));

/** What a session's own GET says of it after a DELETE that did not say it went. */
type SessionState = 'alive' | 'gone' | 'unproven';

/**
 * Creates and deletes what the provider states need over HTTP, the same way on the embedded provider as on a real
 * Nango. Connect sessions go through the suite's own ConnectSessionClient (`POST /connect/sessions` with the secret
 * key; `GET` and `DELETE /connect/session` with the session's token), so the contract covers what the suite relies
 * on; the admin reads the raw answer beside it, so a session a drifting provider did create is never lost, and
 * clean-up works on a drifting provider too. Integrations and connections (for reconnecting) use Nango's public
 * API: `POST /integrations`, `POST /auth/unauthenticated/{key}`, `DELETE /connection/{id}`, `DELETE
 * /integrations/{key}`. Everything is named after the run, `endUserId` (`contract-tests-<run id>`), so an operator
 * can find what a killed run left behind. Rate limits are waited out through `budget`.
 */
export class SessionAdmin {
  private reference = false;
  /** The provider has created a session for the key: a later refusal is its fault, not the key's. */
  private accepted = false;
  private attempts = DELETE_ATTEMPTS;
  /** The requests Nango's spec does not document that this admin sent, by operation (`POST /auth/unauthenticated/{providerConfigKey}`). */
  readonly undocumentedUsed: string[] = [];

  /** The provider said it is a reference provider (a header on its answers), not Nango. */
  get isReferenceProvider(): boolean {
    return this.reference;
  }

  constructor(
    readonly baseUrl: string,
    private readonly secretKey: string,
    private timeoutMs: number,
    private readonly budget: RateLimitBudget,
    readonly endUserId: string,
  ) {}

  /**
   * After a signal, clean-up must finish within a CI's cancel grace (GitHub Actions: 7.5 s from SIGINT to
   * SIGTERM, 2.5 s more to SIGKILL): requests are bounded tighter, and a DELETE is tried twice at most.
   */
  hurry(): void {
    this.timeoutMs = Math.min(this.timeoutMs, HURRIED_TIMEOUT_MS);
    this.attempts = Math.min(this.attempts, 2);
  }

  /** A new connect session for the run's end user (and, if given, only these integrations); its token. */
  async create(allowedIntegrations?: readonly string[]): Promise<string> {
    const input = { end_user: { id: this.endUserId }, ...(allowedIntegrations ? { allowed_integrations: [...allowedIntegrations] } : {}) };
    let answer: RawResponse;
    try {
      answer = await this.answerTo('run', (client) => client.createSession(this.secretKey, input));
    } catch (error) {
      // Not sent again: the first attempt may have created a session whose token never came back. Only a request
      // that went out can have: a timeout, or a connection the server dropped; not a refused connection, a name
      // that did not resolve, a TLS handshake that failed (https:// to an http port) or a port fetch will not use.
      if (error instanceof RequestTimeoutError || (error instanceof ProviderUnreachableError && MAY_HAVE_BEEN_SENT.test(error.reason))) {
        throw new AmbiguousCreationError(error, `a session for end user ${this.endUserId}`);
      }
      if (this.accepted && error instanceof ProviderUnreachableError) throw this.fault(`the provider at ${this.baseUrl} stopped answering: ${error.message}`);
      throw error;
    }
    const { status, bodyText } = answer;
    if ((status === 401 || status === 403) && this.accepted) {
      throw this.fault(`${operationLabel(SETUP.createSession)} answered ${status}${errorCode(bodyText)} to the NANGO_SECRET_KEY it accepted earlier in this run: the provider failed, not the key`);
    }
    if (status >= 500 && this.accepted) throw this.fault(`${operationLabel(SETUP.createSession)} on ${this.baseUrl} answered ${status}${errorCode(bodyText)}`);
    if (status === 401 || status === 403) {
      throw new SessionSetupError(`the provider at ${this.baseUrl} refused NANGO_SECRET_KEY: ${operationLabel(SETUP.createSession)} answered ${status}${errorCode(bodyText)}`);
    }
    if (!is2xx(status)) throw new SessionSetupError(`${operationLabel(SETUP.createSession)} on ${this.baseUrl} answered ${status}${errorCode(bodyText)}, expected 201`);
    // The raw answer decides what exists: a 2xx with a token is a session to delete, conforming or not.
    const token = createdSessionToken(SETUP.createSession.method, SETUP.createSession.path, bodyText);
    if (token === undefined) throw new SessionSetupError(`${operationLabel(SETUP.createSession)} on ${this.baseUrl} answered ${status} without a connect session token in data.token`);
    this.accepted = true;
    return token;
  }

  /** True while the session lives: `GET /connect/session` with its token answers 200 (any body), false on 401 or 404. */
  async alive(token: string, mode: Mode = 'run'): Promise<boolean> {
    const { status, bodyText } = await this.answerTo(mode, (client) => client.getSession(token));
    if (status === 200) return true;
    if (status === 401 || status === 404) return false;
    throw new SessionSetupError(`${operationLabel(SETUP.getSession)} on ${this.baseUrl} answered ${status}${errorCode(bodyText)}`);
  }

  /**
   * Deletes the session; `false` when it was already gone (a 400, 401 or 404, and `GET /connect/session` no
   * longer knows it: deleted by a racing DELETE, or before; a 401 counts only once the provider shows it answers
   * normally, else UnconfirmedDeletionError). Lenient on purpose (any 2xx counts): judging the
   * provider's answers is the verification's job, clean-up must work on a drifting one too. Connection resets and
   * 502/503/504 are retried; as clean-up (`cleaningUp`) it waits out rate limits past the run's budget, also while
   * the run stops.
   */
  async remove(token: string, cleaningUp: boolean): Promise<boolean> {
    const mode: Mode = cleaningUp ? 'clean-up' : 'run';
    for (let attempt = 1; ; attempt += 1) {
      let answer: RawResponse;
      try {
        answer = await this.answerTo(mode, (client) => client.deleteSession(token));
      } catch (error) {
        if (attempt < this.attempts && error instanceof ProviderUnreachableError) continue;
        throw error;
      }
      const { status, bodyText: body } = answer;
      if (is2xx(status)) return true;
      const failure = `${operationLabel(SETUP.deleteSession)} on ${this.baseUrl} answered ${status}${errorCode(body)}`;
      // Another DELETE of the same session (a provider state's own, when a run is interrupted) may have won the
      // race: Nango answers the loser 400 (server_error), 401 or 404. The session's own GET tells whether it went.
      if (GONE_OR_RACED.has(status)) {
        const state = await this.stateOf(token, mode);
        if (state === 'gone') return false;
        if (state === 'unproven') throw this.unconfirmed(failure);
      }
      if (attempt < this.attempts && TRANSIENT_STATUSES.has(status)) continue;
      // A failing server may still have deleted it (or it was gone already): the session's own GET tells.
      if (status >= 500 && (await this.stateOf(token, mode).catch((): SessionState => 'alive')) === 'gone') return false;
      throw status >= 500 ? this.fault(failure) : new SessionSetupError(failure);
    }
  }

  /**
   * Whether the session is gone, by its own GET: 200 it lives, 404 it is gone. A 401 is also how Nango answers a
   * token it cannot look up because it is failing (its database down): gone only when the provider shows it is
   * answering normally (`answersNormally`), otherwise unproven.
   */
  private async stateOf(token: string, mode: Mode): Promise<SessionState> {
    const { status, bodyText } = await this.answerTo(mode, (client) => client.getSession(token));
    if (status === 200) return 'alive';
    if (status === 404) return 'gone';
    if (status === 401) return (await this.answersNormally(mode)) ? 'gone' : 'unproven';
    throw new SessionSetupError(`${operationLabel(SETUP.getSession)} on ${this.baseUrl} answered ${status}${errorCode(bodyText)}`);
  }

  /**
   * The provider answers normally: it looks the secret key up and answers a request for something that does not
   * exist as it should. The request creates nothing: the DELETE of an integration the run never makes
   * (`<end user>-probe`), which a working Nango answers 404; a failing one answers 401 to the key, 5xx or nothing.
   */
  async answersNormally(mode: Mode = 'clean-up'): Promise<boolean> {
    try {
      const answer = await this.answerTo(mode, (client) => client.call(SETUP.deleteIntegration, { credential: this.secretKey, pathParams: { uniqueKey: `${this.endUserId}-probe` } }));
      if (matches(ALREADY_GONE.integration, answer)) return true;
    } catch {
      // No answer is no sign of health.
    }
    this.faulted = true;
    return false;
  }

  /**
   * Whether the provider has failed in this run (a 5xx, a key it accepted refused, an unproven deletion): from then
   * on, an answer that says a session is gone must be confirmed.
   */
  get hasFaulted(): boolean {
    return this.faulted;
  }

  private faulted = false;

  private fault(message: string): ProviderFaultError {
    this.faulted = true;
    return new ProviderFaultError(message);
  }

  private unconfirmed(failure: string): UnconfirmedDeletionError {
    this.faulted = true;
    return new UnconfirmedDeletionError(`${failure}, and the provider would not show it can look its keys up (it answers so while it fails): not proof the session is gone`);
  }

  /** `POST /integrations` of the `unauthenticated` provider under `key`. */
  async createIntegration(key: string): Promise<void> {
    const answer = await this.created(`an integration ${key}`, SETUP.createIntegration, { credential: this.secretKey, body: { unique_key: key, provider: 'unauthenticated', display_name: key } });
    if (!is2xx(answer.status)) throw new SessionSetupError(`${operationLabel(SETUP.createIntegration)} on ${this.baseUrl} answered ${answer.status}${errorCode(answer.bodyText)}, expected 200`);
  }

  /** A connection to integration `key` made through the connect session `token`, as an end user would: its id. */
  async connect(key: string, token: string): Promise<string> {
    const operation = SETUP.connectUnauthenticated;
    if (!this.undocumentedUsed.includes(operationLabel(operation))) this.undocumentedUsed.push(operationLabel(operation));
    const answer = await this.created(`a connection to ${key}`, operation, { pathParams: { providerConfigKey: key }, query: { connect_session_token: token }, body: {} });
    const id = connectionIdIn(answer.bodyText);
    if (!is2xx(answer.status) || id === undefined) {
      throw new SessionSetupError(`${concreteLabel(operation, { providerConfigKey: key })} on ${this.baseUrl} answered ${answer.status}${errorCode(answer.bodyText)} without a connectionId`);
    }
    return id;
  }

  /**
   * Makes the reference provider answer the connection as one whose refresh is exhausted (`424`), through the one
   * route it has beside Nango's API for it. Any other provider has none: the state cannot be set up there.
   */
  async exhaustRefresh(id: string, key: string): Promise<void> {
    const path = `${REFERENCE_ONLY_PREFIX}/refresh-exhausted/${encodeURIComponent(id)}?provider_config_key=${encodeURIComponent(key)}`;
    const send = () => boundedFetch(new URL(path.slice(1), `${this.baseUrl}/`), { method: 'POST', headers: { authorization: `Bearer ${this.secretKey}` } }, this.timeoutMs);
    const answer = await this.budget.send('POST a refresh-exhausted connection', send);
    if (!is2xx(answer.status)) {
      throw new SessionSetupError(`no connection whose refresh is exhausted can be made on ${this.baseUrl}: Nango's public API has no request for it (only the reference provider can), it answered ${answer.status}`);
    }
  }

  /** Deletes a connection; `false` when it was gone already (ALREADY_GONE.connection). */
  async removeConnection(id: string, key: string, cleaningUp: boolean): Promise<boolean> {
    return this.removed(SETUP.deleteConnection, { credential: this.secretKey, pathParams: { connectionId: id }, query: { provider_config_key: key } }, cleaningUp, ALREADY_GONE.connection);
  }

  /** Deletes an integration (and with it any connection it has); `false` when there was none (ALREADY_GONE.integration). */
  async removeIntegration(key: string, cleaningUp: boolean): Promise<boolean> {
    return this.removed(SETUP.deleteIntegration, { credential: this.secretKey, pathParams: { uniqueKey: key } }, cleaningUp, ALREADY_GONE.integration);
  }

  /**
   * The raw answer to one client call, conforming or not: the client's verdict on it is the verification's
   * business. Each call has a client of its own, bounded by the timeout in force: calls run at once (clean-up
   * deletes every session in parallel), and the answer read must be the one this call's request got. A clean-up
   * call waits out rate limits past the run's budget.
   */
  private async answerTo(mode: Mode, call: (client: ConnectSessionClient) => Promise<unknown>): Promise<RawResponse> {
    const exchange: { answer?: RawResponse } = {};
    const client = new ConnectSessionClient(this.baseUrl, {
      timeoutMs: this.timeoutMs,
      transport: async (what, send) => {
        const answer = await this.budget.send(what, send, mode);
        if (answer.headers.get(REFERENCE_PROVIDER_HEADER) !== null) this.reference = true;
        exchange.answer = answer;
        return answer;
      },
    });
    try {
      await call(client);
    } catch (error) {
      // No answer came (the transport failed, or it timed out): nothing to read, the failure is the call's.
      if (!exchange.answer) throw error;
    }
    // Stryker disable next-line ConditionalExpression,StringLiteral: a client call that returns has had an answer through the transport
    if (!exchange.answer) throw new SessionSetupError(`no answer from ${this.baseUrl}`);
    return exchange.answer;
  }

  /** A POST that creates something: sent once (an answer lost after it went out is ambiguous, never retried). */
  private async created(what: string, operation: OperationRef, request: OperationRequest): Promise<RawResponse> {
    try {
      return await this.answerTo('run', (client) => client.call(operation, request));
    } catch (error) {
      // An integration has the name the run gave it; a connection goes with its integration.
      if (error instanceof RequestTimeoutError || (error instanceof ProviderUnreachableError && MAY_HAVE_BEEN_SENT.test(error.reason))) throw new AmbiguousCreationError(error, what, true);
      throw error;
    }
  }

  /**
   * A DELETE of a connection or integration: 2xx deleted, an answer of `gone` already gone; resets and 502/503/504
   * retried. A 401 or 403 to the key the provider accepted earlier in the run is its fault, and proves nothing.
   */
  private async removed(operation: OperationRef, request: OperationRequest, cleaningUp: boolean, gone: readonly AnswerRule[]): Promise<boolean> {
    const label = concreteLabel(operation, request.pathParams);
    for (let attempt = 1; ; attempt += 1) {
      let answer: RawResponse;
      try {
        answer = await this.answerTo(cleaningUp ? 'clean-up' : 'run', (client) => client.call(operation, request));
      } catch (error) {
        if (attempt < this.attempts && error instanceof ProviderUnreachableError) continue;
        throw error;
      }
      if (is2xx(answer.status)) return true;
      if (matches(gone, answer)) return false;
      if (attempt < this.attempts && TRANSIENT_STATUSES.has(answer.status)) continue;
      const failure = `${label} on ${this.baseUrl} answered ${answer.status}${errorCode(answer.bodyText)}`;
      const refusedKey = (answer.status === 401 || answer.status === 403) && this.accepted;
      throw answer.status >= 500 || refusedKey ? this.fault(failure) : new SessionSetupError(failure);
    }
  }
}

/** `DELETE /connection/abc`: how a failure names the request it sent. */
function concreteLabel(operation: OperationRef, pathParams: Readonly<Record<string, string>> = {}): string {
  return `${operation.method.toUpperCase()} ${decodeURIComponent(concretePath(operation.path, pathParams))}`;
}

function connectionIdIn(bodyText: string): string | undefined {
  try {
    const body: unknown = JSON.parse(bodyText);
    const id = isJsonObject(body) ? body['connectionId'] : undefined;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    // Not JSON: no connection id, which undefined says; the caller reports what it lacked.
    return undefined;
  }
}

/** ` (unknown_account)` from a StdError body, or nothing. */
function errorCode(bodyText: string): string {
  const code = stdErrorCode(bodyText);
  return code === undefined ? '' : ` (${code})`;
}

