/**
 * Rate limits, as real Nango applies them (429 with Retry-After and X-RateLimit-* headers): a run against a
 * provider that refuses every 13th request waits them out (state set-up, the interactions' own requests,
 * clean-up), passes, says how long it waited and leaves no session, connection or integration. A 429 that outlasts NANGO_RATE_LIMIT_WAIT_MS
 * stops the run as "could not verify", never as drift: no session left, no result published. Connection resets
 * and 503s on DELETE are retried by the clean-up. The wait a 429 asks for is read from either header.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { JsonObject } from '../../contracts/json';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import type { RawResponse } from '../../contracts/client/boundedFetch';
import { RateLimitBudget, RateLimitedError, retryAfterMs } from '../../contracts/live/rateLimit';
import { startBrokerDouble } from '../support/brokerDouble';
import { startControllableProvider, type Behaviour, type ControllableProvider } from '../support/controllableProvider';
import { verifyInProcess } from '../support/inProcess';
import { ROOT, type CliRun } from '../support/runCli';

const SECRET = 'rate-limit-test-secret';
let provider: ControllableProvider | undefined;
afterEach(() => provider?.close());

async function verifyAgainst(behaviour: Behaviour, env: Record<string, string> = {}): Promise<CliRun> {
  provider = await startControllableProvider(SECRET, behaviour);
  return verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, ...env });
}

// Every 13th: with the pact's 34 interactions, a 429 still lands on a POST, a GET and a DELETE (6 one-second waits).
const EVERY_THIRTEENTH = { rateLimit: { every: 13, retryAfterSeconds: 1 } } as const;
const TENTH_ONLY = { rateLimit: { every: 10, retryAfterSeconds: 1 } } as const;

describe('rate limits', () => {
  it('are waited out: the run passes, says how long it waited, and leaves no session', async () => {
    const run = await verifyAgainst(EVERY_THIRTEENTH);
    expect(run.code).toBe(0);
    const refusedKinds = new Set(provider?.refused.map((request) => request.method));
    expect(refusedKinds).toEqual(new Set(['POST', 'GET', 'DELETE']));
    expect(run.stdout).toMatch(/^rate limits: waited [1-9]\d*\.\d s in all$/m);
    expect(run.stdout).toMatch(/^sessions: (\d+) created, \1 deleted; connections: ([1-9]\d*) created, \2 deleted; integrations: ([1-9]\d*) created, \3 deleted \(end user contract-tests-[0-9a-f]{8}\)$/m);
    expect(provider?.reference.liveSessionCount()).toBe(0);
    expect(provider?.reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
  });

  it('stop the run as "could not verify" when a 429 outlasts the budget: no result published, no session left', async () => {
    const broker = await startBrokerDouble({ token: 'broker-token' });
    try {
      broker.seedPact(JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject, 'c1', 'main');
      const run = await verifyAgainst(TENTH_ONLY, {
        NANGO_RATE_LIMIT_WAIT_MS: '0',
        PACT_BROKER_BASE_URL: broker.url,
        PACT_BROKER_TOKEN: 'broker-token',
        PACT_PUBLISH_VERIFICATION_RESULTS: 'true',
        PACT_PROVIDER_VERSION: 'nango-1',
        PACT_PROVIDER_BRANCH: 'main',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^verification could not run: could not verify: .* was rate limited \(429\) and asked to wait 1 s, past the wait budget NANGO_RATE_LIMIT_WAIT_MS \(0 ms, \d+ ms spent\); nothing was published; sessions: (\d+) created, \1 deleted/m);
      expect(run.stdout).not.toMatch(/^FAIL /m);
      expect(broker.verifications).toEqual([]);
      expect(provider?.reference.liveSessionCount()).toBe(0);
      expect(provider?.reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
    } finally {
      await broker.close();
    }
  });

  it.each(['reset', 503] as const)('do not keep clean-up from deleting, nor do transient failures on DELETE (%s)', async (failure) => {
    const run = await verifyAgainst({ firstDeleteOfEachToken: failure });
    expect(run.stdout).toMatch(/^sessions: (\d+) created, \1 deleted/m);
    expect(provider?.reference.liveSessionCount()).toBe(0);
  });
});

describe('how long a 429 asks to wait', () => {
  const NOW = Date.parse('2026-11-29T10:00:00Z');
  it.each([
    [{ 'retry-after': '3' }, 3_000],
    [{ 'retry-after': 'Sun, 29 Nov 2026 10:00:05 GMT' }, 5_000],
    [{ 'x-ratelimit-reset': '2' }, 2_000],
    [{ 'x-ratelimit-reset': String(NOW / 1000 + 7) }, 7_000],
    [{ 'retry-after': '1', 'x-ratelimit-reset': '9' }, 1_000],
    [{}, undefined],
    // RFC 9110 §10.2.3: delay-seconds are digits only; anything else that is not an HTTP-date names no wait.
    [{ 'retry-after': '0x10' }, undefined],
    [{ 'retry-after': '1e3' }, undefined],
    [{ 'retry-after': '-1' }, undefined],
    [{ 'retry-after': '1.5' }, undefined],
    [{ 'retry-after': '0x10', 'x-ratelimit-reset': '4' }, 4_000],
    // The obsolete HTTP-date forms a recipient must still accept (RFC 9110 §5.6.7).
    [{ 'retry-after': 'Sunday, 29-Nov-26 10:00:06 GMT' }, 6_000],
    [{ 'retry-after': 'Sun Nov 29 10:00:08 2026' }, 8_000],
  ])('%j → %p ms', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), NOW)).toBe(expected);
  });
});

describe('waiting out a 429', () => {
  const tooMany = (retryAfter: string): RawResponse => ({ status: 429, headers: new Headers({ 'retry-after': retryAfter }), contentType: undefined, bodyText: '' });

  it('leaves no listener behind: twelve waits in one run print no MaxListenersExceededWarning', async () => {
    // In a process of its own: Node writes the warning to the real process's stderr, which a test's sandbox cannot hear.
    const script = `
      const { RateLimitBudget } = require('./contracts/live/rateLimit');
      const tooMany = { status: 429, headers: new Headers({ 'retry-after': '0' }), contentType: undefined, bodyText: '' };
      const ok = { status: 204, headers: new Headers(), contentType: undefined, bodyText: '' };
      let calls = 0;
      new RateLimitBudget(10000).send('DELETE /connect/session', async () => ((calls += 1) <= 12 ? tooMany : ok)).then((answer) => console.log(calls, answer.status));
    `;
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(process.execPath, ['-r', 'esbuild-register', '-e', script], { cwd: ROOT }, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr }))),
    );
    expect(run.stdout.trim()).toBe('13 204');
    expect(run.stderr).not.toContain('MaxListenersExceededWarning');
  });

  it('ends at once when the run stops, as a RateLimitedError', async () => {
    const budget = new RateLimitBudget(60_000);
    // Stopped once the 429 is in and its 30 s wait has begun (microtasks all run before an immediate).
    const sending = budget.send('DELETE /connect/session', async () => (setImmediate(() => budget.stop()), tooMany('30')));
    await expect(sending).rejects.toThrow(new RateLimitedError('the run stopped while waiting out a rate limit'));
    expect(budget.waitedMs).toBe(0);
  });
});
