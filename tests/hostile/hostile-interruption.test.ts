/**
 * Interrupting `npm run contracts:hostile` while one of its cases' own creating requests (`POST /connect/sessions`
 * with the secret key, not the run's own set-up) is in flight, against the fault-injecting provider: an answer that
 * comes once the run is stopping is awaited and its session adopted and deleted; one that never comes is named in
 * the account as what may remain, and is what the provider holds.
 */
import type { ChildProcess } from 'node:child_process';
import { isCreation, startControllableProvider, type ControllableProvider } from '../support/controllableProvider';
import { SECRET } from '../support/hostileRun';
import { runCli } from '../support/runCli';
import type { RecordedRequest } from '../support/scriptedServer';

let provider: ControllableProvider | undefined;
afterEach(() => provider?.close());

/** A hostile case's own creation with the secret key: a body the run's set-up never sends (its end user is the run's). */
const caseCreation = (request: RecordedRequest): boolean =>
  isCreation(request) &&
  request.headers.authorization === `Bearer ${SECRET}` &&
  !request.body.includes('"contract-tests-');

/** Holds the first case creation that makes a session, SIGINTs the run, and hands back what the provider made of it. */
async function interruptCaseCreation(env: Record<string, string>, answered: boolean) {
  const faulty = await startControllableProvider(SECRET);
  provider = faulty;
  let before = 0;
  const held = faulty.holdAt(1, (request) => {
    before = faulty.reference.issuedTokens().length;
    return caseCreation(request);
  });
  let child: ChildProcess | undefined;
  const running = runCli(
    'contracts:hostile',
    { NANGO_BASE_URL: faulty.url, NANGO_SECRET_KEY: SECRET, HOSTILE_SEED: '9', ...env },
    { onStart: (started) => (child = started) },
  );
  const answer = await held;
  // The provider made the held request's session (it acted before holding the answer).
  const madeOne = faulty.reference.issuedTokens().length === before + 1;
  child?.kill('SIGINT');
  if (answered) answer.release();
  const run = await running;
  return { run, madeOne, made: faulty.reference.issuedTokens().length, live: faulty.reference.liveSessionCount() };
}

describe('contracts:hostile interrupted while a case creates a session', () => {
  it('waits for the answer that comes once the run is stopping, and deletes the session it made', async () => {
    const { run, madeOne, made, live } = await interruptCaseCreation({}, true);
    expect(madeOne).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/^contracts:hostile interrupted by SIGINT; sessions: (\d+) created, \1 deleted; /m);
    // Every session the provider made is counted (the held one adopted), and gone.
    expect(Number(/sessions: (\d+) created/.exec(run.stderr)?.[1])).toBe(made);
    expect(live).toBe(0);
  });

  it('names the creation never answered as what may remain: the provider holds exactly that', async () => {
    // The case's request gives up after NANGO_TIMEOUT_MS.
    const { run, madeOne, made, live } = await interruptCaseCreation({ NANGO_TIMEOUT_MS: '1500' }, false);
    expect(madeOne).toBe(true);
    expect(run.code).toBe(130);
    const lines = run.stderr.split('\n').filter(Boolean);
    const at = lines.findIndex((text) => text.includes('NOT ALL ACCOUNTED FOR'));
    expect(lines[at]).toMatch(
      /^may remain: what 1 request\(s\) in doubt may have created \(POST \/connect\/sessions\b.* got no answer \(.*within 1500 ms.*\): it may have created a session the run cannot delete\) of end user contract-tests-[0-9a-f]{8} on http:\/\/\S+; delete with: curl -X DELETE /,
    );
    expect(lines[at + 1]).toBe('contracts:hostile interrupted by SIGINT');
    // Every session the account counts is gone: the one in doubt is the one the provider holds.
    const [, counted, deleted] = /sessions: (\d+) created, (\d+) deleted/.exec(lines[at] ?? '') ?? [];
    expect(Number(counted)).toBe(Number(deleted));
    expect(Number(counted)).toBe(made - 1);
    expect(live).toBe(1);
    expect(run.stderr).not.toMatch(/nango_connect_session_[0-9a-f]{64}/);
  });

  it('gives the request under way the interrupted wait, not its whole timeout, and names it as what may remain', async () => {
    // NANGO_TIMEOUT_MS is past jest's own 30 s: the run ends only because the interrupt cut the request short.
    const { run, madeOne, made, live } = await interruptCaseCreation({ NANGO_TIMEOUT_MS: '60000' }, false);
    expect(madeOne).toBe(true);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(
      /^may remain: what 1 request\(s\) in doubt may have created \(POST \/connect\/sessions\b.*within 5000 ms of the run stopping/m,
    );
    expect(Number(/sessions: (\d+) created/.exec(run.stderr)?.[1])).toBe(made - 1);
    expect(live).toBe(1);
  });
});
