/**
 * `npm run bench`: times the pipeline's stages on this machine, in the same run as the floor (a bare `node`
 * loading @pact-foundation/pact), and prints each stage's median and its ratio to the floor (no pass/fail).
 * BENCH_RUNS (default 5) runs of each stage; BENCH_NPM_TEST=true adds `npm test` (once per run: it is long).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { booleanFrom, wholeNumber } from '../env';
import { PROJECT_ROOT } from '../projectRoot';

const root = PROJECT_ROOT;
let runs: number;
let withNpmTest: boolean;
try {
  runs = wholeNumber(process.env, 'BENCH_RUNS', 5, 1, 'runs');
  withNpmTest = booleanFrom(process.env, 'BENCH_NPM_TEST', false);
} catch (error) {
  process.stderr.write(`bench could not run: ${(error as Error).message}\n`);
  process.exit(2);
}
// Always the embedded default: figures that compare from one machine to the next.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(NANGO_|PACT_|LOG_LEVEL$|GITHUB_STEP_SUMMARY$)/.test(name)));
env['PACT_DO_NOT_TRACK'] = 'true';
env['HOSTILE_SEED'] = '20261202';

interface Stage {
  readonly name: string;
  readonly command: readonly string[];
}
const node = process.execPath;
const STAGES: Stage[] = [
  { name: 'floor: node loading @pact-foundation/pact', command: [node, '-e', "require('@pact-foundation/pact')"] },
  { name: 'consumer tests: npx jest tests/consumer', command: [node, require.resolve('jest/bin/jest'), 'tests/consumer', '--silent'] },
  // As their npm scripts start them, less npm's own start-up.
  { name: 'verification: npm run verify', command: [node, 'contracts/cli/bundled.js', 'verify'] },
  { name: 'main job: npm run contracts', command: [node, 'contracts/cli/bundled.js', 'contracts'] },
  // 1,000 cases across the eight operations of the Connect flow (HOSTILE_SEED fixed below: the same cases every run).
  { name: 'hostile: npm run contracts:hostile', command: [node, 'contracts/cli/bundled.js', 'hostile'] },
  ...(withNpmTest ? [{ name: 'npm test', command: ['npm', 'test', '--silent'] }] : []),
];

function timed(command: readonly string[]): number {
  const [file = node, ...args] = command;
  const started = performance.now();
  const result = spawnSync(file, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0) {
    process.stderr.write(`${command.join(' ')} failed (exit ${result.status ?? 'none'}):\n${result.stdout}\n${result.stderr}\n`);
    process.exit(1);
  }
  return ms;
}

// Interleaved, so a machine that slows down mid-run weighs on every stage alike.
const samples = new Map<string, number[]>(STAGES.map((stage) => [stage.name, []]));
for (let run = 0; run < runs; run += 1) for (const stage of STAGES) samples.get(stage.name)?.push(timed(stage.command));

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const floor = median(samples.get(STAGES[0]?.name ?? '') ?? []);
const [cpu] = cpus();
process.stdout.write(`${runs} run(s) on ${cpus().length} × ${cpu?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; wall times in ms\n`);
process.stdout.write(`${'stage'.padEnd(44)} ${'min'.padStart(6)} ${'median'.padStart(7)} ${'max'.padStart(6)}  × floor\n`);
for (const [name, values] of samples) {
  const mid = median(values);
  const figures = `${String(Math.round(Math.min(...values))).padStart(6)} ${String(Math.round(mid)).padStart(7)} ${String(Math.round(Math.max(...values))).padStart(6)}`;
  process.stdout.write(`${name.padEnd(44)} ${figures}  ${(mid / floor).toFixed(1).padStart(6)}\n`);
}
