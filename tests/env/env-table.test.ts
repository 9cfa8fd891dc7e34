/**
 * The README's table of environment variables gives the defaults the code uses: each read here from the code, so
 * a default changed in one place and not the other fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RUNS, DEFAULT_TIME_LIMIT_MS } from '../../contracts/hostile/hostileSettings';
import { DEFAULT_RATE_LIMIT_WAIT_MS, DEFAULT_VERIFY_TIMEOUT_MS } from '../../contracts/live/target';
import { ROOT } from '../support/runCli';

/** The table row that names `variable` first. */
function rowOf(variable: string): string {
  const row = readFileSync(join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`| \`${variable}\``));
  if (!row) throw new Error(`no row for ${variable} in the README's environment table`);
  return row;
}

/** The row's last cell: its default. */
const defaultOf = (variable: string): string => rowOf(variable).split('|').slice(-2, -1)[0]?.trim() ?? '';

it.each([
  ['NANGO_TIMEOUT_MS', [DEFAULT_VERIFY_TIMEOUT_MS]],
  ['NANGO_RATE_LIMIT_WAIT_MS', [DEFAULT_RATE_LIMIT_WAIT_MS]],
  ['HOSTILE_SEED', [DEFAULT_RUNS.embedded, DEFAULT_RUNS.remote, DEFAULT_TIME_LIMIT_MS.embedded, DEFAULT_TIME_LIMIT_MS.remote]],
])('gives %s the defaults the code uses', (variable, defaults) => {
  const cell = defaultOf(variable);
  const numbers = [...cell.matchAll(/`(\d+)`/g)].map((match) => Number(match[1]));
  expect(numbers).toEqual(defaults);
});
