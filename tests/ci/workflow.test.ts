/**
 * The CI pipeline users copy (.github/workflows/contracts.yml) is a valid GitHub workflow, as the offline
 * action-validator judges it against GitHub's schema, and every `npm run <script>` it calls exists in
 * package.json. Both checks are shown to fail on a workflow that breaks them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { isJsonObject, type JsonValue } from '../../contracts/json';
import { ROOT } from '../support/runCli';
import { scratchDir } from '../support/scratch';

const WORKFLOW = join(ROOT, '.github', 'workflows', 'contracts.yml');
const VALIDATOR = join(dirname(require.resolve('@action-validator/cli/package.json')), 'cli.mjs');
const SCRIPTS = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

function validate(file: string): { code: number | null; output: string } {
  const run = spawnSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' });
  return { code: run.status, output: run.stdout + run.stderr };
}

/** Every `run:` of every step, in order. */
function runLines(workflowText: string): string[] {
  const found: string[] = [];
  const visit = (node: JsonValue | undefined): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isJsonObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'run' && typeof value === 'string') found.push(value);
        else visit(value);
      }
    }
  };
  visit(parse(workflowText) as JsonValue);
  return found;
}

/** The npm scripts the workflow calls that package.json does not have. */
function missingScripts(workflowText: string): string[] {
  const called = runLines(workflowText).flatMap((line) =>
    [...line.matchAll(/\bnpm run(?: -s)? ([\w:.-]+)/g)].map((match) => match[1] ?? ''),
  );
  return called.filter((script) => !SCRIPTS.includes(script));
}

/**
 * What is wrong with the Nodes the workflow runs on: the test job's matrix must start at the major of the oldest
 * Node package.json's engines accept and hold the major .nvmrc pins (the Node .ci/run fetches), and every other job
 * that sets up Node takes .nvmrc's.
 */
function nodeProblems(workflowText: string): string[] {
  const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } })
    .engines.node;
  const oldest = Number(/^>=(\d+)(\.\d+)*$/.exec(engines)?.[1]);
  const pinned = Number(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim().split('.')[0]);
  const workflow = parse(workflowText) as {
    jobs: Record<
      string,
      { strategy?: { matrix?: { node?: number[] } }; steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }
    >;
  };
  const matrix = workflow.jobs['test']?.strategy?.matrix?.node ?? [];
  const problems: string[] = [];
  if (matrix[0] !== oldest) problems.push(`the test matrix starts at ${String(matrix[0])}, engines at ${oldest}`);
  if (!matrix.includes(pinned)) problems.push(`the test matrix lacks .nvmrc's ${pinned}`);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (name === 'test') continue;
    for (const step of job.steps ?? []) {
      if (step.uses?.startsWith('actions/setup-node') && step.with?.['node-version-file'] !== '.nvmrc')
        problems.push(`${name} sets up a Node other than .nvmrc's`);
    }
  }
  return problems;
}

function variant(text: string): string {
  const file = join(scratchDir('workflow'), 'contracts.yml');
  writeFileSync(file, text);
  return file;
}

describe('the CI workflow for users', () => {
  const text = readFileSync(WORKFLOW, 'utf8');

  it('is a valid GitHub workflow', () => {
    expect(validate(WORKFLOW)).toEqual({ code: 0, output: '' });
  });

  it('calls only npm scripts that exist, and the whole broker flow', () => {
    expect(missingScripts(text)).toEqual([]);
    const lines = runLines(text).join('\n');
    for (const step of [
      'npm ci',
      'npm test',
      'npm run contracts',
      'npm run broker:setup',
      'npm run pact:publish',
      'npm run verify',
      'npm run can-i-deploy',
      'npm run record-deployment',
    ]) {
      expect(lines).toContain(step);
    }
  });

  it('tests on every Node the suite supports, and runs the other jobs on the Node .nvmrc pins', () => {
    expect(nodeProblems(text)).toEqual([]);
    const workflow = parse(text) as { jobs: { test: { strategy: { matrix: { node: number[] } } } } };
    expect(workflow.jobs.test.strategy.matrix.node).toEqual([22, 24]);
  });

  it('runs mutation testing of every module stryker.config.cjs mutates, on a schedule', () => {
    const workflow = parse(text) as {
      on: { schedule?: unknown[] };
      jobs: { mutation: { strategy: { matrix: { module: string[] } } } };
    };
    // Every module: MUTATE (one module) must not narrow what this test reads.
    const ambient = process.env['MUTATE'];
    delete process.env['MUTATE'];
    const { mutate } = require(join(ROOT, 'stryker.config.cjs')) as { mutate: string[] };
    if (ambient !== undefined) process.env['MUTATE'] = ambient;
    expect(workflow.jobs.mutation.strategy.matrix.module).toEqual(mutate);
    expect(workflow.on.schedule).toHaveLength(1);
    expect(runLines(text).join('\n')).toContain('npm run mutation');
  });

  it('would catch a workflow GitHub rejects, and a script that does not exist', () => {
    const invalid = validate(variant(text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')));
    expect(invalid.code).not.toBe(0);
    expect(missingScripts(text.replace('npm run can-i-deploy', 'npm run can-i-deploy-now'))).toEqual([
      'can-i-deploy-now',
    ]);
    expect(nodeProblems(text.replace('node: [22, 24]', 'node: [20, 22]'))).toEqual([
      'the test matrix starts at 20, engines at 22',
      "the test matrix lacks .nvmrc's 24",
    ]);
    expect(nodeProblems(text.replace('node-version-file: .nvmrc', 'node-version: 20'))).toHaveLength(1);
  });
});
