/**
 * The verification worker gets the settings its parent parsed, as data, never the environment to parse again: a bad
 * value is the parent's one line before any worker starts; the run message carries the settings; the worker
 * process starts with Pact's own variables made from them and none that pact-core would read as a setting; the
 * worker's source reads no setting from the environment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyAndReport } from '../../contracts/cli/verifyAndReport';
import type { CliIo } from '../../contracts/output/cliIo';
import { NO_CA_STORE } from '../../contracts/verification/caStore';
import {
  spawnVerificationWorker,
  type VerificationWorker,
  type WorkerLauncher,
} from '../../contracts/verification/worker/runWorker';
import { PACT_READS } from '../../contracts/verification/worker/pactEnvironment';
import type { ParentMessage, WorkerSettings } from '../../contracts/verification/worker/workerProtocol';
import { cliEnv, ROOT } from '../support/runCli';

/** A launcher that starts nothing: it keeps what it was given and answers that the run could not go on. */
function recordingLauncher(): { launch: WorkerLauncher; given: WorkerSettings[] } {
  const given: WorkerSettings[] = [];
  const launch: WorkerLauncher = (settings): VerificationWorker => {
    given.push(settings);
    return {
      go: () => undefined,
      interrupt: () => undefined,
      done: Promise.resolve({
        outcome: { kind: 'error', message: 'no worker in this test' },
        redact: (text: string) => text,
        interruptedBy: undefined,
        nativeOutput: [],
      }),
    };
  };
  return { launch, given };
}

function capture(env: Record<string, string>): { io: CliIo; stderr: () => string } {
  let stderr = '';
  const io: CliIo = {
    env: cliEnv(env),
    cwd: ROOT,
    stdout: { write: () => true },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
  };
  return { io, stderr: () => stderr };
}

it('refuses a bad setting in the parent, in one line, before any worker starts', async () => {
  const { launch, given } = recordingLauncher();
  const { io, stderr } = capture({ NANGO_TIMEOUT_MS: 'soon' });
  expect(await verifyAndReport(io, launch)).toBe(2);
  expect(given).toEqual([]);
  expect(stderr()).toMatch(/^verification could not run: NANGO_TIMEOUT_MS [^\n]*\n$/);
});

it('hands the worker parsed settings, and Pact the variables it reads itself, made from them', async () => {
  const { launch, given } = recordingLauncher();
  const { io } = capture({ NANGO_TIMEOUT_MS: '1234', PACT_DESCRIPTION: 'fixture', LOG_LEVEL: 'ERROR' });
  expect(await verifyAndReport(io, launch)).toBe(2);
  expect(given).toHaveLength(1);
  const [settings] = given;
  expect(settings?.verification).toMatchObject({
    timeoutMs: 1234,
    logLevel: 'error',
    filter: { description: 'fixture' },
    target: { kind: 'embedded' },
  });
  expect(settings?.pactEnv).toEqual({
    LOG_LEVEL: 'error',
    PACT_DESCRIPTION: 'fixture',
    PACT_DO_NOT_TRACK: 'true',
    ...NO_CA_STORE,
  });
  // Plain data: what IPC carries is what was parsed.
  expect(JSON.parse(JSON.stringify(settings))).toEqual(settings);
});

it('sends the run its settings over IPC and starts the worker with no setting pact-core would read as its own', async () => {
  const env = {
    ...cliEnv({}),
    NANGO_SECRET_KEY: 'sk-never-in-the-worker-env',
    PACT_BROKER_BASE_URL: 'http://127.0.0.1:1',
    PACT_BROKER_TOKEN: 'broker-token-never-in-the-worker-env',
    PACT_DESCRIPTION: 'stale',
    LOG_LEVEL: 'debug',
  };
  const settings: WorkerSettings = {
    verification: {
      target: { kind: 'remote', baseUrl: 'http://127.0.0.1:1', secretKey: 'sk-never-in-the-worker-env' },
      timeoutMs: 1234,
      rateLimitWaitMs: 0,
      logLevel: 'error',
      source: { kind: 'file', file: join(ROOT, 'pacts', 'x.json') },
      publish: undefined,
      filter: undefined,
      closedResponses: false,
    },
    knownFindings: [{ check: 'schema', reason: 'a finding the parent read' }],
    pactEnv: { LOG_LEVEL: 'error', PACT_DO_NOT_TRACK: 'true' },
  };
  const worker = spawnVerificationWorker(env, settings.pactEnv, {
    script: join(__dirname, '..', 'support', 'echoWorker.cjs'),
  });
  const run = await worker.run(settings, env, ROOT, {}, { last: true }).done;
  expect(run.outcome.kind).toBe('error');
  const echoed = JSON.parse(run.outcome.kind === 'error' ? run.outcome.message : '{}') as {
    message: ParentMessage;
    env: Record<string, string>;
  };
  expect(echoed.message).toEqual({
    kind: 'run',
    settings: JSON.parse(JSON.stringify(settings)),
    embeddedSecret: expect.stringMatching(/^[0-9a-f]{48}$/),
    cwd: ROOT,
    last: true,
  });
  expect(echoed.env).toMatchObject({ LOG_LEVEL: 'error', PACT_DO_NOT_TRACK: 'true' });
  for (const name of ['NANGO_SECRET_KEY', 'PACT_BROKER_BASE_URL', 'PACT_BROKER_TOKEN', 'PACT_DESCRIPTION'])
    expect(echoed.env[name]).toBeUndefined();
});

it('the worker reads no setting from the environment: it only sets the variables Pact reads itself', () => {
  const source = readFileSync(join(ROOT, 'contracts', 'verification', 'worker', 'verificationWorker.ts'), 'utf8');
  expect(source).not.toMatch(/settingsFromEnv|knownFindingsFile|logLevelFrom|from '\.\.\/settings'/);
  // Its one touch of process.env: Pact's telemetry off, before Pact loads.
  expect(source.match(/process\.env[^\n]*/g)).toEqual(["process.env['PACT_DO_NOT_TRACK'] = 'true';"]);
  expect(PACT_READS).toEqual(
    expect.arrayContaining(['LOG_LEVEL', 'PACT_DESCRIPTION', 'PACT_PROVIDER_STATE', 'PACT_PROVIDER_NO_STATE']),
  );
});
