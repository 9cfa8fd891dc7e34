/**
 * Child process of `npm run verify` / `npm run contracts`: loads Pact and the validators at once, then runs each
 * verification its parent sends, with the settings the parent parsed and in the folder it names (the CLIs send one
 * and the worker exits after it; a test file sends many). It reads no setting from the environment: it only sets,
 * from the run's settings, the variables Pact reads itself (pactEnvironment.ts). Pact's native output reaches the
 * parent, which redacts it, through the pipes; the report goes back over IPC. Not meant to be started by hand.
 */
import { PROVIDER, nangoValidators } from '../../cases';
import { matchKnown } from '../../knownFindings';
import { openLiveRun } from '../../live/liveRun';
import type { RunStop } from '../../live/runStop';
import { sessionsAccountedFor, sessionsLine, type SessionLedger } from '../../live/sessionLedger';
import { adoptPactEnvironment } from './pactEnvironment';
import { END_OF_RUN, type ParentMessage, type WorkerMessage } from './workerProtocol';
import { ContractsError } from '../../errors';
import { exitCodeOf } from '../../output/exitCode';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send) {
      process.stderr.write('the verification worker must be started by its parent (npm run verify)\n');
      process.exit(2);
    }
    process.send(message, () => done());
  });
}

// Its parent started it with Pact's variables (workerProcessEnv): LOG_LEVEL among them, checked there, as Pact
// reads it as it loads; none that pact-core would take as a setting of its own (a broker, its credentials).
process.env['PACT_DO_NOT_TRACK'] = 'true';
const { verifyPact } = require('../verifyPact') as typeof import('../verifyPact');
const validators = nangoValidators();

/** The run in progress, which an interruption must clean up after. */
let current: { readonly ledger: SessionLedger; readonly stop: RunStop } | undefined;
let interruptedBy: NodeJS.Signals | undefined;

// Interrupted: stop the run (no new session, the verifier left waiting), delete every session it created,
// creations in flight included, then die of the same signal. process.exit() would wait for the native
// verifier's request in flight; the signal's default action does not. A second signal (Ctrl-C reaches the
// parent too, which passes it on) must not cut the clean-up short.
function interrupt(signal: NodeJS.Signals): void {
  if (interruptedBy) return;
  interruptedBy = signal;
  const run = current;
  if (!run) return dieOf(signal);
  run.stop.stop(new InterruptedError(signal));
  run.ledger.hurry();
  process.stderr.write(
    `\n${signal}: deleting ${run.ledger.openCount} open connect session(s), connection(s) and integration(s) before stopping\n`,
  );
  void run.ledger
    .cleanUp()
    .then((problems) => problems.forEach((problem) => process.stderr.write(`${problem}\n`)))
    .finally(() => {
      process.stderr.write(`${sessionsLine(run.ledger.account)}\n`);
      dieOf(signal);
    });
}

function dieOf(signal: NodeJS.Signals): void {
  process.removeAllListeners('SIGINT').removeAllListeners('SIGTERM');
  process.kill(process.pid, signal);
}

process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);
// A parent that died without a word (SIGKILL) leaves nobody to report to: clean up as on SIGTERM.
process.once('disconnect', () => interrupt('SIGTERM'));

/** Makes this process look as a fresh one started for the run would, to Pact: its variables, its folder. */
function adopt(run: ParentMessage): void {
  adoptPactEnvironment(run.settings.pactEnv);
  process.chdir(run.cwd);
}

async function verify(run: ParentMessage): Promise<WorkerMessage> {
  const { verification: settings, knownFindings } = run.settings;
  adopt(run);
  const live = await openLiveRun(settings, { embeddedSecret: run.embeddedSecret });
  const { ledger, stop } = live;
  const today = new Date().toISOString().slice(0, 10);
  current = { ledger, stop };
  try {
    const report = await verifyPact({
      source: settings.source,
      provider: PROVIDER,
      providerUrl: live.baseUrl,
      providerLabel: live.label,
      secretKey: live.secretKey,
      timeoutMs: settings.timeoutMs,
      logLevel: settings.logLevel,
      validators,
      closedResponses: settings.closedResponses,
      ledger,
      publish: settings.publish,
      budget: live.budget,
      stop,
      acceptsSchemaProblem: ({ status, problem }) => {
        const match = matchKnown(knownFindings, { check: 'schema', status, text: problem }, today);
        return match !== undefined && !match.expired;
      },
      onInteractionDone: (progress) => void send({ kind: 'progress', progress }),
      filter: settings.filter,
    });
    return { kind: 'report', report };
  } catch (error) {
    if (error instanceof InterruptedError) return new Promise<never>(() => undefined); // the signal handler ends the process
    if (!stop.stopped) throw error;
    // Stopped on a rate limit: the verifier is left waiting and must never get to publish, so this process
    // cannot go on, nor exit the gentle way; SIGKILL once the parent has the reason. No end-of-run marker: the
    // run ends when the process does, so no next run is handed to it.
    // What may remain, when anything may, is the first thing said.
    const stopped = `${(error as Error).message}; nothing was published`;
    await send({
      kind: 'error',
      message: sessionsAccountedFor(ledger.account)
        ? `${stopped}; ${sessionsLine(ledger.account)}`
        : `${sessionsLine(ledger.account)}; ${stopped}`,
    });
    process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => undefined);
  } finally {
    if (!interruptedBy) current = undefined;
    await live.close();
  }
}

function endOfRun(): void {
  // Synchronous on pipes: after everything the verifier wrote for this run.
  process.stdout.write(`${END_OF_RUN}\n`);
  process.stderr.write(`${END_OF_RUN}\n`);
}

/** Runs one after the other, each told back in full before the next starts. */
let queue = Promise.resolve();
process.on('message', (run: ParentMessage) => {
  if (run.kind !== 'run') return;
  queue = queue.then(async () => {
    const outcome = await verify(run).catch((error: unknown): WorkerMessage => ({
      kind: 'error',
      message: error instanceof Error ? error.message : String(error),
    }));
    await send(outcome);
    endOfRun();
    // The native verifier may keep handles open: a CLI's worker ends here, whatever is left.
    if (run.last) process.exit(0);
  });
});

/** The run was stopped by a signal; the signal handler cleans up and ends the process. */
class InterruptedError extends ContractsError {
  override name = 'InterruptedError';
  override readonly exitCode: number;
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.exitCode = exitCodeOf(signal);
  }
}
