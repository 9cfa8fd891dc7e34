import { setTimeout as sleep } from 'node:timers/promises';
import type { RawResponse } from '../client/boundedFetch';
import { ContractsError } from '../errors';

/** A 429 the run may not wait out: its wait budget is spent (or the run is stopping). */
export class RateLimitedError extends ContractsError {
  override name = 'RateLimitedError';
}

/** RFC 9110 §5.6.7 HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept. */
const HTTP_DATE = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * Milliseconds from now until what the header names, or undefined when it names nothing readable. As RFC 9110
 * §10.2.3 says of Retry-After: delay-seconds (digits only: not `0x10`, `1e3` or `-1`) or an HTTP-date.
 * `X-RateLimit-Reset` (no RFC) is read the same way, and digits above 10⁹ are epoch seconds there, as Nango sends.
 */
function delayMs(value: string | null, now: number, epochSecondsAllowed: boolean): number | undefined {
  // Stryker disable next-line MethodExpression,StringLiteral: Headers.get() gives values without surrounding whitespace; an absent header read as '' or as any other text of neither digits nor a date names no wait alike.
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Math.max(0, epochSecondsAllowed && seconds > 1_000_000_000 ? seconds * 1000 - now : seconds * 1000);
  }
  if (!HTTP_DATE.some((form) => form.test(text))) return undefined;
  const fullYear = text.replace(/-(\d{2}) /, (_all, year: string) => ` 20${year} `);
  // asctime names no zone, and is GMT all the same (RFC 9110 §5.6.7): Date.parse would take the machine's zone.
  const inGmt = fullYear.endsWith(' GMT') ? fullYear : `${fullYear} GMT`;
  // Stryker disable next-line StringLiteral: V8's Date.parse reads `29Nov 2026` as it reads `29 Nov 2026`.
  let date = Date.parse(inGmt.replace(/-/g, ' '));
  // A two-digit year more than 50 years ahead is the most recent such year in the past (RFC 9110 §5.6.7).
  if (/-\d{2} /.test(text) && date - now > 50 * 365.25 * 86_400_000)
    date = new Date(date).setUTCFullYear(new Date(date).getUTCFullYear() - 100);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How long a 429 asks to wait: `Retry-After`, else `X-RateLimit-Reset` (seconds, epoch seconds or a date). */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  return delayMs(headers.get('retry-after'), now, false) ?? delayMs(headers.get('x-ratelimit-reset'), now, true);
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
  // Stryker disable next-line StringLiteral: any default but 'clean-up' is the run's mode.
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
      if (!cleaningUp && this.stopping.signal.aborted)
        throw new RateLimitedError(`${what} was rate limited (429) while the run was stopping`);
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
    // Stryker disable next-line MethodExpression: Headers.get() gives values without surrounding whitespace (blank is '').
    if (remaining === null || remaining.trim() === '' || Number(remaining) > 0) return;
    const waitMs = retryAfterMs(answer.headers, Date.now());
    const leftMs = this.budgetMs + (cleaningUp ? CLEAN_UP_EXTRA_MS : 0) - this.spentMs;
    if (waitMs === undefined || waitMs === 0 || waitMs > leftMs || (!cleaningUp && this.stopping.signal.aborted))
      return;
    await this.wait(waitMs, !cleaningUp).catch(() => undefined);
    this.spentMs += waitMs;
  }

  /** Waits `ms`; one that stops with the run ends at once when it does (timers/promises drops its listener after). */
  private async wait(ms: number, stopsWithTheRun: boolean): Promise<void> {
    try {
      await sleep(ms, undefined, stopsWithTheRun ? { signal: this.stopping.signal } : {});
    } catch {
      // sleep rejects only when the run's stop signal fires: the run is stopping, which is what the error says.
      throw new RateLimitedError('the run stopped while waiting out a rate limit');
    }
  }
}
