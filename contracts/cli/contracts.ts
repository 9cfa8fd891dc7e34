/**
 * `npm run contracts`, the main job: the consumer contract tests (which write and check the pact), then the
 * provider verification of that pact with its report. Exits 0 only when both pass.
 *
 * The verification worker starts first and, while jest runs the consumer tests, loads Pact, compiles the
 * validators and starts the provider. When it may verify at once (it publishes nothing and the pact is not being
 * rewritten) it does: the consumer tests then prove that the committed pact it reads is the one they write.
 * Either way nothing it prints is shown, and no verdict counts, unless the consumer tests pass.
 */
import { processIo } from '../output/cliIo';
import { exitCodeOf } from '../output/exitCode';
import { ContractsError } from '../errors';
import { booleanFrom, read } from '../env';
import { reportsDir } from '../report/evidenceFile';
import type { VerificationSettings } from '../verification/settings';
import { runConsumerTests } from './consumerTests';
import { noArguments, startVerification, type Verification } from './verifyAndReport';
import { PROJECT_ROOT } from '../projectRoot';
import { watchParent } from '../live/parentWatch';

// Jest's colours follow FORCE_COLOR, not NO_COLOR.
if (read(process.env, 'NO_COLOR') !== undefined) process.env['FORCE_COLOR'] = '0';

const CONTRACTS_USAGE =
  'usage: npm run contracts (no arguments: the consumer tests, then the provider verification; the environment chooses the rest, see docs/configuration.md)';

async function main(): Promise<number> {
  const refused = noArguments(process.argv.slice(2), CONTRACTS_USAGE, 'contracts', processIo());
  if (refused !== undefined) return refused;
  let verification: Verification;
  try {
    // Nothing is published, and no pact is read that the consumer tests are rewriting, before they pass.
    const waitForRelease = (settings: VerificationSettings) =>
      settings.publish !== undefined || booleanFrom(process.env, 'PACT_UPDATE', false);
    verification = startVerification(processIo(), { held: true, waitForRelease });
  } catch (error) {
    if (!(error instanceof ContractsError)) throw error;
    process.stderr.write(`contracts could not run: ${error.userLine}\n`);
    return error.exitCode;
  }
  // Ctrl-C (which reaches the whole group, jest's consumer tests included, and may fail them) or SIGTERM: the
  // worker, told by the terminal or by runWorker, cleans up and dies of it; then the job ends at once, as
  // interrupted, whatever the consumer tests answered, and shows no verdict of a verification that may have
  // finished before them.
  const interrupted = (signal: NodeJS.Signals) => {
    void verification.exitCode.then(() => {
      verification.discard();
      verification.release();
      process.stderr.write(`contracts interrupted by ${signal}\n`);
      process.exit(exitCodeOf(signal));
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  // npm gone, nobody is left to pass a signal on: stop as on SIGTERM.
  watchParent(() => process.kill(process.pid, 'SIGTERM'));

  process.stdout.write('== 1/2 consumer contracts (jest tests/consumer)\n');
  const consumerPassed = await runConsumerTests(PROJECT_ROOT, reportsDir(process.env), verification.verbose);
  if (!consumerPassed) {
    verification.cancel();
    verification.release();
    await verification.exitCode;
    process.stderr.write('consumer contracts failed: provider verification stopped, its results not shown\n');
    return 1;
  }
  process.stdout.write('\n== 2/2 provider verification\n');
  verification.release();
  return verification.exitCode;
}

// Once the verdict is out and written, the job is done: jest's default reporter leaves a 100-ms timer behind (its
// status debounce), which would hold the process that long for nothing.
void main().then((code) => {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
