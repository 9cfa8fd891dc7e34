/**
 * The type gate of `npm test`, run beside the other test files rather than before them: jest only transpiles
 * (isolatedModules), so tsc checks every source, test and the jest config here, strict and without emitting; and
 * contracts/generated/ must be exactly what openapi-typescript makes of the lifecycle's part of the spec today, so no type is hand-written
 * or stale. (`npm run typecheck` runs the same two checks on their own.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/runCli';

interface Checked {
  readonly code: number;
  readonly output: string;
}

/** node with these arguments, run in the project. */
function runNode(args: readonly string[]): Promise<Checked> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** A tool's script in node_modules (its package's bin, which an exports map may hide from require), run in the project. */
function runTool(script: string, args: readonly string[]): Promise<Checked> {
  return runNode([join(ROOT, 'node_modules', script), ...args]);
}

it('type-checks every source, test and the jest config with tsc, strict', async () => {
  // Build mode: when no input changed since a check that passed (tsconfig.json's tsBuildInfoFile), tsc says so
  // without parsing the 800 files again; any change, or a check that failed, and it checks them all.
  const tsc = await runTool('typescript/bin/tsc', ['-b', '.']);
  expect(tsc).toEqual({ code: 0, output: '' });
});

it('has the types openapi-typescript generates from the spec, unchanged', async () => {
  // openapi-typescript on what the lifecycle reaches in the spec (contracts/cli/types.ts, `npm run types:check`).
  const check = await runNode(['-r', 'esbuild-register', 'contracts/cli/types.ts', '--check']);
  // Fails showing what it printed; `npm run types:generate` brings the file up to date.
  expect(check.code === 0 ? 'up to date' : check.output).toBe('up to date');
});
