import { setTimeout as delay } from 'node:timers/promises';
import { concretePath, SETUP } from '../cases';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import { operationLabel } from '../nangoApi';
import { AmbiguousCreationError, ProviderFaultError, type SessionAdmin } from './sessionAdmin';

/**
 * After a provider fault, the run's last clean-up asks the provider whether it answers normally again (the probe,
 * which creates nothing) after each of these waits, doubling up to the last, until it does (then it deletes again)
 * or the recovery bound passes (then what is left may remain): a database restarting takes seconds, not minutes.
 */
const RECOVERY_FIRST_WAIT_MS = 100;
const RECOVERY_LONGEST_WAIT_MS = 5_000;
/** The least the last clean-up waits for a provider that failed, even when NANGO_RATE_LIMIT_WAIT_MS is 0. */
export const LEAST_RECOVERY_WAIT_MS = 2_000;

/**
 * How long the run's last clean-up waits for a provider that failed to answer normally again: NANGO_RATE_LIMIT_WAIT_MS,
 * the most the run waits for a provider that asks it to come back later, and at least LEAST_RECOVERY_WAIT_MS.
 */
export const recoveryWaitFor = (rateLimitWaitMs: number): number => Math.max(rateLimitWaitMs, LEAST_RECOVERY_WAIT_MS);
/**
 * Once interrupted, the longest clean-up waits for creations in flight (each is bounded by its own timeout too): an
 * answer under way comes within it, and a CI's cancel grace (GitHub Actions: 7.5 s to SIGTERM) leaves the rest to
 * the deletions.
 */
export const INTERRUPTED_CREATION_WAIT_MS = 5_000;

/** The provider did not answer, or failed: trying again later may succeed, unlike an answer that refuses. */
const providerFailed = (error: unknown): boolean =>
  error instanceof ProviderFaultError ||
  error instanceof ProviderUnreachableError ||
  error instanceof RequestTimeoutError;

/** How many of one kind of thing a run created, and how many of those are known to be gone. */
export interface Tally {
  readonly created: number;
  readonly deleted: number;
}

/** What the run created in the provider, counted: every one must be gone by the end. */
export interface SessionAccount {
  /** The end user every session of the run was created for, and the stem of its integrations' names: `contract-tests-<run id>`. */
  readonly endUserId: string;
  /** Connect sessions: created by the run, or by an interaction of the run (a 201 of create or reconnect). */
  readonly created: number;
  /** Created sessions known to be gone: deleted by the run or found already deleted. */
  readonly deleted: number;
  /** Connections made through a connect session, for reconnecting. */
  readonly connections: Tally;
  /** Integrations of the `unauthenticated` provider, for those connections. */
  readonly integrations: Tally;
  /** Creations that failed after the request went out, or still had no answer, and that clean-up could not settle: each may have left something. */
  readonly unknown: readonly string[];
  /** Where the run's things are, and the names of those left: what the commands that would delete them need (never a token). */
  readonly where?: {
    readonly baseUrl: string;
    readonly connections: readonly TestConnection[];
    readonly integrations: readonly string[];
  };
  /** Requests the run sent that Nango's spec does not document (`POST /auth/unauthenticated/{providerConfigKey}`): spec gaps of its own. */
  readonly undocumented?: readonly string[];
}

/** A connection the reconnect cases can use: one the run made, or one the user named (NANGO_TEST_CONNECTION). */
export interface TestConnection {
  readonly integrationId: string;
  readonly connectionId: string;
}

const settled = (tally: Tally): boolean => tally.created === tally.deleted;

/** Everything the run created is gone, and no creation was left in doubt. */
export function sessionsAccountedFor(account: SessionAccount): boolean {
  return (
    account.created === account.deleted &&
    settled(account.connections) &&
    settled(account.integrations) &&
    account.unknown.length === 0
  );
}

/**
 * `sessions: 5 created, 5 deleted; connections: 1 created, 1 deleted; integrations: 1 created, 1 deleted (end user
 * contract-tests-…)`: the run's account, for every report. When anything may remain, that comes first: what, of
 * which end user, and the commands that would delete it; the counts follow, then `NOT ALL ACCOUNTED FOR`.
 */
export function sessionsLine(account: SessionAccount): string {
  const { connections, integrations } = account;
  const counts = `sessions: ${account.created} created, ${account.deleted} deleted; connections: ${connections.created} created, ${connections.deleted} deleted; integrations: ${integrations.created} created, ${integrations.deleted} deleted (end user ${account.endUserId})`;
  return sessionsAccountedFor(account) ? counts : `${mayRemain(account)}; ${counts}: NOT ALL ACCOUNTED FOR`;
}

/** `may remain: …; delete with: …`: what the run cannot show gone, and how an operator deletes it (placeholders for every secret). */
function mayRemain(account: SessionAccount): string {
  const base = account.where?.baseUrl ?? '$NANGO_BASE_URL';
  const sessions = account.created - account.deleted;
  const connections = account.connections.created - account.connections.deleted;
  const integrations = account.integrations.created - account.integrations.deleted;
  const counted = [
    sessions > 0 ? `${sessions} session(s)` : '',
    connections > 0 ? `${connections} connection(s)` : '',
    integrations > 0 ? `${integrations} integration(s)` : '',
  ].filter(Boolean);
  const doubts = account.unknown.length
    ? [`what ${account.unknown.length} request(s) in doubt may have created (${account.unknown.join('; ')})`]
    : [];
  const withKey = `-H "Authorization: Bearer $NANGO_SECRET_KEY"`;
  const commands = [
    ...(sessions > 0 || account.unknown.length
      ? [
          `curl -X DELETE '${base}${SETUP.deleteSession.path}' -H 'Authorization: Bearer <connect session token>' (each session's own token, never shown; a session expires 30 minutes after it was created)`,
        ]
      : []),
    ...(account.where?.connections ?? []).map(
      ({ connectionId, integrationId }) =>
        `curl -X DELETE '${base}${concretePath(SETUP.deleteConnection.path, { connectionId })}?provider_config_key=${encodeURIComponent(integrationId)}' ${withKey}`,
    ),
    ...(account.where?.integrations ?? []).map(
      (key) =>
        `curl -X DELETE '${base}${concretePath(SETUP.deleteIntegration.path, { uniqueKey: key })}' ${withKey} (its connections go with it)`,
    ),
  ];
  return `may remain: ${[...counted, ...doubts].join(', ')} of end user ${account.endUserId} on ${base}; delete with: ${commands.join(' | ')}`;
}

interface Counter {
  created: number;
  deleted: number;
}

/**
 * Everything the provider states create, and every session the run's own interactions create, until it is
 * deleted: `cleanUp` removes what is left (sessions, then connections, then integrations), after each
 * interaction, when verification fails, and when the run is interrupted. Creations still in flight are waited for
 * first, so what was under way when the run stopped is deleted too; once `stop()` is called nothing new is
 * created. An integration's name is known before it is asked for, so one whose answer was lost is deleted by
 * name all the same (a 404 then says it never came to be); deleting an integration deletes its connections.
 */
export class SessionLedger {
  private readonly live = new Set<string>();
  /** Creations whose answer has not come yet, each with what it may have created, as the account says while it waits. */
  private readonly inFlight = new Map<Promise<void>, string>();
  private stopped = false;
  private readonly sessions: Counter = { created: 0, deleted: 0 };
  private readonly connectionCount: Counter = { created: 0, deleted: 0 };
  private readonly integrationCount: Counter = { created: 0, deleted: 0 };
  /** Connections the run made and has not deleted. */
  private readonly connections = new Map<string, TestConnection>();
  /** Integrations the run asked for and has not deleted: true when it is known to exist, false when in doubt. */
  private readonly integrations = new Map<string, boolean>();
  private integrationsAskedFor = 0;
  /** Sessions whose clean-up DELETE got no answer in time: tried again at the end of the run, not between interactions. */
  private readonly unanswered = new Set<string>();
  private readonly unknown: string[] = [];
  /** Every token the run created, live or gone: what its output must never show, in any piece. */
  private readonly tokens: string[] = [];

  constructor(
    private readonly admin: SessionAdmin,
    /** A connection the user named: used as it is, nothing created for it. */
    private readonly namedConnection?: TestConnection,
    /** How long the last clean-up (`patient`) waits for a provider that failed to answer normally again (recoveryWaitFor). */
    private readonly recoveryWaitMs = LEAST_RECOVERY_WAIT_MS,
  ) {}

  get issued(): readonly string[] {
    return this.tokens;
  }

  get endUserId(): string {
    return this.admin.endUserId;
  }

  /** A new connect session (for these integrations only, if given); its token. */
  async open(allowedIntegrations?: readonly string[]): Promise<string> {
    this.refuseWhenStopped();
    return this.track(
      this.admin.create(allowedIntegrations).then((token) => {
        this.adopt(token);
        return token;
      }),
      `${operationLabel(SETUP.createSession)} had no answer yet: it may have created a session for end user ${this.admin.endUserId}`,
    );
  }

  /** A session something else made for the run (an interaction's own 201): counted, and deleted with the rest. */
  adopt(token: string): void {
    if (this.live.has(token) || this.tokens.includes(token)) return;
    this.live.add(token);
    this.tokens.push(token);
    this.sessions.created += 1;
  }

  /** A request that creates a session lost its answer after it went out (a hostile case's own): it may have. */
  noteInDoubt(problem: string): void {
    this.unknown.push(problem);
  }

  /**
   * A creating request something else sent for the run (an interaction's own POST), whose answer `answered` brings
   * (and whose session, connection or integration is adopted before it settles): clean-up waits for it like for its
   * own creations, so what it made is deleted too; until it settles, the account says it may have created `what`.
   */
  awaitCreation(what: string, answered: Promise<unknown>): void {
    this.track(answered, what).catch(() => undefined);
  }

  /**
   * A session the provider's own API showed gone (its GET answered 401 or 404): counted gone, unless the provider
   * has failed in this run and does not show now that it answers normally (a failing Nango answers 401 to tokens it knows).
   */
  async sawGone(token: string): Promise<void> {
    if (this.admin.hasFaulted && !(await this.admin.answersNormally('run'))) return;
    this.markGone(token);
  }

  async delete(token: string, cleaningUp = false): Promise<void> {
    await this.admin.remove(token, cleaningUp);
    this.markGone(token);
  }

  /** The provider's own API showed the session gone (something else deleted it): nothing left to delete. */
  markGone(token: string): void {
    if (this.live.delete(token)) this.sessions.deleted += 1;
  }

  /**
   * A connection made through a connect session, as an end user makes one: an integration of the `unauthenticated`
   * provider named after the run, a session allowed only that integration, and the provider's connect flow. The
   * connection the user named instead, when there is one: then nothing is created.
   */
  async connection(): Promise<TestConnection> {
    if (this.namedConnection) return this.namedConnection;
    return this.newConnection();
  }

  /**
   * A new connection of the run's own, even when the user named one: what a request that may delete its connection
   * is given (the hostile run's `DELETE /connection/{connectionId}`), so no connection of the user's is ever at stake.
   */
  async newConnection(): Promise<TestConnection> {
    this.refuseWhenStopped();
    const key = this.integrationKey();
    return this.track(
      (async () => {
        await this.createIntegration(key);
        const token = await this.open([key]);
        const connection = { integrationId: key, connectionId: await this.admin.connect(key, token) };
        this.connections.set(`${key} ${connection.connectionId}`, connection);
        this.connectionCount.created += 1;
        return connection;
      })(),
      `the connection for integration ${key} was still being made: a session, the integration ${key} and a connection to it may exist`,
    );
  }

  /**
   * A connection made through a connect session whose credentials can no longer be refreshed. Nango's public API
   * cannot put a connection in that state (an `unauthenticated` one has nothing to refresh): only a provider that
   * offers a way to (the reference provider) can set it up; on any other the state fails, saying so.
   */
  async exhaustedConnection(): Promise<TestConnection> {
    // Its credentials are spoiled: never the connection the user named.
    const connection = await this.newConnection();
    await this.admin.exhaustRefresh(connection.connectionId, connection.integrationId);
    return connection;
  }

  /** A new integration of the `unauthenticated` provider, named after the run: its key. */
  async integration(): Promise<string> {
    this.refuseWhenStopped();
    const key = this.integrationKey();
    return this.track(
      this.createIntegration(key).then(() => key),
      `${operationLabel(SETUP.createIntegration)} had no answer yet: the integration ${key} may exist`,
    );
  }

  /** Its key is in the ledger before the request goes out: clean-up deletes it by name even if the answer never comes. */
  private async createIntegration(key: string): Promise<void> {
    await this.admin.createIntegration(key);
    this.adoptIntegration(key);
  }

  /**
   * A key for an integration the run may create (an interaction's own `POST /integrations`): known before any
   * request goes out, so clean-up deletes it by name whether or not it came to be (a 404 then says it never did).
   */
  integrationKey(): string {
    this.refuseWhenStopped();
    this.integrationsAskedFor += 1;
    const key = `${this.admin.endUserId}-${this.integrationsAskedFor}`;
    this.integrations.set(key, false);
    return key;
  }

  /** An integration was made under a key the run named (by the run, or by an interaction): counted, and deleted with the rest. */
  adoptIntegration(key: string): void {
    if (this.integrations.get(key) === true) return;
    this.integrations.set(key, true);
    this.integrationCount.created += 1;
  }

  /** An interaction deleted a connection of the run: nothing left to delete. */
  markConnectionGone(connectionId: string): void {
    for (const [id, connection] of this.connections) {
      if (connection.connectionId === connectionId && this.connections.delete(id)) this.connectionCount.deleted += 1;
    }
  }

  /** An interaction deleted an integration of the run, and with it its connections. */
  markIntegrationGone(key: string): void {
    const known = this.integrations.get(key);
    if (known === undefined) return;
    this.integrations.delete(key);
    if (!known) this.integrationCount.created += 1;
    this.integrationCount.deleted += 1;
    for (const [id, connection] of this.connections) {
      if (connection.integrationId === key && this.connections.delete(id)) this.connectionCount.deleted += 1;
    }
  }

  /** The provider said it is a reference provider, not Nango (see SessionAdmin). */
  get providerIsReference(): boolean {
    return this.admin.isReferenceProvider;
  }

  get openCount(): number {
    return this.live.size + this.connections.size + this.integrations.size + this.inFlight.size;
  }

  get account(): SessionAccount {
    return {
      endUserId: this.admin.endUserId,
      created: this.sessions.created,
      deleted: this.sessions.deleted,
      connections: { ...this.connectionCount },
      integrations: { ...this.integrationCount },
      unknown: [...this.unknown, ...this.inFlight.values()],
      where: {
        baseUrl: this.admin.baseUrl,
        connections: [...this.connections.values()],
        integrations: [...this.integrations.keys()],
      },
      ...(this.admin.undocumentedUsed.length > 0 ? { undocumented: [...this.admin.undocumentedUsed] } : {}),
    };
  }

  /** Nothing is created from now on; creations under way still finish and are cleaned up. */
  stop(): void {
    this.stopped = true;
  }

  /** Interrupted: clean-up must be over within a CI's cancel grace, so no request waits long and none is retried late. */
  hurry(): void {
    this.stop();
    this.hurried = true;
    this.admin.hurry();
    this.hurrying.abort();
  }

  private hurried = false;
  /** Ends a patient wait for the provider at once when the run is interrupted. */
  private readonly hurrying = new AbortController();

  /**
   * Waits for creations in flight, then deletes every session, connection and integration still open. At the end of
   * a run (`patient`), when the provider failed, it waits for the provider to answer normally again (within
   * `recoveryWaitMs`, not once interrupted) and deletes again: an answer that could mean "gone" is proof only then.
   * Returns one line per thing that could not be deleted (and stays open), and what is left. Between interactions
   * it is not patient: what stays is retried after the next.
   */
  async cleanUp({
    patient = false,
    betweenInteractions = false,
  }: { readonly patient?: boolean; readonly betweenInteractions?: boolean } = {}): Promise<string[]> {
    await this.creationsSettled();
    const recovery = { deadline: performance.now() + this.recoveryWaitMs, wait: RECOVERY_FIRST_WAIT_MS };
    for (;;) {
      const failures = await this.deleteWhatIsLeft(betweenInteractions && !this.hurried);
      // Stryker disable next-line ConditionalExpression: with nothing failed, every later round finds nothing to delete and ends the same way
      if (failures.length === 0) return [];
      if (!patient || this.hurried || !failures.every(providerFailed) || !(await this.answersNormallyAgain(recovery))) {
        return [...new Set(failures.map((failure) => `clean-up failed: ${failure.message}`)), ...this.leftBehind()];
      }
    }
  }

  /**
   * Asks the provider, after each wait of a doubling backoff, whether it answers normally again: true once it does,
   * false once the deadline passes or the run is interrupted (the hurried clean-up then has its own short bound).
   */
  private async answersNormallyAgain(recovery: { readonly deadline: number; wait: number }): Promise<boolean> {
    for (;;) {
      const left = recovery.deadline - performance.now();
      if (left <= 0 || this.hurried) return false;
      await delay(Math.min(recovery.wait, left), undefined, { signal: this.hurrying.signal }).catch(() => undefined);
      recovery.wait = Math.min(recovery.wait * 2, RECOVERY_LONGEST_WAIT_MS);
      if (this.hurried) return false;
      if (await this.admin.answersNormally()) return true;
    }
  }

  /**
   * Waits for the creations in flight, each within its own bound; once hurried, INTERRUPTED_CREATION_WAIT_MS at most:
   * one still unanswered then stays in the account as in doubt (and is adopted if its answer comes later).
   */
  private async creationsSettled(): Promise<void> {
    const all = Promise.all([...this.inFlight.keys()]);
    if (!this.hurried) return void (await all);
    const bound = new AbortController();
    await Promise.race([
      all,
      delay(INTERRUPTED_CREATION_WAIT_MS, undefined, { signal: bound.signal }).catch(() => undefined),
    ]);
    bound.abort();
  }

  /**
   * Sessions first, then connections, then integrations (which take their connections with them). Between
   * interactions, a session whose DELETE went unanswered is left for the end of the run: sent again after every
   * interaction, it would cost the run a whole timeout each time.
   */
  private async deleteWhatIsLeft(betweenInteractions: boolean): Promise<Error[]> {
    const failed = (results: PromiseSettledResult<unknown>[]): Error[] =>
      results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
    const sessions = [...this.live].filter((token) => !(betweenInteractions && this.unanswered.has(token)));
    const failures = failed(
      await Promise.allSettled(
        sessions.map((token) =>
          this.delete(token, true).catch((error: unknown) => {
            if (error instanceof RequestTimeoutError) this.unanswered.add(token);
            throw error;
          }),
        ),
      ),
    );
    failures.push(
      ...failed(
        await Promise.allSettled(
          [...this.connections].map(async ([id, connection]) => {
            await this.admin.removeConnection(connection.connectionId, connection.integrationId, true);
            // Counted by whichever clean-up saw it go first, when two run at once (a signal during the one after an interaction).
            if (this.connections.delete(id)) this.connectionCount.deleted += 1;
          }),
        ),
      ),
    );
    failures.push(
      ...failed(
        await Promise.allSettled([...this.integrations].map(([key, known]) => this.removeIntegration(key, known))),
      ),
    );
    return failures;
  }

  /** What stays, and how an operator finds it. */
  private leftBehind(): string[] {
    const { endUserId } = this.admin;
    return [
      ...(this.live.size
        ? [
            `${this.live.size} session(s) left: each expires 30 minutes after it was created; find them by end user ${endUserId}`,
          ]
        : []),
      ...(this.connections.size
        ? [`${this.connections.size} connection(s) left: in integrations named ${endUserId}-<n>`]
        : []),
      ...(this.integrations.size
        ? [`${this.integrations.size} integration(s) left: ${[...this.integrations.keys()].join(', ')}`]
        : []),
    ];
  }

  /** Deleted by name: one in doubt that answers 404 never came to be; one that answers 2xx existed, and is gone now. */
  private async removeIntegration(key: string, known: boolean): Promise<void> {
    const existed = await this.admin.removeIntegration(key, true);
    // Two clean-ups at once both delete it (the later one hears 404): only the first to hear back counts it.
    if (!this.integrations.delete(key)) return;
    if (!known && existed) this.integrationCount.created += 1;
    if (known || existed) this.integrationCount.deleted += 1;
  }

  private refuseWhenStopped(): void {
    if (this.stopped) throw new Error('the run is stopping: nothing new is created');
  }

  /**
   * Keeps a creation in flight until it settles, the account saying meanwhile that it may have created `what`; a
   * creation lost after it was sent is told in the account.
   */
  private track<T>(creation: Promise<T>, what: string): Promise<T> {
    const done = creation.then(
      () => undefined,
      (error: unknown) => {
        // An integration in doubt is settled by clean-up, by name; a session in doubt has no name to delete it by.
        if (error instanceof AmbiguousCreationError && !error.settledByName) this.unknown.push(error.message);
      },
    );
    this.inFlight.set(done, what);
    void done.then(() => this.inFlight.delete(done));
    return creation;
  }
}
