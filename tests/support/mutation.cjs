// `npm run mutation [-- <module>]`: one StrykerJS run per module of stryker.config.cjs (MUTATE, or the argument,
// names one), each against that module's tests alone; then every module's score from its JSON report. Exit 1 when
// a module is under the threshold or its run failed, 2 on a module the config does not mutate.
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, 'stryker.config.cjs');

/** The Stryker options stryker.config.cjs gives for MUTATE=`mutate` (every module when empty). */
function configFor(mutate) {
  const before = process.env['MUTATE'];
  process.env['MUTATE'] = mutate;
  delete require.cache[CONFIG];
  try {
    return require(CONFIG);
  } finally {
    if (before === undefined) delete process.env['MUTATE'];
    else process.env['MUTATE'] = before;
  }
}

/** Killed (timeouts count as killed), survived, not covered and ignored (equivalent) mutants of a JSON report. */
function counts(reportFile) {
  const report = JSON.parse(readFileSync(join(ROOT, reportFile), 'utf8'));
  const tally = { killed: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) {
      if (mutant.status === 'Killed' || mutant.status === 'Timeout') tally.killed += 1;
      else if (mutant.status === 'Survived') tally.survived += 1;
      else if (mutant.status === 'NoCoverage') tally.noCoverage += 1;
      else if (mutant.status === 'Ignored') tally.ignored += 1;
      else tally.errors += 1;
    }
  }
  return tally;
}

const asked = process.argv[2] ?? process.env['MUTATE'] ?? '';
const modules = configFor(asked).mutate;
const lines = [];
let failed = false;
for (const module of modules) {
  process.stdout.write(`\n== mutating ${module}\n`);
  const run = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', CONFIG],
    {
      cwd: ROOT,
      env: { ...process.env, MUTATE: module, PACT_DO_NOT_TRACK: 'true' },
      stdio: 'inherit',
    },
  );
  let line;
  try {
    const { killed, survived, noCoverage, ignored } = counts(configFor(module).jsonReporter.fileName);
    const score = (100 * killed) / (killed + survived + noCoverage || 1);
    line = `${module}: ${score.toFixed(1)}% (${killed} killed, ${survived} survived, ${noCoverage} not covered, ${ignored} equivalent)`;
  } catch (error) {
    line = `${module}: no report (${error.message.split('\n')[0]})`;
  }
  if (run.status !== 0) failed = true;
  lines.push(run.status === 0 ? line : `${line}: FAILED (stryker exited ${run.status ?? run.signal})`);
}
process.stdout.write(`\n== mutation scores\n${lines.join('\n')}\n`);
process.exit(failed ? 1 : 0);
