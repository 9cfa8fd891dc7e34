import type { RawResponse } from '../client/boundedFetch';
import { concretePath, createdResource, createdSessionToken, type StateValueName } from '../cases';
import { ConnectSessionClientError } from '../client/errors';
import { is2xx } from '../http/status';
import type { RateLimitBudget } from '../live/rateLimit';
import type { SessionAdmin } from '../live/sessionAdmin';
import { INTERRUPTED_CREATION_WAIT_MS, type SessionLedger } from '../live/sessionLedger';
import type { RunStop } from '../live/runStop';
import { isJsonObject, type JsonValue } from '../json';
import type { TestConnection } from '../live/sessionLedger';
import type { OperationRef } from '../openapi/responseValidators';
import type { AuthSpec, BodySpec, HostileCase, SessionTokenForm } from './hostileCases';
import {
  hostileOperationAt,
  isDeleteSession,
  operationOf,
  pathOf,
  sessionRemoval,
  type Filled,
  type HostileOperation,
} from './operations';
import { placeholder, resolve, UNKNOWN_TOKEN, type RoleValues } from './placeholders';
import type { Answer, Observation } from './observation';
import { sendRaw, type SentRequest } from './rawRequest';
import { ContractsError } from '../errors';

/** An id of nothing, for a path parameter a case needs none of the run's for: `contract-tests-no-such-connectionId`. */
const UNKNOWN_ID_PREFIX = 'contract-tests-no-such-';

export interface RunnerContext {
  readonly baseUrl: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
  readonly admin: SessionAdmin;
  readonly ledger: SessionLedger;
  readonly budget: RateLimitBudget;
  /** The lifecycle's operations (operations.ts): how each authenticates, and where its 201 puts a new session. */
  readonly operations: readonly HostileOperation[];
  /**
   * The run's stop switch: once it flips, a request under way gets INTERRUPTED_CREATION_WAIT_MS more, not its whole
   * timeout, so an interrupted run ends within a CI's cancel grace (GitHub Actions: 7.5 s to SIGTERM).
   */
  readonly stop?: RunStop;
}

/** No answer came (a timeout, a dropped connection): the case ends with what it had sent. */
class NoAnswer extends ContractsError {
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
  /** The connection reconnect bodies name, made once when the first needs it. */
  private connection: Promise<TestConnection> | undefined;
  /** What the placeholders of every request stand for, besides the case's own sessions. */
  private readonly values: RoleValues;
  /** Aborted INTERRUPTED_CREATION_WAIT_MS after the run stops: what a request still under way then gives up on. */
  private readonly cutShort = new AbortController();

  constructor(private readonly context: RunnerContext) {
    this.values = { secret: context.secretKey, unknown: UNKNOWN_TOKEN };
    context.stop?.onStop(() => setTimeout(() => this.cutShort.abort(), INTERRUPTED_CREATION_WAIT_MS).unref());
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
          return await this.otherMethod(hostile.method, pathOf(hostile));
      }
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      return { kind: 'no-answer', request: error.request, reason: error.message };
    }
  }

  private async single(hostile: HostileCase & { kind: 'single' }): Promise<Observation> {
    const operation = hostileOperationAt(this.context.operations, operationOf(hostile));
    const session = needsLiveSession(hostile.auth) ? await this.liveSession() : undefined;
    const values: RoleValues = {
      ...this.values,
      ...(session ? { live: session } : {}),
      ...(hostile.auth.kind === 'deleted-session' ? { deleted: await this.deletedSession() } : {}),
    };
    const authorization = authorizationOf(hostile.auth);
    const runs = this.runsOwn(operation);
    const body = await this.bodyFor(operation, hostile.body, runs);
    const pathParams = await filled(operation.pathParams, runs);
    const query = [...Object.entries(await filled(operation.query, runs)), ...hostile.query];
    const answer = await this.send(
      requestTo(operation.operation, authorization, query, body, hostile.contentType, pathParams),
      values,
    ).catch((error: unknown) => {
      // A creating request that went out and got no answer may have made a session no token names: the account says so.
      if (error instanceof NoAnswer && operation.createsSessionAt !== undefined)
        this.context.ledger.noteInDoubt(
          `${operation.label} got no answer (${error.message}): it may have created a session the run cannot delete`,
        );
      throw error;
    });
    this.followRemoval(operation, answer, pathParams);
    if (operation.creates?.resource === 'integration' && is2xx(answer.response.status))
      this.adoptIntegration(operation, answer);
    const deleted = isDeleteSession(operation.operation) && answer.response.status === 204;
    const followUp =
      deleted && authorization !== undefined
        ? await this.send(requestTo(operation.operation, authorization, [], undefined, undefined), values)
        : undefined;
    const createdSession =
      operation.createsSessionAt !== undefined && is2xx(answer.response.status)
        ? await this.adoptCreated(operation, answer)
        : undefined;
    const sessionAlive = session === undefined ? undefined : await this.settle(session);
    return {
      kind: 'single',
      hostile,
      auth: hostile.auth,
      answer,
      followUp,
      sessionAlive,
      ...(createdSession ? { createdSession } : {}),
    };
  }

  /**
   * What of the run's a case names, made when first asked for: a request that may remove its connection or its
   * integration gets one of its own (made for it, and deleted by clean-up unless the request did); others share the
   * run's test connection; a key an integration may be created under is a new one of the run's, known before the
   * request goes out (clean-up deletes it by name, a 404 saying it never came to be).
   */
  private runsOwn(operation: HostileOperation): (name: StateValueName) => Promise<string> {
    const removes = operation.removes?.resource;
    let own: Promise<TestConnection> | undefined;
    let key: string | undefined;
    let integration: Promise<string> | undefined;
    const connection = (): Promise<TestConnection> => {
      if (removes === 'connection') return (own ??= this.context.ledger.newConnection());
      return (this.connection ??= this.context.ledger.connection());
    };
    return async (name) => {
      switch (name) {
        case 'connectionId':
          return (await connection()).connectionId;
        case 'integrationId':
          if (removes === 'integration') return (integration ??= this.context.ledger.integration());
          return (await connection()).integrationId;
        case 'integrationKey':
          return (key ??= this.context.ledger.integrationKey());
        case 'connectSessionToken':
        case 'endUserId':
          throw new Error(`${operation.label}: the hostile run fills no ${name} from a state`);
      }
    };
  }

  /** An answer that removed what its path names, as its table says (a connection, an integration): gone, not deleted again. */
  private followRemoval(
    operation: HostileOperation,
    answer: Answer,
    pathParams: Readonly<Record<string, string>>,
  ): void {
    const { removes } = operation;
    if (removes?.param === undefined || answer.response.status !== removes.on) return;
    const named = pathParams[removes.param];
    if (named === undefined) return;
    if (removes.resource === 'connection') this.context.ledger.markConnectionGone(named);
    if (removes.resource === 'integration') this.context.ledger.markIntegrationGone(named);
  }

  /**
   * A 2xx of an operation that creates an integration made one under the key its body holds: adopted, so clean-up
   * deletes it by name; one without a key there may have made one the run cannot name: the account says so.
   */
  private adoptIntegration(operation: HostileOperation, answer: Answer): void {
    const created = createdResource(operation.operation.method, operation.operation.path, answer.response.bodyText);
    if (created?.resource === 'integration') this.context.ledger.adoptIntegration(created.id);
    else
      this.context.ledger.noteInDoubt(
        `${operation.label} answered ${answer.response.status} without an integration key at ${operation.creates?.at ?? ''}: it may have created an integration the run cannot delete`,
      );
  }

  /**
   * The session a 2xx of a creating operation made: adopted by the ledger (so the run deletes it), asked for
   * (`GET /connect/session`), then kept as the spare live session or deleted (deleted too when GET does not know
   * it, so a server whose GET is wrong keeps nothing of the run's). An answer without a token may still
   * have made one: noted in doubt, so the run's account says so.
   */
  private async adoptCreated(
    operation: HostileOperation,
    answer: Answer,
  ): Promise<'answers-get' | 'gone' | 'no-token'> {
    const token = createdSessionToken(operation.operation.method, operation.operation.path, answer.response.bodyText);
    if (token === undefined) {
      this.context.ledger.noteInDoubt(
        `${operation.label} answered ${answer.response.status} without a session token at ${operation.createsSessionAt ?? ''}: it may have created a session the run cannot delete`,
      );
      return 'no-token';
    }
    this.context.ledger.adopt(token);
    const alive = await this.context.admin.alive(token);
    if (!alive) {
      // GET may be what is wrong: deleted all the same (a session already gone answers 404, and counts as gone).
      await this.context.ledger.delete(token);
      return 'gone';
    }
    if (this.spare === undefined) this.spare = token;
    else await this.context.ledger.delete(token);
    return 'answers-get';
  }

  /**
   * The body as sent: a schema's body as JSON; where the operation's success case names something of the run's
   * (a reconnect's `connection_id` and `integration_id`, a new integration's `unique_key`) or a fixed value (a
   * provider that exists: `provider`) and the generated body has a string there, that goes in, so the only rule the body breaks is the one its label names (a
   * connection of no one is refused too), and what it creates has a name the run knows.
   */
  private async bodyFor(
    operation: HostileOperation,
    body: BodySpec,
    runs: (name: StateValueName) => Promise<string>,
  ): Promise<string | undefined> {
    if (body.kind !== 'valid' && body.kind !== 'invalid') return bodyText(body);
    const value = body.value;
    const isString = ([field]: readonly [string, unknown]): boolean =>
      isJsonObject(value) && typeof value[field] === 'string';
    const fields = Object.entries(operation.bodyFields).filter(isString);
    const fixed = Object.entries(operation.bodyFixed).filter(isString);
    if (!isJsonObject(value) || fields.length + fixed.length === 0) return JSON.stringify(value);
    const named: Record<string, JsonValue> = { ...value, ...Object.fromEntries(fixed) };
    for (const [field, name] of fields) named[field] = await runs(name);
    return JSON.stringify(named);
  }

  /** One session deleted `count` times: one after the other (`repeat`), or all at once (`race`). */
  private async deletesOfOneSession(how: 'repeat' | 'race', count: number): Promise<Observation> {
    const token = await this.liveSession();
    const request = requestTo(
      sessionRemoval(this.context.operations).operation,
      `Bearer ${placeholder('live')}`,
      [],
      undefined,
      undefined,
    );
    const values = { ...this.values, live: token };
    const answers: Answer[] = [];
    if (how === 'race')
      answers.push(...(await Promise.all(Array.from({ length: count }, () => this.send(request, values)))));
    else for (let attempt = 0; attempt < count; attempt += 1) answers.push(await this.send(request, values));
    return { kind: 'one-session', how, answers, sessionAlive: await this.settle(token) };
  }

  /**
   * A method the spec does not document, with the credential the path's operations take (a live token on
   * /connect/session, the secret key on the POSTs' paths); HEAD after a GET, whose answer it may copy. A live
   * session is held either way: no method may delete it.
   */
  private async otherMethod(method: string, path: string): Promise<Observation> {
    const token = await this.liveSession();
    const credential = this.context.operations.some(
      (operation) => operation.operation.path === path && operation.auth === 'secret-key',
    )
      ? placeholder('secret')
      : placeholder('live');
    const request = (name: string): SentRequest => ({
      method: name,
      target: ofNothing(path),
      headers: { authorization: `Bearer ${credential}` },
      body: undefined,
    });
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
      const answered = await sendRaw(this.context.baseUrl, onTheWire, this.context.timeoutMs, {
        signal: this.cutShort.signal,
        waitedMs: INTERRUPTED_CREATION_WAIT_MS,
      });
      durationMs = performance.now() - started;
      return answered;
    };
    try {
      response = await this.context.budget.send(
        `${request.method} ${new URL(request.target, 'http://x').pathname}`,
        timed,
      );
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
      await this.context.ledger.sawGone(token);
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
      return withForm(auth.form ?? 'bearer', placeholder('secret'));
    case 'wrong-secret-key':
      return `Bearer ${placeholder('secret', auth.mutation)}`;
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

function requestTo(
  operation: OperationRef,
  authorization: string | undefined,
  query: ReadonlyArray<readonly [string, string]>,
  body: string | undefined,
  contentType: string | undefined,
  pathParams: Readonly<Record<string, string>> = {},
): SentRequest {
  const search = query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  if (contentType !== undefined) headers['content-type'] = contentType;
  return {
    method: operation.method.toUpperCase(),
    target: `${ofNothing(operation.path, pathParams)}${search ? `?${search}` : ''}`,
    headers,
    body,
  };
}

/** The concrete path: each path parameter the run's own, or an id of nothing (a method case needs none of the run's). */
function ofNothing(path: string, pathParams: Readonly<Record<string, string>> = {}): string {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  return concretePath(
    path,
    Object.fromEntries(names.map((name) => [name, pathParams[name] ?? `${UNKNOWN_ID_PREFIX}${name}`])),
  );
}

/** Each part the run's own fills (`provider_config_key` → the test connection's integration), by what it names. */
async function filled(parts: Filled, runs: (name: StateValueName) => Promise<string>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(parts).map(async ([part, name]) => [part, await runs(name)] as const),
  );
  return Object.fromEntries(entries);
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
    case 'valid':
    case 'invalid':
      return JSON.stringify(body.value);
  }
}
