/**
 * Interrupting `npm run verify` against a Nango-like provider that is slow to answer: SIGINT or SIGTERM, once or
 * twice, to the parent, the worker or the whole process group (as a terminal's Ctrl-C does), while a session is
 * being created (its answer not yet back), while an integration is created or a connection made for the
 * reconnect case, while the verifier's own request is in flight, and while a clean-up DELETE is. Each time the
 * run exits 130/143 and nothing it created (session, connection, integration) is left on the provider. The same for the
 * main job, whose verification may still be running beside the consumer tests.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import {
  isCreation,
  isDeletion,
  startControllableProvider,
  type ControllableProvider,
  type HoldPoint,
} from '../support/controllableProvider';
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
  /** Held after the provider acted on it (the default), or before. */
  readonly point?: HoldPoint;
  /** The held answer never comes (the default: it comes once the run is stopping). */
  readonly neverAnswered?: boolean;
}

const MOMENTS = {
  preflightCreation: { what: 'the first session is being created', nth: 1, matches: isCreation },
  stateCreation: { what: "a provider state's session is being created", nth: 3, matches: isCreation },
  verifierRequest: { what: "the verifier's own request is in flight", nth: 2, matches: isDeletion },
  cleanUpDeletion: { what: 'a clean-up DELETE is in flight', nth: 3, matches: isDeletion },
  integrationCreation: {
    what: 'an integration is being created',
    nth: 1,
    matches: (request) => request.method === 'POST' && request.url === '/integrations',
  },
  connectionMaking: {
    what: 'a connection is being made through a session',
    nth: 1,
    matches: (request) => request.method === 'POST' && request.url.startsWith('/auth/unauthenticated/'),
  },
} satisfies Record<string, Moment>;

/** The verification worker among the CLI process's children (esbuild's service is one too). */
function workerOf(parent: ChildProcess): number {
  return Number(
    execFileSync('pgrep', ['-P', String(parent.pid), '-f', 'verificationWorker'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0],
  );
}

async function interruptAt(
  moment: Moment,
  signal: NodeJS.Signals,
  target: Target,
  times = 1,
  script: 'verify' | 'contracts' = 'verify',
  env: Record<string, string> = {},
) {
  provider = await startControllableProvider(SECRET);
  const held = provider.holdAt(moment.nth, moment.matches, moment.point);
  let child: ChildProcess | undefined;
  const running = runCli(
    script,
    { NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, ...env },
    { detached: true, onStart: (started) => (child = started) },
  );
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
  if (!moment.neverAnswered) answer.release();
  const run = await running;
  return {
    run,
    created: provider.reference.issuedTokens().length,
    live: provider.reference.liveSessionCount(),
    resources: provider.reference.resourceCounts(),
  };
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
  ] as const)(
    'leaves no session, connection or integration when $moment.what: $signal to the $target, $times time(s)',
    async ({ moment, signal, target, times }) => {
      const { run, created, live, resources } = await interruptAt(moment, signal, target, times);
      expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(run.stderr).toContain(`verification interrupted by ${signal}`);
      // The worker's accounting, once it has cleaned up.
      expect(run.stderr).toMatch(
        /^sessions: (\d+) created, \1 deleted; connections: (\d+) created, \2 deleted; integrations: (\d+) created, \3 deleted \(end user contract-tests-[0-9a-f]{8}\)$/m,
      );
      expect(created).toBeGreaterThan(0);
      expect(live).toBe(0);
      expect(resources).toEqual({ connections: 0, integrations: 0 });
    },
  );

  // The main job's worker verifies while jest runs the consumer tests: Ctrl-C then must end both, cleanly.
  it('leaves no session when the main job is interrupted while its verification runs', async () => {
    const { run, created, live } = await interruptAt(MOMENTS.stateCreation, 'SIGINT', 'group', 1, 'contracts');
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('verification interrupted by SIGINT');
    expect(created).toBeGreaterThan(0);
    expect(live).toBe(0);
  });
});

/** The first interaction's own `POST /connect/sessions` is the run's second (the preflight's is the first). */
const interactionCreation = (request: RecordedRequest): boolean => isCreation(request);
const INTERACTION_CREATION = 2;
const isReconnect = (request: RecordedRequest): boolean =>
  request.method === 'POST' && request.url.startsWith('/connect/sessions/reconnect');

// An interaction's own creating request goes through the recording proxy, not the ledger: the proxy tells the ledger.
describe('interrupting while an interaction’s own request creates a session', () => {
  it.each([
    {
      phase: 'the request is sent, not yet acted on',
      moment: { what: 'request sent', nth: INTERACTION_CREATION, matches: interactionCreation, point: 'before-acting' },
    },
    {
      phase: 'the session is created, its answer not yet sent',
      moment: { what: 'created, not answered', nth: INTERACTION_CREATION, matches: interactionCreation },
    },
    {
      phase: 'it was answered (the clean-up after it under way)',
      moment: { what: 'answered', nth: 1, matches: isDeletion, point: 'before-acting' },
    },
    {
      phase: 'the reconnect interaction’s session is created, its answer not yet sent',
      moment: { what: 'reconnect created', nth: 1, matches: isReconnect },
    },
  ] as const)('leaves nothing when $phase', async ({ moment }) => {
    const { run, created, live, resources } = await interruptAt(moment, 'SIGINT', 'group');
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(
      /^sessions: (\d+) created, \1 deleted; connections: (\d+) created, \2 deleted; integrations: (\d+) created, \3 deleted \(end user contract-tests-[0-9a-f]{8}\)$/m,
    );
    // The interaction's own session is among those the provider made, and it is gone.
    expect(Number(/^sessions: (\d+) created/m.exec(run.stderr)?.[1])).toBe(created);
    expect(live).toBe(0);
    expect(resources).toEqual({ connections: 0, integrations: 0 });
  });

  it('names what may remain when the creation is never answered: the provider holds exactly that', async () => {
    const moment = {
      what: 'never answered',
      nth: INTERACTION_CREATION,
      matches: interactionCreation,
      neverAnswered: true,
    };
    // The interaction's request gives up after NANGO_TIMEOUT_MS, within the interrupted run's wait for it.
    const { run, created, live } = await interruptAt(moment, 'SIGINT', 'group', 1, 'verify', {
      NANGO_TIMEOUT_MS: '1500',
    });
    expect(run.code).toBe(130);
    const [line] = run.stderr.split('\n').filter((text) => text.includes('NOT ALL ACCOUNTED FOR'));
    expect(line).toMatch(
      /^may remain: what 1 request\(s\) in doubt may have created \(POST \/connect\/sessions: no answer from \S+ within 1500 ms; it may have created a session for end user (contract-tests-[0-9a-f]{8})\) of end user \1 on http:\/\/\S+; delete with: curl -X DELETE 'http:\/\/\S+\/connect\/session' -H 'Authorization: Bearer <connect session token>'/,
    );
    // Every session the account counts is gone; the one request in doubt made the one session the provider holds.
    const [, counted, deleted] = /sessions: (\d+) created, (\d+) deleted/.exec(line ?? '') ?? [];
    expect(Number(counted)).toBe(Number(deleted));
    expect(Number(counted)).toBe(created - 1);
    expect(live).toBe(1);
    expect(run.stderr).not.toMatch(/nango_connect_session_[0-9a-f]{64}/);
  });
});
