import type { RawResponse } from '../client/boundedFetch';
import { ConnectSessionClientError } from '../client/errors';
import type { ResponseValidators } from '../openapi/responseValidators';
import type { RateLimitBudget } from '../verification/rateLimit';
import type { SessionAdmin } from '../verification/sessionAdmin';
import type { SessionLedger } from '../verification/sessionLedger';
import { errorCodeOf, is2xx, responseChecks, type CheckName, type Failure } from './hostileChecks';
import type { AuthSpec, BodySpec, HostileCase, OffByOne, SessionTokenForm } from './hostileCases';
import { sendRaw, type SentRequest } from './rawRequest';

const PATH = '/connect/session';
/** A token in the right format that no session has: the same every run, so a failure replays. */
const UNKNOWN_TOKEN = `nango_connect_session_${'0123456789abcdef'.repeat(4)}`;

export interface RunnerContext {
  readonly baseUrl: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
  readonly validators: ResponseValidators;
  readonly admin: SessionAdmin;
  readonly ledger: SessionLedger;
  readonly budget: RateLimitBudget;
}

/** What a case did: its failures, the hostile requests it sent (set-up and look-ups aside), the checks it applied. */
export interface CaseOutcome {
  readonly failures: Failure[];
  readonly requests: number;
  /** One entry per check applied to one request. */
  readonly judged: CheckName[];
}

const RESPONSE_CHECKS: readonly CheckName[] = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

/** No answer came (a timeout, a dropped connection): a failure of its own, ending the case. */
export class CaseTransportError extends Error {
  override name = 'CaseTransportError';
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/**
 * Runs generated cases against the provider and checks every answer. Live sessions come from the ledger (so
 * each is deleted in the end) and are reused while they live; whether a request deleted one is asked of the
 * provider's own API afterwards (`GET /connect/session`).
 */
export class CaseRunner {
  private spare: string | undefined;
  private readonly deleted: string[] = [];

  constructor(private readonly context: RunnerContext) {}

  async run(hostile: HostileCase): Promise<CaseOutcome> {
    switch (hostile.kind) {
      case 'single':
        return this.single(hostile);
      case 'repeat':
        return this.repeat(hostile.times);
      case 'race':
        return this.race(hostile.parallel);
    }
  }

  private async single(hostile: HostileCase & { kind: 'single' }): Promise<CaseOutcome> {
    const session = needsLiveSession(hostile.auth) ? await this.liveSession() : undefined;
    const authorization = await this.authorization(hostile.auth, session);
    const request = deleteRequest(authorization, hostile.query, hostile.body, hostile.contentType);
    const response = await this.send(request);
    const failures = responseChecks(this.context.validators, request, response);
    const fail = (check: CheckName, message: string): void => {
      failures.push({ check, status: response.status, code: errorCodeOf(response), message, request });
    };
    const credential = credentialOf(hostile.auth);
    const allowed = specAllows(hostile, authorization);
    const judged: CheckName[] = [...RESPONSE_CHECKS];
    if (!allowed) judged.push('negative_data_rejection');
    if (credential === 'invalid') judged.push('ignored_auth');
    if (allowed && (credential === 'valid' || credential === 'spec-documented')) judged.push('positive_data_acceptance');
    if (session !== undefined) judged.push('session_deleted_only_by_204');
    if (!allowed && is2xx(response.status)) fail('negative_data_rejection', `a request the spec does not allow (${whyNotAllowed(hostile, authorization)}) was answered ${response.status}`);
    if (credential === 'invalid' && is2xx(response.status)) fail('ignored_auth', `${describeAuth(hostile.auth)} was answered ${response.status}`);
    if (allowed && (credential === 'valid' || credential === 'spec-documented') && !is2xx(response.status)) {
      fail('positive_data_acceptance', `a request the spec allows, with ${describeAuth(hostile.auth)}, was answered ${response.status}${errorCodeOf(response) ? ` (${errorCodeOf(response)})` : ''}`);
    }
    let requests = 1;
    if (response.status === 204 && authorization !== undefined) {
      const again = deleteRequest(authorization, [], { kind: 'none' }, undefined);
      const second = await this.send(again);
      requests += 1;
      judged.push(...RESPONSE_CHECKS, 'use_after_free');
      failures.push(...responseChecks(this.context.validators, again, second));
      if (is2xx(second.status)) failures.push({ check: 'use_after_free', status: second.status, code: errorCodeOf(second), message: `the same credential was answered ${second.status} again after a 204`, request: again });
    }
    if (session !== undefined) {
      const alive = await this.settle(session);
      if (!alive && response.status !== 204) {
        const why = credential === 'invalid' ? 'ignored_auth' : 'session_deleted_only_by_204';
        fail(why, `answered ${response.status}, yet the session is gone (GET /connect/session)`);
      }
      if (alive && response.status === 204) fail('session_deleted_only_by_204', 'answered 204, yet the session still lives (GET /connect/session)');
    }
    return { failures, requests, judged };
  }

  /** One session deleted `times` times in a row: one 204, then never again. */
  private async repeat(times: number): Promise<CaseOutcome> {
    const token = await this.liveSession();
    const request = deleteRequest(`Bearer ${token}`, [], { kind: 'none' }, undefined);
    const responses: RawResponse[] = [];
    for (let attempt = 0; attempt < times; attempt += 1) responses.push(await this.send(request));
    return { failures: await this.judgeDeletesOfOneSession(token, request, responses), requests: times, judged: judgedForOneSession(times) };
  }

  /** One session deleted by `parallel` requests at once: exactly one 204. */
  private async race(parallel: number): Promise<CaseOutcome> {
    const token = await this.liveSession();
    const request = deleteRequest(`Bearer ${token}`, [], { kind: 'none' }, undefined);
    const responses = await Promise.all(Array.from({ length: parallel }, () => this.send(request)));
    return { failures: await this.judgeDeletesOfOneSession(token, request, responses), requests: parallel, judged: judgedForOneSession(parallel) };
  }

  private async judgeDeletesOfOneSession(token: string, request: SentRequest, responses: readonly RawResponse[]): Promise<Failure[]> {
    const failures = responses.flatMap((response) => responseChecks(this.context.validators, request, response));
    const accepted = responses.filter((response) => is2xx(response.status));
    for (const extra of accepted.slice(1)) {
      failures.push({ check: 'use_after_free', status: extra.status, code: errorCodeOf(extra), message: `${accepted.length} of ${responses.length} deletes of one session were answered 2xx`, request });
    }
    const [first] = responses;
    if (accepted.length === 0 && first) {
      failures.push({ check: 'positive_data_acceptance', status: first.status, code: errorCodeOf(first), message: `no delete of a live session was accepted (${responses.map((response) => response.status).join(', ')})`, request });
    }
    const alive = await this.settle(token);
    if (alive === accepted.length > 0) {
      failures.push({
        check: 'session_deleted_only_by_204',
        status: first?.status,
        code: first ? errorCodeOf(first) : undefined,
        message: alive ? 'a delete was answered 2xx, yet the session still lives' : 'no delete was answered 2xx, yet the session is gone',
        request,
      });
    }
    return failures;
  }

  private async send(request: SentRequest): Promise<RawResponse> {
    try {
      return await this.context.budget.send(`DELETE ${PATH}`, () => sendRaw(this.context.baseUrl, request, this.context.timeoutMs));
    } catch (error) {
      if (!(error instanceof ConnectSessionClientError)) throw error;
      throw new CaseTransportError({ check: 'not_a_server_error', status: undefined, code: undefined, message: error.message, request });
    }
  }

  /** A live session: the spare one left by an earlier case, or a new one. */
  private async liveSession(): Promise<string> {
    const spare = this.spare;
    this.spare = undefined;
    return spare ?? this.context.ledger.open();
  }

  /** Whether the session survived; a survivor is kept for the next case, a gone one noted for `deleted-session`. */
  private async settle(token: string): Promise<boolean> {
    const alive = await this.context.admin.alive(token);
    if (alive) {
      if (this.spare === undefined) this.spare = token;
    } else {
      this.context.ledger.markGone(token);
      this.deleted.push(token);
    }
    return alive;
  }

  private async deletedSession(): Promise<string> {
    const known = this.deleted.at(-1);
    if (known !== undefined) return known;
    const token = await this.liveSession();
    await this.context.ledger.delete(token);
    this.deleted.push(token);
    return token;
  }

  private async authorization(auth: AuthSpec, session: string | undefined): Promise<string | undefined> {
    switch (auth.kind) {
      case 'none':
        return undefined;
      case 'raw':
        return auth.value;
      case 'session':
        return withForm(auth.form, session ?? '');
      case 'off-by-one':
        return `Bearer ${offByOne(auth.mutation, session ?? '')}`;
      case 'unknown-token':
        return `Bearer ${UNKNOWN_TOKEN}`;
      case 'deleted-session':
        return `Bearer ${await this.deletedSession()}`;
      case 'secret-key':
        return `Bearer ${this.context.secretKey}`;
    }
  }
}

const judgedForOneSession = (requests: number): CheckName[] => [
  ...Array.from({ length: requests }, () => RESPONSE_CHECKS).flat(),
  'use_after_free',
  'positive_data_acceptance',
  'session_deleted_only_by_204',
];

const needsLiveSession = (auth: AuthSpec): boolean => auth.kind === 'session' || auth.kind === 'off-by-one';

/**
 * `valid`: the credential exactly as Nango takes it; `spec-documented`: what the spec's security scheme names
 * (the secret key); `invalid`: missing or wrong; `ambiguous`: a live token written in a form HTTP allows but a
 * server may refuse (scheme case, extra space), which no check judges.
 */
function credentialOf(auth: AuthSpec): 'valid' | 'spec-documented' | 'invalid' | 'ambiguous' {
  if (auth.kind === 'secret-key') return 'spec-documented';
  if (auth.kind === 'session') return auth.form === 'bearer' ? 'valid' : auth.form === 'bare' ? 'invalid' : 'ambiguous';
  return 'invalid';
}

/** The spec documents no parameters and no request body, and a bearer credential. */
function specAllows(hostile: HostileCase & { kind: 'single' }, authorization: string | undefined): boolean {
  return whyNotAllowed(hostile, authorization) === '';
}

function whyNotAllowed(hostile: HostileCase & { kind: 'single' }, authorization: string | undefined): string {
  const reasons: string[] = [];
  if (hostile.query.length > 0) reasons.push('a query parameter');
  if (hostile.body.kind !== 'none') reasons.push('a body');
  if (authorization === undefined || !/^Bearer [^\s]+$/i.test(authorization)) reasons.push('no bearer credential');
  return reasons.join(', ');
}

function describeAuth(auth: AuthSpec): string {
  switch (auth.kind) {
    case 'none':
      return 'no Authorization header';
    case 'raw':
      return `Authorization ${JSON.stringify(auth.value.length > 40 ? `${auth.value.slice(0, 40)}…` : auth.value)}`;
    case 'session':
      return `a live session's token (${auth.form})`;
    case 'off-by-one':
      return `a live session's token one character off (${auth.mutation})`;
    case 'unknown-token':
      return 'a well-formed token of no session';
    case 'deleted-session':
      return "a deleted session's token";
    case 'secret-key':
      return 'the environment secret key, as the security scheme documents';
  }
}

function withForm(form: SessionTokenForm, token: string): string {
  switch (form) {
    case 'bearer':
      return `Bearer ${token}`;
    case 'bare':
      return token;
    case 'lowercase-scheme':
      return `bearer ${token}`;
    case 'double-space':
      return `Bearer  ${token}`;
  }
}

function offByOne(mutation: OffByOne, token: string): string {
  switch (mutation) {
    case 'drop-last':
      return token.slice(0, -1);
    case 'add-hex':
      return `${token}a`;
    case 'uppercase-hex':
      return token.replace(/[a-f](?=[0-9a-f]*$)/, (hex) => hex.toUpperCase());
    case 'non-hex':
      return `${token.slice(0, -1)}g`;
    case 'wrong-prefix':
      return token.replace('nango_connect_session_', 'nango_connect_sessio_');
  }
}

function deleteRequest(authorization: string | undefined, query: ReadonlyArray<readonly [string, string]>, body: BodySpec, contentType: string | undefined): SentRequest {
  const search = query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  if (contentType !== undefined) headers['content-type'] = contentType;
  return { method: 'DELETE', target: `${PATH}${search ? `?${search}` : ''}`, headers, body: bodyText(body) };
}

function bodyText(body: BodySpec): string | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return body.text;
    case 'text':
      return body.text;
    case 'large':
      return JSON.stringify({ pad: 'x'.repeat(body.bytes) });
  }
}
