/**
 * `npm run contracts`, the main job, on a fresh checkout's default: the consumer contract tests write and check
 * the pact, then the pact is verified against the embedded reference provider and the report is printed.
 */
import { CASES } from '../../contracts/cases';
import { runCli } from '../support/runCli';

it('runs the consumer contracts, then the provider verification, and exits 0 when both pass', async () => {
  const run = await runCli('contracts');
  const output = run.stdout + run.stderr;
  expect(output).toContain('== 1/2 consumer contracts');
  expect(output).toMatch(/Tests: +\d+ passed, \d+ total/);
  expect(output).toContain('== 2/2 provider verification');
  expect(run.stdout).toContain(`Verification PASSED: ${CASES.length} of ${CASES.length} interactions passed`);
  expect(output.indexOf('== 2/2')).toBeGreaterThan(output.indexOf('== 1/2'));
  expect(run.code).toBe(0);
});

it('refuses bad settings in one line before running anything', async () => {
  const run = await runCli('contracts', { NANGO_BASE_URL: 'http://localhost:3003' });
  expect(run.code).toBe(2);
  expect(run.stderr.trim()).toBe(
    "contracts could not run: NANGO_BASE_URL is set but NANGO_SECRET_KEY is not: the provider states need the environment's secret key to create connect sessions on http://localhost:3003",
  );
  expect(run.stdout).not.toContain('== 1/2');
});
