import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConnectSessionClientError, UndocumentedStatusError } from '../../contracts/client/errors';
import { ConfigurationError } from '../../contracts/configurationError';
import { ContractsError, EXIT } from '../../contracts/errors';
import { SpecError } from '../../contracts/openapi/specDocument';
import { PROJECT_ROOT } from '../../contracts/projectRoot';

/**
 * The suite's own errors are one family: each class descends from ContractsError, which carries the exit code and
 * the one line a user sees. A bare `catch {` says, in a comment, why nothing is lost.
 */

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|js|cjs|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const product = sources(join(PROJECT_ROOT, 'contracts'));

/** class → the class it extends, for every class of the product that extends one. */
function parents(): Map<string, { parent: string; file: string }> {
  const found = new Map<string, { parent: string; file: string }>();
  for (const file of product) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bclass (\w+) extends (\w+)/g)) {
      found.set(match[1] ?? '', { parent: match[2] ?? '', file: relative(PROJECT_ROOT, file) });
    }
  }
  return found;
}

it('has every error class of the suite descend from ContractsError', () => {
  const classes = parents();
  const outside: string[] = [];
  let members = 0;
  for (const [name, { file }] of classes) {
    const chain = [name];
    while (classes.has(chain[chain.length - 1] ?? ''))
      chain.push(classes.get(chain[chain.length - 1] ?? '')?.parent ?? '');
    if (!chain.includes('Error')) continue; // not an error class (a Writable, a TextOut)
    if (chain.includes('ContractsError')) members += 1;
    else if (name !== 'ContractsError') outside.push(`${name} (${file}): ${chain.join(' → ')}`);
  }
  expect(outside).toEqual([]);
  expect(members).toBeGreaterThanOrEqual(22);
});

it('gives each error its exit code and one line', () => {
  const error = new ConfigurationError('NANGO_TIMEOUT_MS must be a whole number\n  at somewhere (a stack line)');
  expect(error).toBeInstanceOf(ContractsError);
  expect(error.exitCode).toBe(EXIT.couldNotRun);
  expect(error.userLine).toBe('NANGO_TIMEOUT_MS must be a whole number');
  expect(new SpecError('spec/x.yaml', 'no such file')).toMatchObject({
    exitCode: 2,
    userLine: 'spec/x.yaml: no such file',
  });
  const undocumented = new UndocumentedStatusError(418, ['204', '400'], '', 'DELETE /connect/session');
  expect(undocumented).toBeInstanceOf(ConnectSessionClientError);
  expect(undocumented).toBeInstanceOf(ContractsError);
  expect(undocumented.userLine).toBe('undocumented status 418 for DELETE /connect/session (documented: 204, 400)');
});

it('says why nothing is lost at every bare catch', () => {
  const unexplained: string[] = [];
  for (const file of [...product, ...sources(join(PROJECT_ROOT, 'tests'))]) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (!/\}\s*catch\s*\{/.test(line)) return;
      const next = lines[index + 1] ?? '';
      if (!/\/\/ \S/.test(line) && !/^\s*\/\/ \S/.test(next))
        unexplained.push(`${relative(PROJECT_ROOT, file)}:${index + 1}`);
    });
  }
  expect(unexplained).toEqual([]);
});
