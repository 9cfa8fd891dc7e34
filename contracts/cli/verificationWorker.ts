/**
 * Child process of `npm run verify` / `npm run contracts`: runs the Pact verifier, whose native output the
 * parent redacts, and sends the report back over IPC. Not meant to be started by hand.
 */
import { randomBytes } from 'node:crypto';
import { PROVIDER } from '../cases';
import { nangoValidators } from '../nangoApi';
import { startReferenceProvider } from '../provider/referenceProvider';
import { SessionAdmin } from '../verification/sessionAdmin';
import { SessionLedger } from '../verification/sessionLedger';
import { settingsFromEnv } from '../verification/settings';
import { verifyPact } from '../verification/verifyPact';
import { EMBEDDED_SECRET_ENV, type WorkerMessage } from '../verification/workerProtocol';

process.env['PACT_DO_NOT_TRACK'] = 'true';

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
  const settings = settingsFromEnv(process.env);
  // pact-core adds a broker source of its own whenever this is set: the settings say where pacts come from.
  delete process.env['PACT_BROKER_BASE_URL'];
  const embeddedSecret = process.env[EMBEDDED_SECRET_ENV] || randomBytes(24).toString('hex');
  const embedded = settings.target.kind === 'embedded' ? await startReferenceProvider({ secretKey: embeddedSecret }) : undefined;
  const providerUrl = settings.target.kind === 'remote' ? settings.target.baseUrl : (embedded?.url ?? '');
  const secretKey = settings.target.kind === 'remote' ? settings.target.secretKey : embeddedSecret;
  const ledger = new SessionLedger(new SessionAdmin(providerUrl, secretKey, settings.timeoutMs));

  // Interrupted: delete every session the states created, then die of the same signal. process.exit() would
  // wait for the native verifier's request in flight; the signal's default action does not. A second signal
  // (Ctrl-C reaches the parent too, which passes it on) must not cut the clean-up short.
  let stopping = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
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

  try {
    const report = await verifyPact({
      source: settings.source,
      provider: PROVIDER,
      providerUrl,
      providerLabel: embedded ? 'the embedded reference provider' : 'Nango',
      timeoutMs: settings.timeoutMs,
      logLevel: settings.logLevel,
      validators: nangoValidators(),
      ledger,
      publish: settings.publish,
    });
    await send({ kind: 'report', report });
  } finally {
    await embedded?.close();
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(0);
  },
);
