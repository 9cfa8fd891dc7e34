import { setTimeout as delay } from 'node:timers/promises';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import { AmbiguousCreationError, ProviderFaultError, type SessionAdmin } from './sessionAdmin';

/** After a provider fault, clean-up tries again after these waits: the provider may answer again by then. */
const CLEAN_UP_RETRY_WAITS_MS = [500, 1_500] as const;

/** The provider did not answer, or failed: trying again later may succeed, unlike an answer that refuses. */
const providerFailed = (error: unknown): boolean => error instanceof ProviderFaultError || error instanceof ProviderUnreachableError || error instanceof RequestTimeoutError;

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
  /** Creations that failed after the request went out and that clean-up could not settle: each may have left something. */
  readonly unknown: readonly string[];
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
  return account.created === account.deleted && settled(account.connections) && settled(account.integrations) && account.unknown.length === 0;
}

/**
 * `sessions: 5 created, 5 deleted; connections: 1 created, 1 deleted; integrations: 1 created, 1 deleted (end user
 * contract-tests-…)`, and whether anything is left: the run's account, for every report.
 */
export function sessionsLine(account: SessionAccount): string {
  const { connections, integrations } = account;
  const counts = `sessions: ${account.created} created, ${account.deleted} deleted; connections: ${connections.created} created, ${connections.deleted} deleted; integrations: ${integrations.created} created, ${integrations.deleted} deleted`;
  return `${counts} (end user ${account.endUserId})${sessionsAccountedFor(account) ? '' : ': NOT ALL ACCOUNTED FOR'}`;
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
  private readonly inFlight = new Set<Promise<void>>();
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
    );
  }

  /** A session something else made for the run (an interaction's own 201): counted, and deleted with the rest. */
  adopt(token: string): void {
    if (this.live.has(token) || this.tokens.includes(token)) return;
    this.live.add(token);
    this.tokens.push(token);
    this.sessions.created += 1;
  }

  /** A creation the run does not make itself (an interaction's own request): clean-up waits for it to settle first. */
  awaitBeforeCleanUp(settled: Promise<void>): void {
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  /** A request that creates a session lost its answer after it went out (an interaction's own): it may have. */
  noteInDoubt(problem: string): void {
    this.unknown.push(problem);
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
    this.refuseWhenStopped();
    return this.track(
      (async () => {
        const key = await this.integration();
        const token = await this.open([key]);
        const connection = { integrationId: key, connectionId: await this.admin.connect(key, token) };
        this.connections.set(`${key} ${connection.connectionId}`, connection);
        this.connectionCount.created += 1;
        return connection;
      })(),
    );
  }

  /**
   * A connection made through a connect session whose credentials can no longer be refreshed. Nango's public API
   * cannot put a connection in that state (an `unauthenticated` one has nothing to refresh): only a provider that
   * offers a way to (the reference provider) can set it up; on any other the state fails, saying so.
   */
  async exhaustedConnection(): Promise<TestConnection> {
    const connection = await this.connection();
    await this.admin.exhaustRefresh(connection.connectionId, connection.integrationId);
    return connection;
  }

  /** A new integration of the `unauthenticated` provider, named after the run: its key. */
  async integration(): Promise<string> {
    this.refuseWhenStopped();
    const key = this.integrationKey();
    return this.track(
      (async () => {
        await this.admin.createIntegration(key);
        this.adoptIntegration(key);
        return key;
      })(),
    );
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
      unknown: [...this.unknown],
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
  }

  private hurried = false;

  /**
   * Waits for creations in flight, then deletes every session, connection and integration still open; at the end of
   * a run (`patient`) it tries again after a provider fault. Returns one line per thing that could not be deleted
   * (and stays open), and what is left. Between interactions it is not patient: what stays is retried after the next.
   */
  async cleanUp({ patient = false, betweenInteractions = false }: { readonly patient?: boolean; readonly betweenInteractions?: boolean } = {}): Promise<string[]> {
    await Promise.all([...this.inFlight]);
    for (let round = 0; ; round += 1) {
      const failures = await this.deleteWhatIsLeft(betweenInteractions && !this.hurried);
      const wait = CLEAN_UP_RETRY_WAITS_MS[round];
      // Stryker disable next-line ConditionalExpression: with nothing failed, every later round finds nothing to delete and ends the same way
      if (failures.length === 0) return [];
      if (wait === undefined || !patient || this.hurried || !failures.every(providerFailed)) {
        return [...new Set(failures.map((failure) => `clean-up failed: ${failure.message}`)), ...this.leftBehind()];
      }
      await delay(wait);
    }
  }

  /**
   * Sessions first, then connections, then integrations (which take their connections with them). Between
   * interactions, a session whose DELETE went unanswered is left for the end of the run: sent again after every
   * interaction, it would cost the run a whole timeout each time.
   */
  private async deleteWhatIsLeft(betweenInteractions: boolean): Promise<Error[]> {
    const failed = (results: PromiseSettledResult<unknown>[]): Error[] => results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
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
    failures.push(...failed(await Promise.allSettled([...this.integrations].map(([key, known]) => this.removeIntegration(key, known)))));
    return failures;
  }

  /** What stays, and how an operator finds it. */
  private leftBehind(): string[] {
    const { endUserId } = this.admin;
    return [
      ...(this.live.size ? [`${this.live.size} session(s) left: each expires 30 minutes after it was created; find them by end user ${endUserId}`] : []),
      ...(this.connections.size ? [`${this.connections.size} connection(s) left: in integrations named ${endUserId}-<n>`] : []),
      ...(this.integrations.size ? [`${this.integrations.size} integration(s) left: ${[...this.integrations.keys()].join(', ')}`] : []),
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

  /** Keeps a creation in flight until it settles; a creation lost after it was sent is told in the account. */
  private track<T>(creation: Promise<T>): Promise<T> {
    const done = creation.then(
      () => undefined,
      (error: unknown) => {
        // An integration in doubt is settled by clean-up, by name; a session in doubt has no name to delete it by.
        if (error instanceof AmbiguousCreationError && !error.settledByName) this.unknown.push(error.message);
      },
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
    return creation;
  }
}
