// @ts-check
/**
 * StrykerJS mutates the modules that keep users safe and runs, against each mutant, only the test files that
 * exercise that module (the whole suite would take an hour on two cores). `MUTATE` names the module (several,
 * separated by commas, share one run and all their tests); `npm run mutation` (tests/support/mutation.cjs) runs
 * Stryker once per module and prints each module's score.
 *
 * Equivalent mutants (no test can tell them from the source) are accepted in the source, each where it is, with
 * `// Stryker disable next-line <mutator>: <why>`: `grep -rn "Stryker disable" contracts` lists them. Stryker
 * counts them as ignored, outside the score.
 */

/**
 * Each mutated module: the test files that pin its behaviour, and whether they start pooled verification workers
 * (which outlive a test run, so each mutant then needs a fresh jest process, else the worker keeps the first one).
 */
const MODULES = {
  'contracts/output/redaction.ts': { tests: ['tests/output/redaction.test.ts'], pooledWorkers: false },
  'contracts/knownFindings.ts': { tests: ['tests/report/known-findings-rules.test.ts'], pooledWorkers: false },
  'contracts/live/rateLimit.ts': { tests: ['tests/live/rate-limit-budget.test.ts'], pooledWorkers: false },
  'contracts/live/sessionLedger.ts': { tests: ['tests/live/session-ledger.test.ts'], pooledWorkers: false },
  'contracts/live/sessionAdmin.ts': { tests: ['tests/live/session-admin.test.ts'], pooledWorkers: false },
  'contracts/hostile/checks.ts': { tests: ['tests/hostile/checks.test.ts'], pooledWorkers: false },
  'contracts/openapi/responseValidators.ts': {
    tests: ['tests/openapi/response-validators.test.ts', 'tests/openapi/undocumented-properties.test.ts'],
    pooledWorkers: false,
  },
};
/** @typedef {keyof typeof MODULES} Module */

const chosen = (process.env['MUTATE'] ?? '')
  .split(',')
  .map((module) => module.trim())
  .filter((module) => module !== '');
const unknown = chosen.filter((module) => !(module in MODULES));
if (unknown.length > 0) {
  process.stderr.write(
    `MUTATE names ${unknown.join(', ')}, which npm run mutation does not mutate (it mutates ${Object.keys(MODULES).join(', ')})\n`,
  );
  process.exit(2);
}
const mutate = /** @type {Module[]} */ (chosen.length > 0 ? chosen : Object.keys(MODULES));
const testFiles = [...new Set(mutate.flatMap((module) => MODULES[module].tests))];
const pooledWorkers = mutate.some((module) => MODULES[module].pooledWorkers);
/** reports/mutation/live-rateLimit.{json,html} for contracts/live/rateLimit.ts; `all` for several modules. */
const reportName =
  mutate.length === 1
    ? mutate[0]
        .replace(/^contracts\//, '')
        .replace(/\.ts$/, '')
        .replace(/\//g, '-')
    : 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
module.exports = {
  mutate,
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.ts',
    // The chosen test files, not those jest finds related through imports (most of the suite).
    enableFindRelatedTests: false,
    config: {
      testMatch: testFiles.map((file) => `**/${file}`),
      // Resolved from the sandbox Stryker runs in.
      testEnvironment: './tests/support/verificationEnvironment.cjs',
      maxWorkers: 1,
    },
  },
  // perTest gave false kills (a test reading a file an earlier test writes); `all` gives true ones.
  coverageAnalysis: 'all',
  // A pooled verification worker outlives a run and would keep the mutant it started with: one jest process a mutant.
  maxTestRunnerReuse: pooledWorkers ? 1 : 0,
  // Two cores shared with other work; STRYKER_CONCURRENCY=1 when something else runs on them too.
  concurrency: Number(process.env['STRYKER_CONCURRENCY'] ?? 2),
  timeoutMS: 30_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
  jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  // Each module holds 90% (killed over killed, survived and not covered; equivalents ignored): below it the run fails.
  thresholds: { high: 90, low: 80, break: 90 },
  cleanTempDir: 'always',
};
