import type { RawResponse } from '../client/boundedFetch';
import { ConnectSessionClientError } from '../client/errors';
import type { RateLimitBudget } from '../live/rateLimit';
import type { SessionAdmin } from '../live/sessionAdmin';
import type { SessionLedger } from '../live/sessionLedger';
import { DELETE_SESSION } from '../nangoApi';
import { CONNECT_SESSION_TOKEN_PREFIX, tokenOf } from '../sessionToken';
import type { AuthSpec, BodySpec, HostileCase, OffByOne, SessionTokenForm } from './hostileCases';
import type { Answer, Observation } from './observation';
import { sendRaw, type SentRequest } from './rawRequest';

const PATH = DELETE_SESSION.path;
/** A token in the right format that no session has: the same every run, so a failure replays. */
const UNKNOWN_TOKEN = tokenOf('0123456789abcdef');

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

  constructor(private readonly context: RunnerContext) {}

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
    const authorization = await this.authorization(hostile.auth, session);
    const answer = await this.send(deleteRequest(authorization, hostile.query, hostile.body, hostile.contentType));
    const followUp = answer.response.status === 204 && authorization !== undefined ? await this.send(deleteRequest(authorization, [], { kind: 'none' }, undefined)) : undefined;
    const sessionAlive = session === undefined ? undefined : await this.settle(session);
    return { kind: 'single', hostile, auth: hostile.auth, answer, followUp, sessionAlive };
  }

  /** One session deleted `count` times: one after the other (`repeat`), or all at once (`race`). */
  private async deletesOfOneSession(how: 'repeat' | 'race', count: number): Promise<Observation> {
    const token = await this.liveSession();
    const request = deleteRequest(`Bearer ${token}`, [], { kind: 'none' }, undefined);
    const answers: Answer[] = [];
    if (how === 'race') answers.push(...(await Promise.all(Array.from({ length: count }, () => this.send(request)))));
    else for (let attempt = 0; attempt < count; attempt += 1) answers.push(await this.send(request));
    return { kind: 'one-session', how, answers, sessionAlive: await this.settle(token) };
  }

  /** A method the spec does not document, with a live token; HEAD after a GET, whose answer it may copy. */
  private async otherMethod(method: string): Promise<Observation> {
    const token = await this.liveSession();
    const request = (name: string): SentRequest => ({ method: name, target: PATH, headers: { authorization: `Bearer ${token}` }, body: undefined });
    const get = method === 'HEAD' ? await this.send(request('GET')) : undefined;
    const answer = await this.send(request(method));
    return { kind: 'method', answer, get, sessionAlive: await this.settle(token) };
  }

  private async send(request: SentRequest): Promise<Answer> {
    let response: RawResponse;
    let durationMs = 0;
    const timed = async (): Promise<RawResponse> => {
      const started = performance.now();
      const answered = await sendRaw(this.context.baseUrl, request, this.context.timeoutMs);
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

const needsLiveSession = (auth: AuthSpec): boolean => auth.kind === 'session' || auth.kind === 'off-by-one';

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
      return token.replace(CONNECT_SESSION_TOKEN_PREFIX, CONNECT_SESSION_TOKEN_PREFIX.slice(0, -2) + '_');
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
