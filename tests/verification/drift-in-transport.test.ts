/**
 * Drift in how (or whether) the provider answers, through `npm run verify` in-process: a timeout, a dropped
 * connection, a refused one, a 404 that never comes, a provider state that hands back no token. Each fails with
 * a message naming the interaction (or, before any interaction, the provider) and the cause; none hangs.
 */
import { verifyInProcess } from '../support/inProcess';
import { reportRow } from '../support/runCli';
import { startDriftingProvider } from '../support/driftingProvider';
import { refusedUrl, startScriptedServer } from '../support/scriptedServer';
import { casesWithStatus, DRIFT_SECRET, verifyAgainstDrift } from '../support/verifyAgainstDrift';

const [DELETES] = casesWithStatus(204);
const [GONE] = casesWithStatus(404);

describe('verifying a provider that stops answering as documented', () => {
  it('fails on a response slower than the timeout, without hanging', async () => {
    // Long enough that a provider state's own requests never time out on a loaded machine (that would be a
    // provider fault, exit 2): only the DELETE of a deleted session, which never answers, does.
    const { run, providerUrl } = await verifyAgainstDrift('slow', { NANGO_TIMEOUT_MS: '1500' });
    expect(run.code).toBe(1);
    const row = reportRow(run.stdout, GONE!);
    expect(row.line).toMatch(/^FAIL .* 404 +none +FAIL +-/);
    expect(row.reasons).toEqual([`pact: no answer from ${providerUrl}/connect/session within 1500 ms`]);
    // The session the 204 case's own DELETE ended is counted gone: no clean-up DELETE of it hangs in turn.
    expect(run.stdout).not.toContain('clean-up failed');
    expect(run.stdout).toMatch(/^sessions: (\d+) created, \1 deleted/m);
  });

  it("sends no clean-up DELETE for a session an interaction's own DELETE ended with 204", async () => {
    // A DELETE of a session already gone: only the 404 case's own is expected, never a clean-up's.
    const ofGoneSessions: string[] = [];
    const provider = await startDriftingProvider('none', DRIFT_SECRET, (request) => {
      if (provider.reference.wasDeleted(String(request.headers.authorization).replace(/^Bearer /, '')))
        ofGoneSessions.push(request.url);
      return false;
    });
    try {
      const run = await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: DRIFT_SECRET });
      expect(run.code).toBe(0);
      expect(ofGoneSessions).toHaveLength(casesWithStatus(404).length);
      expect(provider.reference.liveSessionCount()).toBe(0);
    } finally {
      await provider.close();
    }
  });

  it("could not verify (exit 2) when the provider drops every DELETE, its provider states' own included", async () => {
    const { run, providerUrl, liveSessions } = await verifyAgainstDrift('dropped-connection', {
      NANGO_RATE_LIMIT_WAIT_MS: '0',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `could not verify: the provider failed mid-run, in a provider state (cannot reach provider at ${providerUrl}/connect/session: connection closed by the server`,
    );
    expect(run.stderr).toContain(`${liveSessions} session(s) left: each expires 30 minutes after it was created`);
  });

  it('fails when the 404 never comes (401 instead)', async () => {
    const { run, liveSessions } = await verifyAgainstDrift('no-404');
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, GONE!).reasons).toEqual(['pact: status: expected 404 but was 401']);
    expect(liveSessions).toBe(0);
  });

  it('fails, naming the state and the cause, when a provider state hands back no token', async () => {
    const { run, providerUrl } = await verifyAgainstDrift('no-token-after-first');
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, DELETES!).reasons[0]).toBe(
      `pact: provider state 'a connect session exists' failed: POST /connect/sessions on ${providerUrl} answered 201 without a connect session token in data.token`,
    );
    expect(reportRow(run.stdout, GONE!).reasons[0]).toMatch(
      /^pact: provider state 'the connect session has been deleted' failed: /,
    );
  });

  it('stops before any interaction with "cannot reach provider" when the connection is refused, and warns of no session', async () => {
    const url = await refusedUrl();
    const run = await verifyInProcess({ NANGO_BASE_URL: url, NANGO_SECRET_KEY: DRIFT_SECRET });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `verification could not run: cannot reach provider at ${url}/connect/sessions: connection refused (ECONNREFUSED)`,
    );
    expect(run.stderr).not.toContain('may still have created');
    expect(run.stdout).not.toContain('Verifying a pact');
  });

  it('warns of no session when https:// reaches an http port: no request went out', async () => {
    const { url, close } = await startScriptedServer(() => undefined);
    try {
      const run = await verifyInProcess({
        NANGO_BASE_URL: url.replace(/^http:/, 'https:'),
        NANGO_SECRET_KEY: DRIFT_SECRET,
        NANGO_TIMEOUT_MS: '2000',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^verification could not run: cannot reach provider at https:\/\/\S+\/connect\/sessions: /m,
      );
      expect(run.stderr).not.toContain('may still have created');
    } finally {
      await close();
    }
  });

  it('takes a 400 to a clean-up DELETE, as the loser of a race gets, as the session gone once GET /connect/session says so', async () => {
    const { run, liveSessions } = await verifyAgainstDrift('loser-of-a-race-400');
    expect(run.stdout).not.toContain('clean-up failed');
    expect(run.stdout).toMatch(/^sessions: (\d+) created, \1 deleted/m);
    expect(liveSessions).toBe(0);
  });

  it('stops before any interaction with "cannot reach provider" when the server never answers', async () => {
    const silent = await startScriptedServer(() => undefined);
    try {
      const run = await verifyInProcess({
        NANGO_BASE_URL: silent.url,
        NANGO_SECRET_KEY: DRIFT_SECRET,
        NANGO_TIMEOUT_MS: '300',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(
          `verification could not run: cannot reach provider at ${silent.url}/connect/sessions: no answer within 300 ms \\(the request may still have created a session for end user contract-tests-[0-9a-f]{8}\\)`,
        ),
      );
      // Not sent again: a second POST could only add a second session the run never hears of.
      expect(silent.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });
});
