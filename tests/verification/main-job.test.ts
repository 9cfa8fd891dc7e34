/**
 * `npm run contracts`, the main job, on a fresh checkout's default: the consumer contract tests write and check
 * the pact while the verification worker loads, then the pact is verified against the embedded reference
 * provider. A passing run is short: jest's summary, the report (piped: no progress line per interaction); Pact's own
 * output is kept back (verification-run.test.ts shows it at LOG_LEVEL=info). Nothing of the verification shows
 * when the consumer tests fail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES, OPERATIONS } from '../../contracts/cases';
import { CONSUMER_JUNIT_FILE } from '../../contracts/cli/consumerTests';
import { JUNIT_FILE, SUMMARY_FILE } from '../../contracts/report/ciReports';
import { runCli } from '../support/runCli';
import { testcasesIn } from '../support/junit';
import { scratchDir } from '../support/scratch';

const reportsDir = () => scratchDir('main-job');

it('runs the consumer contracts, then the provider verification, in 26 lines beside two per interaction and one per operation, and exits 0 when both pass', async () => {
  const dir = reportsDir();
  const run = await runCli('contracts', { REPORTS_DIR: dir });
  const output = run.stdout + run.stderr;
  expect(run.code).toBe(0);
  expect(output).toMatch(/Tests: +\d+ passed, \d+ total/);
  expect(run.stdout).toContain(`Verification PASSED: ${CASES.length} of ${CASES.length} interactions passed`);
  expect(run.stdout.indexOf('== 2/2 provider verification')).toBeGreaterThan(
    run.stdout.indexOf('== 1/2 consumer contracts'),
  );
  // Piped, not a terminal: the table once, no progress line per interaction.
  expect(run.stdout).not.toMatch(/^ {2}\[\d+\/\d+\] /m);
  // Held back until the consumer tests are done, however early the verification finished.
  expect(run.stdout.indexOf('Provider verification of')).toBeGreaterThan(
    run.stdout.indexOf('== 2/2 provider verification'),
  );
  expect(output.trimEnd().split('\n').length).toBeLessThanOrEqual(26 + CASES.length + OPERATIONS.length);
  // Pact's native output and logs are kept back when all passed; no colours off a terminal.
  expect(output).not.toContain('Verifying a pact between');
  expect(output).not.toMatch(/WARN|\u001b\[/);
  expect(testcasesIn(readFileSync(join(dir, JUNIT_FILE), 'utf8'))).toHaveLength(CASES.length);
  expect(testcasesIn(readFileSync(join(dir, CONSUMER_JUNIT_FILE), 'utf8')).length).toBeGreaterThanOrEqual(CASES.length);
  expect(readFileSync(join(dir, SUMMARY_FILE), 'utf8')).toContain('### ✅ Provider verification of');
});

it('stops the verification and shows none of it when the consumer contracts fail', async () => {
  const dir = reportsDir();
  // The consumer tests refuse to rewrite pacts/ in CI: a failing consumer run that touches no file.
  const run = await runCli('contracts', { PACT_UPDATE: 'true', CI: 'true', REPORTS_DIR: dir });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('PACT_UPDATE=true is refused in CI');
  expect(run.stderr).toContain('consumer contracts failed: provider verification stopped, its results not shown');
  expect(run.stdout).not.toContain('== 2/2');
  expect(run.stdout).not.toMatch(/\[\d+\/\d+\]|Verification (PASSED|FAILED)/);
  // The run's own report files say it stopped, and give no verdict of a verification that may have finished.
  expect(readFileSync(join(dir, JUNIT_FILE), 'utf8')).toMatch(
    /<error message="provider verification stopped: the consumer contracts failed"/,
  );
  expect(readFileSync(join(dir, SUMMARY_FILE), 'utf8')).toMatch(
    /^### ❌ Provider verification could not run\n\nprovider verification stopped: the consumer contracts failed/,
  );
  expect(JSON.parse(readFileSync(join(dir, 'verification.json'), 'utf8'))).toMatchObject({
    outcome: 'interrupted',
    passed: false,
    report: null,
  });
});

it('refuses bad settings in one line before running anything', async () => {
  const run = await runCli('contracts', { NANGO_BASE_URL: 'http://localhost:3003' });
  expect(run.code).toBe(2);
  expect(run.stderr.trim()).toBe(
    "contracts could not run: NANGO_BASE_URL is set but NANGO_SECRET_KEY is not: the suite needs the environment's secret key to create connect sessions on http://localhost:3003",
  );
  expect(run.stdout).not.toContain('== 1/2');
});
