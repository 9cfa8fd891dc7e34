/**
 * `npm run bench`: times the pipeline's stages on this machine and prints the figures (no pass/fail).
 * BENCH_RUNS (default 3) runs of each: the consumer contract tests (the time jest reports, and the wall time
 * of the jest process), the provider verification (sum of the report's per-interaction times and
 * the wall time of `npm run verify`), and the whole main job `npm run contracts`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const runs = Number(process.env['BENCH_RUNS'] ?? '3');
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`BENCH_RUNS must be a whole number above 0 (got ${JSON.stringify(process.env['BENCH_RUNS'])})\n`);
  process.exit(2);
}
// Always the embedded default: figures that compare from one machine to the next.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(NANGO_|PACT_)/.test(name)));
env['PACT_DO_NOT_TRACK'] = 'true';

function timed(args: string[]): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0) {
    process.stderr.write(`${args.join(' ')} failed (exit ${result.status ?? 'none'}):\n${result.stderr}\n`);
    process.exit(1);
  }
  return { ms, stdout: result.stdout };
}

const jest = require.resolve('jest/bin/jest');
const samples: Record<string, number[]> = {};
const record = (name: string, ms: number) => (samples[name] ??= []).push(ms);

for (let run = 0; run < runs; run += 1) {
  const consumer = timed([jest, 'tests/consumer', '--json', '--silent']);
  const results = JSON.parse(consumer.stdout) as { startTime: number; testResults: Array<{ endTime: number }> };
  record('consumer tests: jest time (as jest prints it)', Math.max(...results.testResults.map((file) => file.endTime)) - results.startTime);
  record('consumer tests: jest process, wall', consumer.ms);

  const verify = timed(['--require', 'esbuild-register', 'contracts/cli/verify.ts']);
  const rowTimes = [...verify.stdout.matchAll(/ (\d+) ms$/gm)].map((match) => Number(match[1]));
  record(`verification: ${rowTimes.length} interactions, sum of report times`, rowTimes.reduce((sum, ms) => sum + ms, 0));
  record('verification: npm run verify, wall', verify.ms);

  record('main job: npm run contracts, wall', timed(['--require', 'esbuild-register', 'contracts/cli/contracts.ts']).ms);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
process.stdout.write(`Pipeline timings over ${runs} run(s), in ms (min / median / max)\n`);
for (const [name, values] of Object.entries(samples)) {
  const figures = [Math.min(...values), median(values), Math.max(...values)].map((ms) => String(Math.round(ms)).padStart(6));
  process.stdout.write(`${name.padEnd(48)} ${figures.join(' /')}\n`);
}
