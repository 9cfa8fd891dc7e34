import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../contracts/projectRoot';

/**
 * The style gate, `npm run lint`, fails on a lint error and on a format error. The gate runs ESLint and Prettier
 * over the tree (.ci/run runs it whole, and must pass); here each of its two commands, with the same flags and
 * the project's own configuration, is handed a scratch text on stdin in place of the tree: nothing is written.
 */

const LINT_SCRIPT = 'eslint --max-warnings=0 . && prettier --check .';
const ESLINT = join(PROJECT_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const PRETTIER = join(PROJECT_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
// A file of the type-checked project: ESLint's type information needs a path tsconfig.json includes.
const AS_FILE = 'tests/style/lint-gate.test.ts';

function run(bin: string, args: readonly string[], input: string): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: PROJECT_ROOT, input, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const FORMATTED = 'export const answer = { ok: true };\n';

it('is what npm run lint runs', () => {
  const scripts = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  expect(scripts['lint']).toBe(LINT_SCRIPT);
  expect(scripts['format']).toBe('prettier --write .');
  expect(readFileSync(join(PROJECT_ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm run lint$/m);
});

it('fails on a lint error, type-checked rules included', () => {
  // An `any` (typescript-eslint's recommended rules) and a floating promise (a rule that needs type information).
  const lint = run(
    ESLINT,
    ['--max-warnings=0', '--stdin', '--stdin-filename', AS_FILE],
    'export const loose: any = 1;\nPromise.resolve(loose);\n',
  );
  expect(lint.output).not.toMatch(/Parsing error/);
  expect(lint.output).toMatch(/@typescript-eslint\/no-explicit-any/);
  expect(lint.output).toMatch(/@typescript-eslint\/no-floating-promises/);
  expect(lint.code).toBe(1);
}, 180_000);

it('fails on a format error, and passes the same code formatted', () => {
  const check = ['--check', '--stdin-filepath', AS_FILE];
  expect(run(PRETTIER, check, 'export const answer = {ok:true}\n').code).toBe(1);
  expect(run(PRETTIER, check, FORMATTED)).toEqual({ code: 0, output: expect.any(String) });
  // The project's settings apply: a line past 80 characters but within 120 stays on one line.
  const wide = `export const wide = { first: 'a value', second: 'another value', third: 'and one more value' };\n`;
  expect(wide.length).toBeGreaterThan(81);
  expect(run(PRETTIER, check, wide).code).toBe(0);
});
