/**
 * Pacing: an answer that says no request is left in the window (`X-RateLimit-Remaining: 0`) is followed by a wait
 * for the reset, within the budget, before the next request. Time is jest's fake clock; node:timers/promises, which
 * jest's fake timers do not reach (jestjs/jest#16392), is mocked onto it.
 */
import type { RawResponse } from '../../contracts/client/boundedFetch';
import { RateLimitBudget } from '../../contracts/live/rateLimit';

jest.mock('node:timers/promises', () => ({
  setTimeout: (ms: number, value: unknown, { signal }: { signal?: AbortSignal } = {}) =>
    new Promise((resolve, reject) => {
      // Looked up at call time: jest's fake once the test fakes timers.
      const timer = globalThis.setTimeout(() => resolve(value), ms);
      signal?.addEventListener('abort', () => (globalThis.clearTimeout(timer), reject(signal.reason)), { once: true });
    }),
}));

describe('pacing', () => {
  afterEach(() => jest.useRealTimers());
  const answer = (headers: Record<string, string>): RawResponse => ({
    status: 204,
    headers: new Headers(headers),
    contentType: undefined,
    bodyText: '',
  });

  it('waits for the reset when an answer says no request is left in the window, and counts the wait', async () => {
    jest.useFakeTimers();
    const budget = new RateLimitBudget(10_000);
    let settled = false;
    const sending = budget
      .send('DELETE /connect/session', async () => answer({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' }))
      .then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(1_999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await sending;
    expect(budget.waitedMs).toBe(2_000);
  });

  it('does not wait while requests are left, nor past the budget', async () => {
    const budget = new RateLimitBudget(500);
    await budget.send('x', async () => answer({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '2' }));
    await budget.send('x', async () => answer({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' }));
    expect(budget.waitedMs).toBe(0);
  });
});
