/**
 * Child process of `npm run verify` / `npm run contracts`: runs the Pact verifier, whose native output the
 * parent redacts, and sends the report back over IPC. Not meant to be started by hand.
 */
import { randomBytes } from 'node:crypto';
import { PROVIDER } from '../cases';
import { nangoValidators } from '../nangoApi';
import { startReferenceProvider } from '../provider/referenceProvider';
import { RateLimitBudget } from '../verification/rateLimit';
import { RunStop } from '../verification/runStop';
import { SessionAdmin } from '../verification/sessionAdmin';
import { SessionLedger } from '../verification/sessionLedger';
import { settingsFromEnv } from '../verification/settings';
import { EMBEDDED_SECRET_ENV, WAIT_FOR_GO_ARG, type ParentMessage, type WorkerMessage } from '../verification/workerProtocol';

process.env['PACT_DO_NOT_TRACK'] = 'true';

/** Resolves on the parent's `go`; at once when the worker was not told to wait. */
function parentSaysGo(): Promise<void> {
  if (!process.argv.includes(WAIT_FOR_GO_ARG)) return Promise.resolve();
  return new Promise((go) => {
    const onMessage = (message: ParentMessage) => {
      if (message.kind !== 'go') return;
      process.off('message', onMessage);
      go();
    };
    process.on('message', onMessage);
  });
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send) {
      process.stderr.write('the verification worker must be started by its parent (npm run verify)\n');
      process.exit(2);
    }
    process.send(message, () => done());
  });
}

async function main(): Promise<void> {
  // Settings first: Pact reads LOG_LEVEL as it loads, and must not be the one to say it is wrong.
  const settings = settingsFromEnv(process.env);
  // pact-core adds a broker source of its own whenever this is set: the settings say where pacts come from.
  delete process.env['PACT_BROKER_BASE_URL'];
  const { verifyPact } = require('../verification/verifyPact') as typeof import('../verification/verifyPact');
  const embeddedSecret = process.env[EMBEDDED_SECRET_ENV] || randomBytes(24).toString('hex');
  const embedded = settings.target.kind === 'embedded' ? await startReferenceProvider({ secretKey: embeddedSecret }) : undefined;
  const providerUrl = settings.target.kind === 'remote' ? settings.target.baseUrl : (embedded?.url ?? '');
  const secretKey = settings.target.kind === 'remote' ? settings.target.secretKey : embeddedSecret;
  const validators = nangoValidators();
  const budget = new RateLimitBudget(settings.rateLimitWaitMs);
  const ledger = new SessionLedger(new SessionAdmin(providerUrl, secretKey, settings.timeoutMs, budget, `contract-tests-${randomBytes(4).toString('hex')}`));
  const stop = new RunStop();
  stop.whenStopped().catch(() => {
    ledger.stop();
    budget.stop();
  });

  // Interrupted: stop the run (no new session, the verifier left waiting), delete every session it created,
  // creations in flight included, then die of the same signal. process.exit() would wait for the native
  // verifier's request in flight; the signal's default action does not. A second signal (Ctrl-C reaches the
  // parent too, which passes it on) must not cut the clean-up short.
  let interruptedBy: NodeJS.Signals | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interruptedBy) return;
    interruptedBy = signal;
    stop.stop(new InterruptedError(signal));
    process.stderr.write(`\n${signal}: deleting ${ledger.openCount} open connect session(s) before stopping\n`);
    void ledger
      .cleanUp()
      .then((problems) => problems.forEach((problem) => process.stderr.write(`${problem}\n`)))
      .finally(() => {
        process.removeAllListeners('SIGINT').removeAllListeners('SIGTERM');
        process.kill(process.pid, signal);
      });
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  // A parent that died without a word (SIGKILL) leaves nobody to report to: clean up as on SIGTERM.
  process.once('disconnect', () => interrupt('SIGTERM'));

  try {
    // Pact, the validators and the provider are ready: the main job has them load while its consumer tests run.
    await Promise.race([parentSaysGo(), stop.whenStopped()]);
    const report = await verifyPact({
      source: settings.source,
      provider: PROVIDER,
      providerUrl,
      providerLabel: embedded ? 'the embedded reference provider' : 'Nango',
      timeoutMs: settings.timeoutMs,
      logLevel: settings.logLevel,
      validators,
      ledger,
      publish: settings.publish,
      budget,
      stop,
      onInteractionDone: (progress) => void send({ kind: 'progress', progress }),
    });
    await send({ kind: 'report', report });
  } catch (error) {
    if (error instanceof InterruptedError) return new Promise<void>(() => undefined); // the signal handler ends the process
    if (!stop.stopped) throw error;
    // Stopped on a rate limit: the verifier is left waiting and must never get to publish, so no process.exit().
    const { created, deleted, endUserId } = ledger.account;
    await send({ kind: 'error', message: `${(error as Error).message}; nothing was published; sessions: ${created} created, ${deleted} deleted (end user ${endUserId})` });
    process.kill(process.pid, 'SIGKILL');
  } finally {
    await embedded?.close();
  }
}

/** The run was stopped by a signal; the signal handler cleans up and ends the process. */
class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(0);
  },
);
