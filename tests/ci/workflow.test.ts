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
const SCRIPTS = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

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
  const called = runLines(workflowText).flatMap((line) => [...line.matchAll(/\bnpm run(?: -s)? ([\w:.-]+)/g)].map((match) => match[1] ?? ''));
  return called.filter((script) => !SCRIPTS.includes(script));
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
    for (const step of ['npm ci', 'npm test', 'npm run contracts', 'npm run broker:setup', 'npm run pact:publish', 'npm run verify', 'npm run can-i-deploy', 'npm run record-deployment']) {
      expect(lines).toContain(step);
    }
  });

  it('tests on every Node the suite supports', () => {
    const workflow = parse(text) as { jobs: { test: { strategy: { matrix: { node: number[] } } } } };
    expect(workflow.jobs.test.strategy.matrix.node).toEqual([20, 22, 24, 26]);
  });

  it('runs mutation testing of every module stryker.config.cjs mutates, on a schedule', () => {
    const workflow = parse(text) as { on: { schedule?: unknown[] }; jobs: { mutation: { strategy: { matrix: { module: string[] } } } } };
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
    expect(missingScripts(text.replace('npm run can-i-deploy', 'npm run can-i-deploy-now'))).toEqual(['can-i-deploy-now']);
  });
});
