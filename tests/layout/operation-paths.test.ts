/**
 * An operation is data: its method and path are written in its table (contracts/cases/) and nowhere else in the
 * product. Every other room reads them from the tables (OPERATIONS, SETUP), so a new operation needs only its table.
 * Comments may name a path (they explain); code may not. Generated types are openapi-typescript's, not ours.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OPERATIONS, SETUP } from '../../contracts/cases';
import { ROOT } from '../support/runCli';

const CONTRACTS = join(ROOT, 'contracts');
const EXEMPT = ['cases', 'generated'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return EXEMPT.includes(relative(CONTRACTS, path)) ? [] : sources(path);
    return /\.(ts|js)$/.test(entry.name) && entry.name !== 'bundled.js' ? [path] : [];
  });
}

/** The literal part of each tabled path: `/connect/session`, `/connection/` of `/connection/{connectionId}`. */
export function pathStems(paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => path.split('{')[0] ?? path))];
}

/** Code lines of a source that name one of the stems (`/connect/session` but not `/connect/sessions` for that stem). */
export function namingLines(text: string, stems: readonly string[]): string[] {
  const patterns = stems.map((stem) => new RegExp(`${stem.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}${stem.endsWith('/') ? '' : '(?![\\w-])'}`));
  return text
    .split('\n')
    .map((line, at) => ({ line, at }))
    .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .filter(({ line }) => patterns.some((pattern) => pattern.test(line)))
    .map(({ line, at }) => `${at + 1}: ${line.trim().slice(0, 120)}`);
}

const STEMS = pathStems([...OPERATIONS.map(({ operation }) => operation.path), ...Object.values(SETUP).map((operation) => operation.path)]);

it('finds a path named in code, and not in a comment or in a longer path of another operation', () => {
  const stems = pathStems(['/connect/session', '/connection/{connectionId}']);
  expect(namingLines("const a = '/connect/session';\n// GET /connect/session\nconst b = '/connect/sessions';\nfetch(`/connection/${id}`);", stems)).toEqual([
    "1: const a = '/connect/session';",
    '4: fetch(`/connection/${id}`);',
  ]);
});

it('has no product file outside contracts/cases/ (and generated types) name a tabled operation path', () => {
  const named = sources(CONTRACTS).flatMap((file) => namingLines(readFileSync(file, 'utf8'), STEMS).map((line) => `${relative(ROOT, file)}:${line}`));
  expect(named).toEqual([]);
});
