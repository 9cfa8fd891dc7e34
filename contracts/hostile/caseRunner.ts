import type { RawResponse } from '../client/boundedFetch';
import { ConnectSessionClientError } from '../client/errors';
import type { RateLimitBudget } from '../live/rateLimit';
import type { SessionAdmin } from '../live/sessionAdmin';
import type { SessionLedger } from '../live/sessionLedger';
import { DELETE_SESSION } from '../nangoApi';
import type { AuthSpec, BodySpec, HostileCase, SessionTokenForm } from './hostileCases';
import { placeholder, resolve, UNKNOWN_TOKEN, type RoleValues } from './placeholders';
import type { Answer, Observation } from './observation';
import { sendRaw, type SentRequest } from './rawRequest';

const PATH = DELETE_SESSION.path;

export interface RunnerContext {
  readonly baseUrl: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
  readonly admin: SessionAdmin;
  readonly ledger: SessionLedger;
  readonly budget: RateLimitBudget;
}

/** No answer came (a timeout, a dropped connection): the case ends with what it had sent. */
class NoAnswer extends Error {
  override name = 'NoAnswer';
  constructor(
    readonly request: SentRequest,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Runs generated cases against the provider and records what happened, judging nothing (checks.ts does). Live
 * sessions come from the ledger (so each is deleted in the end) and are reused while they live; whether a request
 * deleted one is asked of the provider's own API afterwards (`GET /connect/session`).
 */
export class CaseRunner {
  private spare: string | undefined;
  private readonly deleted: string[] = [];
  /** What the placeholders of every request stand for, besides the case's own sessions. */
  private readonly values: RoleValues;

  constructor(private readonly context: RunnerContext) {
    this.values = { secret: context.secretKey, unknown: UNKNOWN_TOKEN };
  }

  async run(hostile: HostileCase): Promise<Observation> {
    try {
      switch (hostile.kind) {
        case 'single':
          return await this.single(hostile);
        case 'repeat':
          return await this.deletesOfOneSession('repeat', hostile.times);
        case 'race':
          return await this.deletesOfOneSession('race', hostile.parallel);
        case 'method':
          return await this.otherMethod(hostile.method);
      }
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      return { kind: 'no-answer', request: error.request, reason: error.message };
    }
  }

  private async single(hostile: HostileCase & { kind: 'single' }): Promise<Observation> {
    const session = needsLiveSession(hostile.auth) ? await this.liveSession() : undefined;
    const values: RoleValues = { ...this.values, ...(session ? { live: session } : {}), ...(hostile.auth.kind === 'deleted-session' ? { deleted: await this.deletedSession() } : {}) };
    const authorization = authorizationOf(hostile.auth);
    const answer = await this.send(deleteRequest(authorization, hostile.query, hostile.body, hostile.contentType), values);
    const followUp = answer.response.status === 204 && authorization !== undefined ? await this.send(deleteRequest(authorization, [], { kind: 'none' }, undefined), values) : undefined;
    const sessionAlive = session === undefined ? undefined : await this.settle(session);
    return { kind: 'single', hostile, auth: hostile.auth, answer, followUp, sessionAlive };
  }

  /** One session deleted `count` times: one after the other (`repeat`), or all at once (`race`). */
  private async deletesOfOneSession(how: 'repeat' | 'race', count: number): Promise<Observation> {
    const token = await this.liveSession();
    const request = deleteRequest(`Bearer ${placeholder('live')}`, [], { kind: 'none' }, undefined);
    const values = { ...this.values, live: token };
    const answers: Answer[] = [];
    if (how === 'race') answers.push(...(await Promise.all(Array.from({ length: count }, () => this.send(request, values)))));
    else for (let attempt = 0; attempt < count; attempt += 1) answers.push(await this.send(request, values));
    return { kind: 'one-session', how, answers, sessionAlive: await this.settle(token) };
  }

  /** A method the spec does not document, with a live token; HEAD after a GET, whose answer it may copy. */
  private async otherMethod(method: string): Promise<Observation> {
    const token = await this.liveSession();
    const request = (name: string): SentRequest => ({ method: name, target: PATH, headers: { authorization: `Bearer ${placeholder('live')}` }, body: undefined });
    const values = { ...this.values, live: token };
    const get = method === 'HEAD' ? await this.send(request('GET'), values) : undefined;
    const answer = await this.send(request(method), values);
    return { kind: 'method', answer, get, sessionAlive: await this.settle(token) };
  }

  /** Sends the request with its placeholders filled in; the answer keeps the request as written, placeholders and all. */
  private async send(request: SentRequest, values: RoleValues): Promise<Answer> {
    let response: RawResponse;
    let durationMs = 0;
    const onTheWire = resolve(request, values);
    const timed = async (): Promise<RawResponse> => {
      const started = performance.now();
      const answered = await sendRaw(this.context.baseUrl, onTheWire, this.context.timeoutMs);
      durationMs = performance.now() - started;
      return answered;
    };
    try {
      response = await this.context.budget.send(`${request.method} ${PATH}`, timed);
    } catch (error) {
      if (!(error instanceof ConnectSessionClientError)) throw error;
      throw new NoAnswer(request, error.message);
    }
    return { request, response, durationMs };
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
}

const needsLiveSession = (auth: AuthSpec): boolean => auth.kind === 'session' || auth.kind === 'off-by-one';

/** The Authorization header a case sends, its credentials as placeholders. */
function authorizationOf(auth: AuthSpec): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'raw':
      return auth.value;
    case 'session':
      return withForm(auth.form, placeholder('live'));
    case 'off-by-one':
      return `Bearer ${placeholder('live', auth.mutation)}`;
    case 'unknown-token':
      return `Bearer ${placeholder('unknown')}`;
    case 'deleted-session':
      return `Bearer ${placeholder('deleted')}`;
    case 'secret-key':
      return `Bearer ${placeholder('secret')}`;
  }
}

function withForm(form: SessionTokenForm, token: string): string {
  switch (form) {
    case 'bearer':
      return `Bearer ${token}`;
    case 'lowercase-scheme':
      return `bearer ${token}`;
    case 'double-space':
      return `Bearer  ${token}`;
    case 'bare':
      return token;
    case 'x-prefixed':
      return `XBearer ${token}`;
    case 'basic-bearer':
      return `Basic Bearer ${token}`;
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
