/** Every CLI refuses a bad LOG_LEVEL the same way, before anything runs: one line naming it, exit 2. */
import { runInProcess, verifyInProcess, type InProcessScript } from '../support/inProcess';

const REFUSAL = 'LOG_LEVEL must be one of trace, debug, info, warn, error (got "loud")';
const SCRIPTS: readonly { script: InProcessScript; label: string }[] = [
  { script: 'contracts:hostile', label: 'contracts:hostile' },
  { script: 'pact:publish', label: 'pact:publish' },
  { script: 'can-i-deploy', label: 'can-i-deploy' },
  { script: 'record-deployment', label: 'record-deployment' },
  { script: 'broker:setup', label: 'broker:setup' },
  { script: 'pact:publish-provider-contract', label: 'pact:publish-provider-contract' },
  { script: 'findings', label: 'findings' },
];

it.each(SCRIPTS)('npm run $script refuses LOG_LEVEL=loud in one line, exit 2', async ({ script, label }) => {
  const run = await runInProcess(script, { LOG_LEVEL: 'loud', PACT_BROKER_BASE_URL: 'http://127.0.0.1:9' });
  expect([run.code, run.stderr, run.stdout]).toEqual([2, `${label} could not run: ${REFUSAL}\n`, '']);
});

it('npm run verify refuses it the same way', async () => {
  const run = await verifyInProcess({ LOG_LEVEL: 'loud' });
  expect([run.code, run.stderr]).toEqual([2, `verification could not run: ${REFUSAL}\n`]);
});
