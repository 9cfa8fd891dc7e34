/**
 * `npm run contracts:hostile` (in-process; the interruption and bad-settings cases run the command itself):
 * against the embedded reference provider a default run generates at least 1,000 cases and passes, showing the
 * security-scheme finding as known; against providers that drift on inputs no contract names, each check
 * catches its violation (an undocumented status, a 500, a schema-breaking body, a 400 that still deletes the
 * session, a 204 for a deleted token, a 204 without credentials, a text/plain error, a query that is ignored
 * rather than refused), printed once, shrunk, as a curl line with the command that replays it from the findings
 * record; the replay shows the same failure, and says so when a provider no longer shows it. No session is left
 * behind and no piece of a secret or token is printed or written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_NAMES } from '../../contracts/hostile/checks';
import type { ChildProcess } from 'node:child_process';
import { isCreation, startControllableProvider } from '../support/controllableProvider';
import { startHostileDriftProvider, type HostileDrift, type HostileDriftProvider } from '../support/hostileDriftProvider';
import { expectNoSecretPiece, failureBlock, hostileAgainstProvider, replayCommand, SECRET } from '../support/hostileRun';
import { hostileInProcess, runInProcess } from '../support/inProcess';
import { runCli, type CliRun } from '../support/runCli';
import { scratchDir } from '../support/scratch';

let provider: HostileDriftProvider | undefined;
afterEach(() => provider?.close());

async function hostileAgainst(drift: HostileDrift, env: Record<string, string> = {}): Promise<CliRun> {
  provider = await startHostileDriftProvider(drift, SECRET);
  return hostileAgainstProvider(provider, env);
}

describe('npm run contracts:hostile', () => {
  it('passes against the embedded reference provider with 1,000 generated cases, the security scheme shown as a known finding', async () => {
    const run = await hostileInProcess();
    expect(run.code).toBe(0);
    const summary = /Hostile run PASSED: (\d+) cases, (\d+) requests/.exec(run.stdout);
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(1_000);
    // Every check judged requests, but max_response_time, which has no bound unless HOSTILE_MAX_RESPONSE_MS sets one.
    for (const check of CHECK_NAMES.filter((name) => name !== 'max_response_time')) expect(run.stdout).toMatch(new RegExp(`^${check} +[1-9]\\d* +0 +\\d+$`, 'm'));
    expect(run.stdout).toMatch(/^max_response_time +off \(no bound: set HOSTILE_MAX_RESPONSE_MS\)$/m);
    expect(run.stdout).toMatch(/^slowest answer: \d+ ms, [A-Z]+ \/[a-z/_-]+(\/[^ ]+)? → \d{3}$/m);
    expect(run.stdout).toContain('known positive_data_acceptance (status 401, invalid_connect_session_token_format)');
    expect(run.stdout).toMatch(/^sessions: (\d+) created, \1 deleted/m);
  });

  it.each([
    ['undocumented-status-for-text-bodies', 'status_code_conformance', 415],
    ['server-error-on-long-credentials', 'not_a_server_error', 500],
    ['schema-breaking-401', 'response_schema_conformance', 401],
    ['deletes-on-400', 'session_deleted_only_by_204', 400],
    ['accepts-deleted-token', 'use_after_free', 204],
    ['accepts-no-credentials', 'ignored_auth', 204],
    ['text-plain-401', 'content_type_conformance', 401],
    ['ignores-query', 'negative_data_rejection', 204],
  ] as const)('catches a provider that %s with %s', async (drift, check, status) => {
    const run = await hostileAgainst(drift);
    expect(run.code).toBe(1);
    const block = failureBlock(run.stdout, check, status);
    expect(block.curl).toMatch(/^(for i in \$\(seq \d\); do )?curl -i -X DELETE "http:\/\/127\.0\.0\.1:\d+\/connect\/session/);
    expect(block.replay).toMatch(/^replay: NANGO_BASE_URL=http:\/\/127\.0\.0\.1:\d+ npm run contracts:hostile -- --replay \S+hostile-findings\.json F\d+$/);
    expect(block.origin).toMatch(/^found by (the coverage pass, sent on every run|the search, seed \d+)$/);
    // Printed once: failures are told apart by check, status and error code.
    expect(run.stdout.split('\n').filter((line) => line === block.headline)).toHaveLength(1);
    expect(run.stdout).toMatch(/^Hostile run FAILED: /m);
  });

  it('replays a failure from its record, run as printed with only the secret in the environment: same check and status', async () => {
    const first = await hostileAgainst('server-error-on-long-credentials');
    const { headline, replay } = failureBlock(first.stdout, 'not_a_server_error', 500);
    const { env, args } = replayCommand(replay);
    const again = await runInProcess('contracts:hostile', { ...env, NANGO_SECRET_KEY: SECRET }, { args });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(new RegExp(`^F\\d+ reproduced: not_a_server_error \\(status 500, server_error\\): `, 'm'));
    expect(again.stdout).toContain(headline.replace(/^FAIL not_a_server_error \(status 500, server_error\): /, ''));
    expect(again.stdout).toMatch(/^Replay: 1 of 1 reproduced$/m);
    expect(provider?.reference.liveSessionCount()).toBe(0);
  });

  it('says a recorded failure did not reproduce on a provider that no longer shows it', async () => {
    const first = await hostileAgainst('server-error-on-long-credentials');
    const { replay } = failureBlock(first.stdout, 'not_a_server_error', 500);
    const { args } = replayCommand(replay);
    const fixed = await startHostileDriftProvider('none', SECRET);
    try {
      const again = await runInProcess('contracts:hostile', { NANGO_BASE_URL: fixed.url, NANGO_SECRET_KEY: SECRET }, { args });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^F\d+ not reproduced: not_a_server_error \(status 500, server_error\) did not occur \(answered 401\)$/m);
      expect(fixed.reference.liveSessionCount()).toBe(0);
    } finally {
      await fixed.close();
    }
  });

  it('fails again on a known finding whose acceptance expired, and reports one that no longer occurs', async () => {
    const file = join(scratchDir('known'), 'known.yaml');
    writeFileSync(
      file,
      [
        '- {check: positive_data_acceptance, status: 401, reason: the spec names the secret key, expires: "2020-01-01"}',
        '- {check: not_a_server_error, reason: "a 500 seen once, never again"}',
      ].join('\n'),
    );
    // Against a server that is not the embedded reference provider: the list is about such a one.
    const provider = await startHostileDriftProvider('none', SECRET);
    try {
      const run = await hostileInProcess({ KNOWN_FINDINGS_FILE: file, HOSTILE_SEED: '5', HOSTILE_RUNS: '200', NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^FAIL positive_data_acceptance \(status 401, invalid_connect_session_token_format\): .* \(accepted until 2020-01-01, now expired: the spec names the secret key\)$/m);
      expect(run.stdout).toContain('stale: the known finding "not_a_server_error" did not occur: remove it from contracts/known-findings.yaml');
    } finally {
      await provider.close();
    }
    // On the embedded reference provider, which serves the spec, nothing is judged stale.
    const embedded = await hostileInProcess({ KNOWN_FINDINGS_FILE: file, HOSTILE_SEED: '5', HOSTILE_RUNS: '40' });
    expect(embedded.stdout).not.toContain('stale:');
  });

  it('waits out a remote server\'s rate limit and passes, leaving no session', async () => {
    const limited = await startControllableProvider(SECRET, { rateLimit: { every: 60, retryAfterSeconds: 1 } });
    try {
      const run = await hostileInProcess({ NANGO_BASE_URL: limited.url, NANGO_SECRET_KEY: SECRET, HOSTILE_SEED: '3', HOSTILE_RUNS: '40' });
      expect(run.code).toBe(0);
      expect(limited.refused.length).toBeGreaterThan(0);
      expect(run.stdout).toMatch(/^rate limits: waited [1-9]\d*\.\d s in all$/m);
      expect(limited.reference.liveSessionCount()).toBe(0);
    } finally {
      await limited.close();
    }
  });

  it('exits 2, not 1, when it cannot delete what it made, saying first what may remain: what the provider holds', async () => {
    const refusing = await startControllableProvider(SECRET);
    try {
      // Every DELETE of a session is refused: cases find failures, and clean-up cannot delete any session.
      refusing.script = (request) => (request.method === 'DELETE' && request.url.startsWith('/connect/session') ? { status: 409, body: { error: { code: 'conflict' } } } : undefined);
      const run = await hostileInProcess({ NANGO_BASE_URL: refusing.url, NANGO_SECRET_KEY: SECRET, HOSTILE_SEED: '4', HOSTILE_RUNS: '10' });
      expect(run.code).toBe(2);
      const left = refusing.reference.liveSessionCount();
      expect(left).toBeGreaterThan(0);
      const [line] = run.stderr.split('\n').filter((text) => text.includes('NOT ALL ACCOUNTED FOR'));
      expect(line).toMatch(new RegExp(`^may remain: ${left} session\\(s\\) of end user contract-tests-[0-9a-f]{8} on ${refusing.url}; delete with: `));
      expectNoSecretPiece([run.stdout, run.stderr], [SECRET, ...refusing.reference.issuedTokens()]);
    } finally {
      await refusing.close();
    }
  });

  it('deletes every session it created when interrupted while one is being created', async () => {
    const slow = await startControllableProvider(SECRET);
    try {
      const held = slow.holdAt(3, isCreation);
      let child: ChildProcess | undefined;
      const reports = scratchDir('interrupted');
      const running = runCli('contracts:hostile', { NANGO_BASE_URL: slow.url, NANGO_SECRET_KEY: SECRET, HOSTILE_SEED: '9', REPORTS_DIR: reports }, { onStart: (started) => (child = started) });
      const answer = await held;
      child?.kill('SIGINT');
      answer.release();
      const run = await running;
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/^contracts:hostile interrupted by SIGINT; sessions: (\d+) created, \1 deleted; /m);
      expect(slow.reference.issuedTokens().length).toBeGreaterThanOrEqual(3);
      expect(slow.reference.liveSessionCount()).toBe(0);
      // Its report files are its own, and say it did not finish; a replay of them says there is nothing to replay.
      expect(readFileSync(join(reports, 'hostile-junit.xml'), 'utf8')).toMatch(/<error message="the hostile run against Nango \(http:\/\/127\.0\.0\.1:\d+\), seed 9, did not finish"/);
      const replay = await runInProcess('contracts:hostile', { NANGO_BASE_URL: slow.url, NANGO_SECRET_KEY: SECRET }, { args: ['--replay', join(reports, 'hostile-findings.json')] });
      expect(replay.code).toBe(2);
      expect(replay.stderr).toMatch(/records no finding: the hostile run that wrote it did not finish/);
    } finally {
      await slow.close();
    }
  });

  it('refuses bad settings in one line', async () => {
    const run = await runCli('contracts:hostile', { HOSTILE_PATH: '1:2' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('contracts:hostile could not run: HOSTILE_PATH replays a failure of one seed: set HOSTILE_SEED too, as the failure report prints it\n');
  });
});
