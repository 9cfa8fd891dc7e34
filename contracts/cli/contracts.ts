/**
 * `npm run contracts`, the main job: the consumer contract tests (which write and check the pact), then the
 * provider verification of that pact with its report. Exits 0 only when both pass.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigurationError } from '../configurationError';
import { settingsFromEnv } from '../verification/settings';
import { verifyAndReport } from './verifyAndReport';

const root = join(__dirname, '..', '..');
try {
  // Bad settings fail here, in one line, not after the consumer tests have run.
  settingsFromEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`contracts could not run: ${error.message}\n`);
  process.exit(2);
}
process.stdout.write('== 1/2 consumer contracts (jest tests/consumer)\n');
const consumer = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), 'tests/consumer'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
});
if (consumer.status !== 0) {
  process.stderr.write('consumer contracts failed: provider verification not run\n');
  process.exitCode = consumer.status ?? 1;
} else {
  process.stdout.write('\n== 2/2 provider verification\n');
  void verifyAndReport(process.env).then((code) => {
    process.exitCode = code;
  });
}
