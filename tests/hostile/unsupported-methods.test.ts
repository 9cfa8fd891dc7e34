/**
 * Schemathesis parity, `unsupported_method` and `max_response_time`: the coverage pass of every hostile run sends
 * each method the spec does not document for /connect/session (PUT, POST, PATCH, TRACE, and OPTIONS and HEAD,
 * judged only when not answered as HTTP allows; GET is an operation of its own) with a live token. A 404 or a 405
 * without Allow fails (RFC 9110 §15.5.6), a 405 with Allow passes, a session deleted by another method fails
 * session_deleted_only_by_204. An answer slower than HOSTILE_MAX_RESPONSE_MS fails; the slowest answer is
 * reported either way, and checked without depending on which answer the machine's load made slowest.
 */
import { slowestOf } from '../../contracts/hostile/hostileReport';
import type { Answer } from '../../contracts/hostile/observation';
import {
  SLOW_MS,
  startHostileDriftProvider,
  type HostileDrift,
  type HostileDriftProvider,
} from '../support/hostileDriftProvider';
import { failureBlock, hostileAgainstProvider, SECRET } from '../support/hostileRun';
import { hostileInProcess } from '../support/inProcess';
import type { CliRun } from '../support/runCli';

let provider: HostileDriftProvider | undefined;
afterEach(() => provider?.close());

/** At the remote default of 130 cases: the coverage pass, then a few random ones. */
async function hostileAgainst(drift: HostileDrift, env: Record<string, string> = {}): Promise<CliRun> {
  provider = await startHostileDriftProvider(drift, SECRET);
  return hostileAgainstProvider(provider, { HOSTILE_RUNS: '40', ...env });
}

it('passes a provider that answers 405 with Allow, sending no GET: the spec documents it as an operation of its own', async () => {
  const run = await hostileAgainst('none');
  expect(run.code).toBe(0);
  // PUT, POST, PATCH, TRACE, OPTIONS, HEAD: six requests, no failure, none known.
  expect(run.stdout).toMatch(/^unsupported_method +6 +0 +0$/m);
  expect(run.stdout).not.toMatch(/^(known|FAIL) unsupported_method/m);
});

it('runs the coverage pass on the embedded reference provider too, which follows RFC 9110', async () => {
  const run = await hostileInProcess({ HOSTILE_RUNS: '40' });
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^unsupported_method +6 +0 +0$/m);
});

it.each([
  ['method-not-found', 404, /^PUT answered 404, not 405 Method Not Allowed \(RFC 9110 §15\.5\.6\)$/],
  ['method-405-without-allow', 405, /^PUT answered 405 without an Allow header/],
] as const)('fails a provider that answers an undocumented method as %s', async (drift, status, message) => {
  const run = await hostileAgainst(drift);
  expect(run.code).toBe(1);
  const block = failureBlock(run.stdout, 'unsupported_method', status);
  expect(block.headline.replace(/^FAIL unsupported_method \(status \d+(, [a-z_]+)?\): /, '')).toMatch(message);
  expect(block.curl).toMatch(
    /^curl -i -X PUT "http:\/\/127\.0\.0\.1:\d+\/connect\/session" -H "authorization: Bearer \$\{CONNECT_SESSION_TOKEN\}"$/,
  );
  expect(block.origin).toBe('found by the coverage pass, sent on every run');
});

it('fails a provider whose POST deletes the session under session_deleted_only_by_204', async () => {
  const run = await hostileAgainst('deletes-on-post');
  expect(run.code).toBe(1);
  expect(failureBlock(run.stdout, 'session_deleted_only_by_204', 405).headline).toContain(
    'POST answered 405, yet the session is gone (GET /connect/session)',
  );
  expect(run.stdout).not.toMatch(/^FAIL unsupported_method/m);
});

/** The answer a `slowest answer:` line names, when the provider did send one like it to /connect/session. */
function slowestNamed(stdout: string, bound: string): { method: string; status: number } {
  const line = new RegExp(
    `^slowest answer: \\d+ ms, ([A-Z]+) /connect/session → (\\d{3})${bound.replace(/[()]/g, '\\$&')}$`,
    'm',
  ).exec(stdout);
  const named = { method: line?.[1] ?? '', status: Number(line?.[2]) };
  expect(
    provider?.answered
      .filter((sent) => /^\/connect\/session(\?|$)/.test(sent.url))
      .map(({ method, status }) => ({ method, status })),
  ).toContainEqual(named);
  return named;
}

// Which answer is slowest depends on the machine's load: the runs' reports are judged by their form and by naming an
// answer that was sent, never by which one; picking the slowest is judged on answers of known durations.
it('fails an answer slower than HOSTILE_MAX_RESPONSE_MS, and reports the slowest answer without a bound', async () => {
  // TRACE is answered SLOW_MS late, so at least one answer is over a bound of half that.
  const bound = SLOW_MS / 2;
  const bounded = await hostileAgainst('slow-trace', { HOSTILE_MAX_RESPONSE_MS: String(bound) });
  expect(bounded.code).toBe(1);
  const failed = new RegExp(
    `^FAIL max_response_time \\(status (\\d{3})[^)]*\\): ([A-Z]+) answered \\1 in \\d+ ms, over HOSTILE_MAX_RESPONSE_MS \\(${bound} ms\\)$`,
    'm',
  ).exec(bounded.stdout);
  expect(provider?.answered).toContainEqual(
    expect.objectContaining({ method: failed?.[2], status: Number(failed?.[1]) }),
  );
  slowestNamed(bounded.stdout, ` (bound: ${bound} ms)`);
  await provider?.close();

  const unbounded = await hostileAgainst('slow-trace');
  expect(unbounded.code).toBe(0);
  expect(unbounded.stdout).toMatch(/^max_response_time +off \(no bound: set HOSTILE_MAX_RESPONSE_MS\)$/m);
  slowestNamed(unbounded.stdout, '');
});

it('reports as slowest the answer of the longest duration, of any case', () => {
  const answer = (method: string, status: number, durationMs: number): Answer => ({
    request: { method, target: '/connect/session', headers: {}, body: undefined },
    response: { status, headers: new Headers(), contentType: undefined, bodyText: '' },
    durationMs,
  });
  const first = slowestOf(undefined, [answer('DELETE', 204, 3), answer('TRACE', 405, 9), answer('DELETE', 404, 5)]);
  expect(first).toEqual({ durationMs: 9, method: 'TRACE', path: '/connect/session', status: 405 });
  expect(slowestOf(first, [answer('PUT', 405, 8)])).toBe(first);
  expect(slowestOf(first, [answer('GET', 200, 12)])).toEqual({
    durationMs: 12,
    method: 'GET',
    path: '/connect/session',
    status: 200,
  });
  expect(slowestOf(undefined, [])).toBeUndefined();
});

it('refuses a bound that is not a whole number of milliseconds', async () => {
  const run = await hostileInProcess({ HOSTILE_MAX_RESPONSE_MS: 'fast' });
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    'contracts:hostile could not run: HOSTILE_MAX_RESPONSE_MS must be a whole number of milliseconds above 0 (got "fast")\n',
  );
});
