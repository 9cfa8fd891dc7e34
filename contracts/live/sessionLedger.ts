import { setTimeout as delay } from 'node:timers/promises';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import { AmbiguousCreationError, ProviderFaultError, type SessionAdmin } from './sessionAdmin';

/** After a provider fault, clean-up tries again after these waits: the provider may answer again by then. */
const CLEAN_UP_RETRY_WAITS_MS = [500, 1_500] as const;

/** The provider did not answer, or failed: trying again later may succeed, unlike an answer that refuses. */
const providerFailed = (error: unknown): boolean => error instanceof ProviderFaultError || error instanceof ProviderUnreachableError || error instanceof RequestTimeoutError;

/** The run's sessions, counted: every one it created must be gone by the end. */
export interface SessionAccount {
  /** The end user every session of the run was created for: `contract-tests-<run id>`. */
  readonly endUserId: string;
  readonly created: number;
  /** Created sessions known to be gone: deleted by the run or found already deleted. */
  readonly deleted: number;
  /** Creations that failed after the request went out: each may have left a session the run never saw. */
  readonly unknown: readonly string[];
}

/** Every session the run created is gone, and no creation was left in doubt. */
export function sessionsAccountedFor(sessions: SessionAccount): boolean {
  return sessions.created === sessions.deleted && sessions.unknown.length === 0;
}

/** `sessions: 5 created, 5 deleted (end user contract-tests-…)`, and whether any is left: the run's account, for every report. */
export function sessionsLine(sessions: SessionAccount): string {
  return `sessions: ${sessions.created} created, ${sessions.deleted} deleted (end user ${sessions.endUserId})${sessionsAccountedFor(sessions) ? '' : ': NOT ALL ACCOUNTED FOR'}`;
}

/**
 * Every connect session the provider states create, until it is deleted: `cleanUp` removes what is left, after
 * each interaction, when verification fails, and when the run is interrupted. Creations still in flight are
 * waited for first, so a session whose creation was under way when the run stopped is deleted too; once
 * `stop()` is called no new session is created.
 */
export class SessionLedger {
  private readonly live = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private created = 0;
  private gone = 0;
  private readonly unknown: string[] = [];
  /** Every token the run created, live or gone: what its output must never show, in any piece. */
  private readonly tokens: string[] = [];

  constructor(private readonly admin: SessionAdmin) {}

  get issued(): readonly string[] {
    return this.tokens;
  }

  async open(): Promise<string> {
    if (this.stopped) throw new Error('the run is stopping: no new connect session is created');
    const creation = this.admin.create().then((token) => {
      this.live.add(token);
      this.tokens.push(token);
      this.created += 1;
      return token;
    });
    const settled = creation.then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof AmbiguousCreationError) this.unknown.push(error.message);
      },
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return creation;
  }

  async delete(token: string, cleaningUp = false): Promise<void> {
    await this.admin.remove(token, cleaningUp);
    if (this.live.delete(token)) this.gone += 1;
  }

  /** The provider's own API showed the session gone (something else deleted it): nothing left to delete. */
  markGone(token: string): void {
    if (this.live.delete(token)) this.gone += 1;
  }

  /** The provider said it is a reference provider, not Nango (see SessionAdmin). */
  get providerIsReference(): boolean {
    return this.admin.isReferenceProvider;
  }

  get openCount(): number {
    return this.live.size + this.inFlight.size;
  }

  get account(): SessionAccount {
    return { endUserId: this.admin.endUserId, created: this.created, deleted: this.gone, unknown: [...this.unknown] };
  }

  /** No session is created from now on; creations under way still finish and are cleaned up. */
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
   * Waits for creations in flight, then deletes every session still open; returns one line per session that
   * could not be deleted (and stays open).
   */
  async cleanUp(): Promise<string[]> {
    await Promise.all([...this.inFlight]);
    for (let round = 0; ; round += 1) {
      const results = await Promise.allSettled([...this.live].map((token) => this.delete(token, true)));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
      const wait = CLEAN_UP_RETRY_WAITS_MS[round];
      if (failures.length === 0 || wait === undefined || this.hurried || !failures.every(providerFailed)) {
        const left = `${failures.length} session(s) left: each expires 30 minutes after it was created; find them by end user ${this.admin.endUserId}`;
        return failures.length ? [...new Set(failures.map((failure) => `clean-up failed: ${failure.message}`)), left] : [];
      }
      await delay(wait);
    }
  }
}
