import type { RawResponse } from '../client/boundedFetch';

/** A 429 the run may not wait out: its wait budget is spent (or the run is stopping). */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
}

/** How long a 429 asks to wait: `Retry-After` (seconds or a date), else `X-RateLimit-Reset` (seconds, epoch seconds or a date). */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const fromValue = (value: string | null, epochAllowed: boolean): number | undefined => {
    if (value === null || value.trim() === '') return undefined;
    const number = Number(value);
    if (Number.isFinite(number)) {
      if (epochAllowed && number > 1_000_000_000) return Math.max(0, number * 1000 - now);
      return Math.max(0, number * 1000);
    }
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
  };
  return fromValue(headers.get('retry-after'), false) ?? fromValue(headers.get('x-ratelimit-reset'), true);
}

/** When a 429 names no wait at all: a second, then try again. */
const UNSPECIFIED_WAIT_MS = 1_000;
/** What clean-up may wait on top of the run's budget: deleting what the run created matters more. */
const CLEAN_UP_EXTRA_MS = 60_000;

/**
 * Sends requests on behalf of the whole run and waits out 429 answers (Nango: 200 requests a minute per account),
 * within one wait budget for the run; when an answer says the window is used up (`X-RateLimit-Remaining: 0`) it
 * waits for the reset first. Every wait is counted, for the report; `stop()` ends every wait at once.
 */
export class RateLimitBudget {
  private spentMs = 0;
  private readonly stopping = new AbortController();

  constructor(readonly budgetMs: number) {}

  get waitedMs(): number {
    return this.spentMs;
  }

  /** Ends the waits in progress and refuses new ones: the run is stopping. */
  stop(): void {
    this.stopping.abort();
  }

  /**
   * Sends with `send` until the answer is not 429, waiting as the 429 asks. Throws RateLimitedError when the wait
   * would go past the budget, or the run is stopping. Clean-up (`mode: 'clean-up'`) matters more than the budget:
   * it may wait a minute more, and goes on while the run stops.
   */
  async send(what: string, send: () => Promise<RawResponse>, mode: 'run' | 'clean-up' = 'run'): Promise<RawResponse> {
    const cleaningUp = mode === 'clean-up';
    for (;;) {
      const answer = await send();
      if (answer.status !== 429) {
        await this.pace(answer, cleaningUp);
        return answer;
      }
      const waitMs = retryAfterMs(answer.headers, Date.now()) ?? UNSPECIFIED_WAIT_MS;
      const leftMs = this.budgetMs + (cleaningUp ? CLEAN_UP_EXTRA_MS : 0) - this.spentMs;
      if (!cleaningUp && this.stopping.signal.aborted) throw new RateLimitedError(`${what} was rate limited (429) while the run was stopping`);
      if (waitMs > leftMs) {
        throw new RateLimitedError(
          `${what} was rate limited (429) and asked to wait ${Math.ceil(waitMs / 1000)} s, past the wait budget NANGO_RATE_LIMIT_WAIT_MS (${this.budgetMs} ms, ${this.spentMs} ms spent)`,
        );
      }
      await this.wait(waitMs, !cleaningUp);
      this.spentMs += waitMs;
    }
  }

  /**
   * The answer says no request is left in this window (`X-RateLimit-Remaining: 0`): wait for the reset before the
   * next one rather than run into a 429, as long as the budget allows.
   */
  private async pace(answer: RawResponse, cleaningUp: boolean): Promise<void> {
    const remaining = answer.headers.get('x-ratelimit-remaining');
    if (remaining === null || remaining.trim() === '' || Number(remaining) > 0) return;
    const waitMs = retryAfterMs(answer.headers, Date.now());
    const leftMs = this.budgetMs + (cleaningUp ? CLEAN_UP_EXTRA_MS : 0) - this.spentMs;
    if (waitMs === undefined || waitMs === 0 || waitMs > leftMs || (!cleaningUp && this.stopping.signal.aborted)) return;
    await this.wait(waitMs, !cleaningUp).catch(() => undefined);
    this.spentMs += waitMs;
  }

  private wait(ms: number, stopsWithTheRun: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      if (!stopsWithTheRun) return;
      this.stopping.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new RateLimitedError('the run stopped while waiting out a rate limit'));
      });
    });
  }
}
