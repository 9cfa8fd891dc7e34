/**
 * `npm run verify` as a user runs it: on the embedded default it passes with one report line per interaction;
 * against a real-Nango-like server it refuses bad settings and a refused key before any interaction, shows Pact's
 * own output only when LOG_LEVEL asks, cleans up when interrupted, and never lets the secret key or a session
 * token reach its output or any file. The default run, bad settings, the interruption and the trace-level scan
 * run the command itself; the rest run it in-process.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES } from '../../contracts/cases';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { startDriftingProvider, type DriftingProvider } from '../support/driftingProvider';
import { verifyInProcess } from '../support/inProcess';
import { reportRow, ROOT, runCli } from '../support/runCli';
import { scratchDir } from '../support/scratch';

let provider: DriftingProvider | undefined;
afterEach(() => provider?.close());

describe('npm run verify', () => {
  it('verifies pacts/ against the embedded reference provider by default, one report line per interaction', async () => {
    const run = await runCli('verify');
    expect(run.code).toBe(0);
    // Nothing of Node's own: Pact's verifier proxy (http-proxy) calls util._extend, which Node 22+ warns of.
    expect(run.stdout + run.stderr).not.toContain('DeprecationWarning');
    expect(run.stdout).toMatch(/against the embedded reference provider \(http:\/\/127\.0\.0\.1:\d+\)/);
    expect(run.stdout).toMatch(/interaction +expected +actual +pact +schema +time/);
    for (const contractCase of CASES) {
      const status = String(contractCase.response.status);
      expect(reportRow(run.stdout, contractCase.name).line).toMatch(new RegExp(`^ok {3}.* ${status} +${status} +pass +pass +\\d+ ms$`));
    }
  });

  it('refuses NANGO_BASE_URL without NANGO_SECRET_KEY with one clear line, before any interaction', async () => {
    const run = await runCli('verify', { NANGO_BASE_URL: 'http://localhost:3003' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('verification could not run: NANGO_BASE_URL is set but NANGO_SECRET_KEY is not');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toContain('Verifying a pact');
  });

  it('refuses a bad LOG_LEVEL in one line, before Pact (which reads it as it loads) can', async () => {
    const run = await runCli('verify', { LOG_LEVEL: 'loud' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('verification could not run: LOG_LEVEL must be one of trace, debug, info, warn, error (got "loud")\n');
    expect(run.stdout).toBe('');
  });

  it("shows Pact's own output in full at LOG_LEVEL=info, and keeps it back by default", async () => {
    const loud = await verifyInProcess({ LOG_LEVEL: 'info' });
    expect(loud.code).toBe(0);
    expect(loud.stdout).toContain('Verifying a pact between NangoConnectSessionClient and NangoAPI');
    const quiet = await verifyInProcess();
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('Verifying a pact between');
  });

  it('creates every session of a run for one end user that names the run, and accounts for each', async () => {
    provider = await startDriftingProvider('none', 'end-user-secret');
    const run = await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: 'end-user-secret' });
    expect(run.code).toBe(0);
    // Every session the key created, the states' and the 201 interaction's own, is for the run's end user.
    const endUsers = provider.requests
      .filter((request) => request.method === 'POST' && request.url === '/connect/sessions' && request.headers.authorization === 'Bearer end-user-secret')
      .flatMap((request) => (JSON.parse(request.body) as { end_user?: { id: string } }).end_user?.id ?? []);
    expect(new Set(endUsers).size).toBe(1);
    expect(endUsers[0]).toMatch(/^contract-tests-[0-9a-f]{8}$/);
    // The states made integrations named after the run (and connections through sessions); only the refused cases name another.
    const integrations = provider.requests.filter((request) => request.method === 'POST' && request.url === '/integrations');
    const keys = integrations.map((request) => (JSON.parse(request.body) as { unique_key?: string }).unique_key ?? '');
    expect(keys.filter((key) => !key.startsWith(`${endUsers[0]}-`))).toEqual(['contract-tests-no-such-integration', 'contract-tests-no-such-integration']);
    // Those sessions, and the one the reconnect interaction made, are all deleted; so are the connections and integrations.
    const sessions = endUsers.length + 1;
    expect(run.stdout).toMatch(new RegExp(`^sessions: ${sessions} created, ${sessions} deleted; connections: (\\d+) created, \\1 deleted; integrations: (\\d+) created, \\2 deleted \\(end user ${endUsers[0]}\\)$`, 'm'));
    expect([provider.reference.liveSessionCount(), provider.reference.resourceCounts()]).toEqual([0, { connections: 0, integrations: 0 }]);
  });

  it('says so when the server refuses the secret key, without printing it', async () => {
    provider = await startDriftingProvider('none', 'the-right-key');
    const run = await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: 'the-wrong-key' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`verification could not run: the provider at ${provider.url} refused NANGO_SECRET_KEY: POST /connect/sessions answered 401 (unknown_account)`);
    expect(run.stdout + run.stderr).not.toContain('the-wrong-key');
    expect(run.stdout).not.toContain('Verifying a pact');
  });

  it('fails an interaction whose provider state it cannot set up, naming the state', async () => {
    const pact = join(scratchDir('pact-state'), 'pact.json');
    writeFileSync(pact, readFileSync(COMMITTED_PACT, 'utf8').replace('"name": "the connect session has been deleted"', '"name": "a session that expired"'));
    const run = await verifyInProcess({ PACT_FILE: pact });
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, 'answers 404 for a session that has already been deleted').reasons).toEqual([
      "pact: no set-up for provider state 'a session that expired'",
      'pact: the request was not sent to the provider, as its provider state failed',
    ]);
  });

  it('deletes the sessions it created when interrupted mid-run', async () => {
    const SECRET = 'interrupt-test-secret';
    let interrupt: (() => void) | undefined;
    // Stop the run at the first DELETE (a state's or the verifier's), with a session open.
    let deletes = 0;
    provider = await startDriftingProvider('none', SECRET, () => {
      deletes += 1;
      if (deletes > 1) return false; // the clean-up's deletes are answered
      interrupt?.();
      return true; // never answered
    });
    const run = await runCli(
      'verify',
      { NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET },
      {
        onStart: (child) => {
          interrupt = () => child.kill('SIGINT');
        },
      },
    );
    expect(run.stderr).toMatch(/SIGINT: deleting [1-9]\d* open connect session\(s\), connection\(s\) and integration\(s\) before stopping/);
    expect(run.stderr).toContain('verification interrupted by SIGINT');
    expect(run.code).toBe(130);
    expect(provider.reference.issuedTokens().length).toBeGreaterThan(0);
    expect(provider.reference.liveSessionCount()).toBe(0);
  });

  it('never lets the secret key or a session token reach its output or a file, even at LOG_LEVEL=trace, and sends Pact no usage data', async () => {
    const SECRET = `sk-scan-${Date.now().toString(36)}-known-secret`;
    const started = Date.now();
    provider = await startDriftingProvider('none', SECRET);
    // Its own temp folder, so every temp file it writes (Pact's included) and its reports are scanned, and nothing else.
    const temp = scratchDir('trace-tmp');
    // PACT_DO_NOT_TRACK=false from the caller: the verification worker turns Pact's usage reporting off itself.
    const run = await runCli('verify', { NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, LOG_LEVEL: 'trace', TMPDIR: temp, REPORTS_DIR: join(temp, 'reports'), PACT_DO_NOT_TRACK: 'false' });
    expect(run.code).toBe(0);
    const tokens = provider.reference.issuedTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    const output = run.stdout + run.stderr;
    // Pact's core, in its own words at this level: no usage reporting (no telemetry; Scarf's is in tests/ci/telemetry.test.ts).
    expect(output).toContain("'PACT_DO_NOT_TRACK' environment variable is set, will not send metrics");
    // Trace logs print the verifier's requests: proof that there was something to redact.
    expect(output).toContain('nango_connect_session_[REDACTED]');
    const leaks = (text: string) => [SECRET, ...tokens].filter((secret) => text.includes(secret));
    expect(leaks(output)).toEqual([]);
    const written = [...filesChangedSince(ROOT, started, ['node_modules', '.git']), ...filesChangedSince(temp, started, [])];
    expect(written.map((file) => file.path)).toContain(join(temp, 'reports', 'verification.json'));
    expect(written.filter((file) => leaks(file.text).length > 0).map((file) => file.path)).toEqual([]);
  });
});

/** Files under the folder written since then, with their content as read now. */
function filesChangedSince(directory: string, since: number, skip: string[]): Array<{ path: string; text: string }> {
  const found: Array<{ path: string; text: string }> = [];
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    // No such folder (yet): nothing in it to scan.
    return found;
  }
  for (const name of entries) {
    if (skip.includes(name)) continue;
    const path = join(directory, name);
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) found.push(...filesChangedSince(path, since, skip));
      else if (stat.isFile() && stat.mtimeMs >= since && stat.size < 50_000_000) found.push({ path, text: readFileSync(path, 'latin1') });
    } catch {
      // Vanished while we looked (another test's scratch files): nothing to scan.
    }
  }
  return found;
}
