/**
 * The rules of the run's rate-limit budget, one by one, on the module's own functions (no CLI, no provider: this
 * is what `npm run mutation -- contracts/live/rateLimit.ts` runs against every mutant). How long a 429 asks to
 * wait (Retry-After, X-RateLimit-Reset, the three HTTP-date forms, RFC 850's two-digit year); waiting out 429s
 * within one budget for the run, clean-up's extra minute, stop(); pacing on `X-RateLimit-Remaining: 0`.
 * Time is jest's fake clock (Date.now included); node:timers/promises, which jest's fake timers do not reach
 * (jestjs/jest#16392), is mocked onto it as in tests/live/pacing.test.ts. Nothing asserts elapsed time: the
 * tests read what the budget counted (waitedMs), what was sent, what came back and what was thrown.
 * tests/live/rate-limits.test.ts holds the same rules through the CLI against a provider that rate limits.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RawResponse } from '../../contracts/client/boundedFetch';
import { RateLimitBudget, RateLimitedError, retryAfterMs } from '../../contracts/live/rateLimit';

jest.mock('node:timers/promises', () => ({
  setTimeout: (ms: number, value: unknown, { signal }: { signal?: AbortSignal } = {}) =>
    new Promise((resolve, reject) => {
      // As node's: an aborted signal refuses the wait at once.
      if (signal?.aborted === true) return reject(signal.reason);
      // Looked up at call time: jest's fake once the test fakes timers.
      const timer = globalThis.setTimeout(() => resolve(value), ms);
      signal?.addEventListener('abort', () => (globalThis.clearTimeout(timer), reject(signal.reason)), { once: true });
      return undefined;
    }),
}));

const NOW = Date.parse('2026-11-29T10:00:00Z');
const WHAT = 'DELETE /connect/session';

const answer = (status: number, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers: new Headers(headers),
  contentType: undefined,
  bodyText: '',
});
const tooMany = (retryAfter?: string): RawResponse =>
  answer(429, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
const noContent = answer(204);
const windowUsedUp = (reset: string): RawResponse =>
  answer(204, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset });

/** A provider giving these answers in turn (the last one again once they run out), counting the requests sent. */
function provider(...answers: readonly RawResponse[]): {
  readonly sent: () => number;
  readonly send: () => Promise<RawResponse>;
} {
  let sent = 0;
  return {
    sent: () => sent,
    send: async () => {
      const next = answers[Math.min(sent, answers.length - 1)];
      sent += 1;
      if (next === undefined) throw new Error('the provider was given no answers');
      return next;
    },
  };
}

type Outcome<T> = { readonly value: T } | { readonly error: unknown };

/** How `sending` ends once every wait it may start has had all the (fake) time it asks for. */
async function outcome<T>(sending: Promise<T>): Promise<Outcome<T>> {
  const settled = sending.then(
    (value): Outcome<T> => ({ value }),
    (error: unknown): Outcome<T> => ({ error }),
  );
  await jest.advanceTimersByTimeAsync(60 * 60_000);
  return settled;
}

/** The RateLimitedError `sending` ends with, once its waits had their time. */
async function refusal<T>(sending: Promise<T>): Promise<RateLimitedError> {
  const ended = await outcome(sending);
  if (!('error' in ended)) throw new Error(`sending ended with ${JSON.stringify(ended.value)}, not a RateLimitedError`);
  expect(ended.error).toBeInstanceOf(RateLimitedError);
  return ended.error as RateLimitedError;
}

/** What `sending` answers, once its waits had their time. */
async function answered<T>(sending: Promise<T>): Promise<T> {
  const ended = await outcome(sending);
  if ('error' in ended) throw ended.error;
  return ended.value;
}

const pastTheBudget = (waitS: number, budgetMs: number, spentMs: number): string =>
  `${WHAT} was rate limited (429) and asked to wait ${waitS} s, past the wait budget NANGO_RATE_LIMIT_WAIT_MS (${budgetMs} ms, ${spentMs} ms spent)`;

describe('how long a 429 asks to wait', () => {
  const at = (date: string): number => Date.parse(date) - NOW;

  it.each([
    [{ 'retry-after': '3' }, 3_000],
    [{ 'retry-after': ' 3 ' }, 3_000],
    [{ 'retry-after': '0' }, 0],
    [{ 'x-ratelimit-reset': '2' }, 2_000],
    [{ 'retry-after': '1', 'x-ratelimit-reset': '9' }, 1_000],
    [{ 'retry-after': '0x10', 'x-ratelimit-reset': '4' }, 4_000],
    [{}, undefined],
    [{ 'retry-after': '' }, undefined],
  ])('reads delay-seconds from Retry-After, else X-RateLimit-Reset: %j → %p ms', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), NOW)).toBe(expected);
  });

  it.each(['0x10', '1e3', '-1', '1.5', '+3', '3 s', 'soon'])(
    'reads no wait from %j: delay-seconds are digits only (RFC 9110 §10.2.3)',
    (value) => {
      expect(retryAfterMs(new Headers({ 'retry-after': value }), NOW)).toBeUndefined();
      expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': value }), NOW)).toBeUndefined();
    },
  );

  it('reads X-RateLimit-Reset above 10⁹ as epoch seconds, as Nango sends, a reset already passed as no wait', () => {
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(NOW / 1000 + 7) }), NOW)).toBe(7_000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(NOW / 1000 - 7) }), NOW)).toBe(0);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '1000000001' }), NOW)).toBe(0);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '1000000000' }), NOW)).toBe(1_000_000_000_000);
  });

  it('reads Retry-After digits as seconds however many there are: only X-RateLimit-Reset has epoch seconds', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': String(NOW / 1000 + 7) }), NOW)).toBe(NOW + 7_000);
  });

  it.each([
    ['Sun, 29 Nov 2026 10:00:05 GMT', 5_000],
    ['  Sun, 29 Nov 2026 10:00:05 GMT  ', 5_000],
    ['Sun, 29 Nov 2026 09:00:00 GMT', 0],
    ['Mon, 29 Nov 2077 10:00:00 GMT', Date.UTC(2077, 10, 29, 10) - NOW],
    ['Sunday, 29-Nov-26 10:00:06 GMT', 6_000],
    ['Sun Nov 29 10:00:08 2026', 8_000],
    ['Wed Dec  2 10:00:00 2026', Date.UTC(2026, 11, 2, 10) - NOW],
  ])(
    'reads the HTTP-date %j (IMF-fixdate, RFC 850 or asctime; RFC 9110 §5.6.7) as %p ms from now',
    (date, expected) => {
      expect(retryAfterMs(new Headers({ 'retry-after': date }), NOW)).toBe(expected);
      expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': date }), NOW)).toBe(expected);
    },
  );

  it('reads an asctime date as GMT, whatever the machine’s time zone', () => {
    // The zone is read once, as a process starts: a process of its own, in New York.
    const script = `const { retryAfterMs } = require('./contracts/live/rateLimit'); process.stdout.write(String(retryAfterMs(new Headers({ 'retry-after': 'Sun Nov 29 10:00:08 2026' }), ${NOW})));`;
    const waited = execFileSync(process.execPath, ['-r', 'esbuild-register', '-e', script], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, TZ: 'America/New_York' },
      encoding: 'utf8',
    });
    expect(waited).toBe('8000');
  });

  it.each([
    // Trailing or leading text, which Date.parse would read past.
    'Sun, 29 Nov 2026 10:00:05 GMT (UTC)',
    'Sun, 29 Nov 2026 10:00:05 GMT+0000',
    'Sunday, 29-Nov-26 10:00:06 GMT (UTC)',
    'Sun Nov 29 10:00:08 2026 GMT',
    'on Sun, 29 Nov 2026 10:00:05 GMT',
    'on Sunday, 29-Nov-26 10:00:06 GMT',
    'on Sun Nov 29 10:00:08 2026',
    // Close to a form, but none of them.
    'Sun, 29 Nov 26 10:00:05 GMT',
    'Sun, 9 Nov 2026 10:00:05 GMT',
    'Sunday, 29 Nov 2026 10:00:05 GMT',
    'Sun, 29-Nov-26 10:00:06 GMT',
    'Sunday, 29-Nov-2026 10:00:06 GMT',
    'Sun Nov 29 10:00:08 26',
    'Sun Nov 29 10:00 2026',
    '2026-11-29T10:00:05Z',
    // The form, but no time there is.
    'Sun, 29 Nov 2026 25:00:00 GMT',
  ])('reads no wait from %j: it is no HTTP-date', (date) => {
    expect(retryAfterMs(new Headers({ 'retry-after': date }), NOW)).toBeUndefined();
  });

  it('reads an RFC 850 two-digit year as this century, unless that is more than 50 years ahead: then the century before (RFC 9110 §5.6.7)', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'Saturday, 29-Nov-36 10:00:00 GMT' }), NOW)).toBe(
      at('2036-11-29T10:00:00Z'),
    );
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tuesday, 29-Nov-50 10:00:00 GMT' }), NOW)).toBe(
      at('2050-11-29T10:00:00Z'),
    );
    expect(retryAfterMs(new Headers({ 'retry-after': 'Friday, 29-Nov-75 10:00:00 GMT' }), NOW)).toBe(
      at('2075-11-29T10:00:00Z'),
    );
    // 2076 is a day more than 50 years of 365.25 days ahead: 1976, long past, so no wait.
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sunday, 29-Nov-76 10:00:00 GMT' }), NOW)).toBe(0);
  });

  it('keeps an RFC 850 year exactly 50 years ahead in this century, and moves one a millisecond further back a century', () => {
    const fifty = 50 * 365.25 * 86_400_000;
    const in2076 = Date.UTC(2076, 10, 29, 10);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sunday, 29-Nov-76 10:00:00 GMT' }), in2076 - fifty)).toBe(fifty);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sunday, 29-Nov-76 10:00:00 GMT' }), in2076 - fifty - 1)).toBe(0);
    // One century back, once: with `now` in 1920, 2076 becomes 1976, still 56 years ahead.
    const in1920 = Date.UTC(1920, 10, 29, 10);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sunday, 29-Nov-76 10:00:00 GMT' }), in1920)).toBe(
      Date.UTC(1976, 10, 29, 10) - in1920,
    );
  });
});

describe('waiting out a 429 within the run’s budget', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it('returns an answer that is no 429 as it came, without waiting', async () => {
    const budget = new RateLimitBudget(10_000);
    const nango = provider(answer(503, { 'retry-after': '5' }));
    expect(await answered(budget.send(WHAT, nango.send))).toMatchObject({ status: 503 });
    expect(nango.sent()).toBe(1);
    expect(budget.waitedMs).toBe(0);
  });

  it('waits out as long as the 429 asks, sends again, and counts the wait', async () => {
    const budget = new RateLimitBudget(10_000);
    const nango = provider(tooMany('3'), noContent);
    expect(await answered(budget.send(WHAT, nango.send))).toBe(noContent);
    expect(nango.sent()).toBe(2);
    expect(budget.waitedMs).toBe(3_000);
  });

  it('waits out a 429 that names no wait for a second', async () => {
    const budget = new RateLimitBudget(10_000);
    const nango = provider(tooMany(), noContent);
    expect(await answered(budget.send(WHAT, nango.send))).toBe(noContent);
    expect(budget.waitedMs).toBe(1_000);
  });

  it('stops the run when a 429 that names no wait comes with less than a second of budget left: it asks for 1 s', async () => {
    const budget = new RateLimitBudget(999);
    const nango = provider(tooMany(), noContent);
    expect((await refusal(budget.send(WHAT, nango.send))).message).toBe(pastTheBudget(1, 999, 0));
    expect(nango.sent()).toBe(1);
    expect(budget.waitedMs).toBe(0);
  });

  it('counts every wait of the run against one budget, and stops the run at the wait that would go past it', async () => {
    const budget = new RateLimitBudget(5_000);
    expect(await answered(budget.send(WHAT, provider(tooMany('1'), tooMany('1'), noContent).send))).toBe(noContent);
    expect(budget.waitedMs).toBe(2_000);
    expect(await answered(budget.send('POST /connect/sessions', provider(tooMany('2'), noContent).send))).toBe(
      noContent,
    );
    expect(budget.waitedMs).toBe(4_000);
    const nango = provider(tooMany('2'), noContent);
    const error = await refusal(budget.send(WHAT, nango.send));
    expect(error.message).toBe(pastTheBudget(2, 5_000, 4_000));
    expect(error.name).toBe('RateLimitedError');
    expect(nango.sent()).toBe(1);
    expect(budget.waitedMs).toBe(4_000);
  });

  it('waits out a wait exactly equal to the budget left', async () => {
    const budget = new RateLimitBudget(3_000);
    await answered(budget.send(WHAT, provider(tooMany('1'), noContent).send));
    expect(await answered(budget.send(WHAT, provider(tooMany('2'), noContent).send))).toBe(noContent);
    expect(budget.waitedMs).toBe(3_000);
    expect(await answered(budget.send(WHAT, provider(tooMany('0'), noContent).send))).toBe(noContent);
    expect((await refusal(budget.send(WHAT, provider(tooMany('1')).send))).message).toBe(
      pastTheBudget(1, 3_000, 3_000),
    );
  });

  it('says how long the refused wait was in whole seconds, rounded up', async () => {
    jest.setSystemTime(NOW + 500);
    const budget = new RateLimitBudget(1_000);
    // 1.5 s from now.
    const error = await refusal(budget.send(WHAT, provider(tooMany('Sun, 29 Nov 2026 10:00:02 GMT')).send));
    expect(error.message).toBe(pastTheBudget(2, 1_000, 0));
  });

  it('lets clean-up wait a minute more than the budget, counted in the same total', async () => {
    const budget = new RateLimitBudget(1_000);
    expect(await answered(budget.send(WHAT, provider(tooMany('61'), noContent).send, 'clean-up'))).toBe(noContent);
    expect(budget.waitedMs).toBe(61_000);
    expect((await refusal(budget.send(WHAT, provider(tooMany('1')).send, 'clean-up'))).message).toBe(
      pastTheBudget(1, 1_000, 61_000),
    );
  });

  it('gives the run itself no extra minute', async () => {
    const budget = new RateLimitBudget(1_000);
    expect((await refusal(budget.send(WHAT, provider(tooMany('2')).send, 'run'))).message).toBe(
      pastTheBudget(2, 1_000, 0),
    );
    expect((await refusal(budget.send(WHAT, provider(tooMany('2')).send))).message).toBe(pastTheBudget(2, 1_000, 0));
  });

  it('refuses new waits of the run after stop(): the 429 ends the request at once, nothing waited', async () => {
    const budget = new RateLimitBudget(60_000);
    budget.stop();
    const nango = provider(tooMany('1'), noContent);
    const error = await refusal(budget.send(WHAT, nango.send));
    expect(error.message).toBe(`${WHAT} was rate limited (429) while the run was stopping`);
    expect(nango.sent()).toBe(1);
    expect(budget.waitedMs).toBe(0);
  });

  it('still sends after stop() when the answer is no 429', async () => {
    const budget = new RateLimitBudget(60_000);
    budget.stop();
    expect(await answered(budget.send(WHAT, provider(noContent).send))).toBe(noContent);
  });

  it('lets clean-up wait out its 429s after stop(): deleting what the run created matters more', async () => {
    const budget = new RateLimitBudget(60_000);
    budget.stop();
    expect(await answered(budget.send(WHAT, provider(tooMany('2'), noContent).send, 'clean-up'))).toBe(noContent);
    expect(budget.waitedMs).toBe(2_000);
  });

  it('ends a wait of the run at once when the run stops, as a RateLimitedError, the wait not counted', async () => {
    const budget = new RateLimitBudget(60_000);
    const nango = provider(tooMany('30'), noContent);
    const sending = budget.send(WHAT, nango.send);
    const ended = sending.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(1_000);
    budget.stop();
    // No more fake time passes: the wait ends with stop() alone.
    expect(await ended).toEqual(new RateLimitedError('the run stopped while waiting out a rate limit'));
    expect(nango.sent()).toBe(1);
    expect(budget.waitedMs).toBe(0);
  });

  it('lets a wait of clean-up go on when the run stops', async () => {
    const budget = new RateLimitBudget(60_000);
    const nango = provider(tooMany('30'), noContent);
    const sending = budget.send(WHAT, nango.send, 'clean-up');
    await jest.advanceTimersByTimeAsync(1_000);
    budget.stop();
    expect(await answered(sending)).toBe(noContent);
    expect(nango.sent()).toBe(2);
    expect(budget.waitedMs).toBe(30_000);
  });
});

describe('pacing on X-RateLimit-Remaining', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it('waits for the reset when an answer says no request is left in the window, counts the wait, and returns the answer', async () => {
    const budget = new RateLimitBudget(10_000);
    const usedUp = windowUsedUp('2');
    expect(await answered(budget.send(WHAT, provider(usedUp).send))).toBe(usedUp);
    expect(budget.waitedMs).toBe(2_000);
  });

  it.each([
    [{ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '2' }],
    [{ 'x-ratelimit-reset': '2' }],
    [{ 'x-ratelimit-remaining': '', 'x-ratelimit-reset': '2' }],
    [{ 'x-ratelimit-remaining': '  ', 'x-ratelimit-reset': '2' }],
  ])(
    'does not wait while requests are left, nor when X-RateLimit-Remaining is missing or empty: %j',
    async (headers) => {
      const budget = new RateLimitBudget(10_000);
      await answered(budget.send(WHAT, provider(answer(204, headers)).send));
      expect(budget.waitedMs).toBe(0);
    },
  );

  it.each([
    [{ 'x-ratelimit-remaining': '0' }],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0' }],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' }],
  ])('does not wait when the window is used up but no reset is named, or it is now: %j', async (headers) => {
    const budget = new RateLimitBudget(10_000);
    await answered(budget.send(WHAT, provider(answer(204, headers)).send));
    expect(budget.waitedMs).toBe(0);
  });

  it('waits for a reset exactly as far as the budget left, and not for one past it (the answer is returned either way)', async () => {
    const budget = new RateLimitBudget(2_000);
    await answered(budget.send(WHAT, provider(windowUsedUp('2')).send));
    expect(budget.waitedMs).toBe(2_000);
    const usedUp = windowUsedUp('1');
    expect(await answered(budget.send(WHAT, provider(usedUp).send))).toBe(usedUp);
    expect(budget.waitedMs).toBe(2_000);
  });

  it('lets clean-up pace within its extra minute, and not the run', async () => {
    const budget = new RateLimitBudget(0);
    await answered(budget.send(WHAT, provider(windowUsedUp('2')).send));
    expect(budget.waitedMs).toBe(0);
    await answered(budget.send(WHAT, provider(windowUsedUp('60')).send, 'clean-up'));
    expect(budget.waitedMs).toBe(60_000);
  });

  it('does not pace the run after stop(), and still paces clean-up', async () => {
    const budget = new RateLimitBudget(10_000);
    budget.stop();
    await answered(budget.send(WHAT, provider(windowUsedUp('2')).send));
    expect(budget.waitedMs).toBe(0);
    await answered(budget.send(WHAT, provider(windowUsedUp('2')).send, 'clean-up'));
    expect(budget.waitedMs).toBe(2_000);
  });

  it('ends a pacing wait of the run at once when the run stops, and still returns the answer', async () => {
    const budget = new RateLimitBudget(60_000);
    const usedUp = windowUsedUp('30');
    const sending = budget.send(WHAT, provider(usedUp).send);
    await jest.advanceTimersByTimeAsync(1_000);
    budget.stop();
    // No more fake time passes: the wait ends with stop() alone.
    expect(await sending).toBe(usedUp);
  });

  it('lets a pacing wait of clean-up go on when the run stops', async () => {
    const budget = new RateLimitBudget(60_000);
    const sending = budget.send(WHAT, provider(windowUsedUp('30')).send, 'clean-up');
    let settled = false;
    void sending.then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(1_000);
    budget.stop();
    await jest.advanceTimersByTimeAsync(28_000);
    expect(settled).toBe(false);
    await answered(sending);
    expect(budget.waitedMs).toBe(30_000);
  });
});
