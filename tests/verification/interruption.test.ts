/**
 * Interrupting `npm run verify` against a Nango-like provider that is slow to answer: SIGINT or SIGTERM, once or
 * twice, to the parent, the worker or the whole process group (as a terminal's Ctrl-C does), while a session is
 * being created (its answer not yet back), while an integration is created or a connection made for the
 * reconnect case, while the verifier's own request is in flight, and while a clean-up DELETE is. Each time the
 * run exits 130/143 and nothing it created (session, connection, integration) is left on the provider. The same for the
 * main job, whose verification may still be running beside the consumer tests.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { isCreation, isDeletion, startControllableProvider, type ControllableProvider } from '../support/controllableProvider';
import { runCli } from '../support/runCli';
import type { RecordedRequest } from '../support/scriptedServer';

const SECRET = 'interruption-test-secret';
let provider: ControllableProvider | undefined;
afterEach(() => provider?.close());

type Target = 'parent' | 'worker' | 'group';

interface Moment {
  readonly what: string;
  /** The request to hold: the `nth` from the start that `matches`. */
  readonly nth: number;
  readonly matches: (request: RecordedRequest) => boolean;
}

const MOMENTS = {
  preflightCreation: { what: 'the first session is being created', nth: 1, matches: isCreation },
  stateCreation: { what: "a provider state's session is being created", nth: 3, matches: isCreation },
  verifierRequest: { what: "the verifier's own request is in flight", nth: 2, matches: isDeletion },
  cleanUpDeletion: { what: 'a clean-up DELETE is in flight', nth: 3, matches: isDeletion },
  integrationCreation: { what: 'an integration is being created', nth: 1, matches: (request) => request.method === 'POST' && request.url === '/integrations' },
  connectionMaking: { what: 'a connection is being made through a session', nth: 1, matches: (request) => request.method === 'POST' && request.url.startsWith('/auth/unauthenticated/') },
} satisfies Record<string, Moment>;

/** The verification worker among the CLI process's children (esbuild's service is one too). */
function workerOf(parent: ChildProcess): number {
  return Number(execFileSync('pgrep', ['-P', String(parent.pid), '-f', 'verificationWorker'], { encoding: 'utf8' }).trim().split('\n')[0]);
}

async function interruptAt(moment: Moment, signal: NodeJS.Signals, target: Target, times = 1, script: 'verify' | 'contracts' = 'verify') {
  provider = await startControllableProvider(SECRET);
  const held = provider.holdAt(moment.nth, moment.matches);
  let child: ChildProcess | undefined;
  const running = runCli(script, { NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET }, { detached: true, onStart: (started) => (child = started) });
  const answer = await held;
  const cli = child as ChildProcess;
  const cleaningUp = new Promise<void>((resolve) => {
    const watch = (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('before stopping')) resolve();
    };
    cli.stderr?.on('data', watch);
  });
  for (let time = 0; time < times; time += 1) {
    if (target === 'group') process.kill(-(cli.pid as number), signal);
    else if (target === 'parent') cli.kill(signal);
    else process.kill(workerOf(cli), signal);
  }
  // Only once the run is stopping does the held answer come: the worst moment for it to arrive.
  await cleaningUp;
  answer.release();
  const run = await running;
  return { run, created: provider.reference.issuedTokens().length, live: provider.reference.liveSessionCount(), resources: provider.reference.resourceCounts() };
}

describe('interrupting a verification against a slow provider', () => {
  it.each([
    { moment: MOMENTS.preflightCreation, signal: 'SIGINT', target: 'group', times: 1 },
    { moment: MOMENTS.stateCreation, signal: 'SIGTERM', target: 'parent', times: 1 },
    { moment: MOMENTS.stateCreation, signal: 'SIGINT', target: 'worker', times: 1 },
    { moment: MOMENTS.verifierRequest, signal: 'SIGINT', target: 'group', times: 2 },
    { moment: MOMENTS.cleanUpDeletion, signal: 'SIGTERM', target: 'group', times: 2 },
    { moment: MOMENTS.integrationCreation, signal: 'SIGINT', target: 'group', times: 1 },
    { moment: MOMENTS.connectionMaking, signal: 'SIGTERM', target: 'worker', times: 1 },
  ] as const)('leaves no session, connection or integration when $moment.what: $signal to the $target, $times time(s)', async ({ moment, signal, target, times }) => {
    const { run, created, live, resources } = await interruptAt(moment, signal, target, times);
    expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(run.stderr).toContain(`verification interrupted by ${signal}`);
    // The worker's accounting, once it has cleaned up.
    expect(run.stderr).toMatch(/^sessions: (\d+) created, \1 deleted; connections: (\d+) created, \2 deleted; integrations: (\d+) created, \3 deleted \(end user contract-tests-[0-9a-f]{8}\)$/m);
    expect(created).toBeGreaterThan(0);
    expect(live).toBe(0);
    expect(resources).toEqual({ connections: 0, integrations: 0 });
  });

  // The main job's worker verifies while jest runs the consumer tests: Ctrl-C then must end both, cleanly.
  it('leaves no session when the main job is interrupted while its verification runs', async () => {
    const { run, created, live } = await interruptAt(MOMENTS.stateCreation, 'SIGINT', 'group', 1, 'contracts');
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('verification interrupted by SIGINT');
    expect(created).toBeGreaterThan(0);
    expect(live).toBe(0);
  });
});
