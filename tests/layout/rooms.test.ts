/**
 * The house's rooms stay in layers: every relative import in contracts/ goes to a room further down the list
 * below, or stays in its own room, so no import runs up a layer (hostile/ and broker/ never reach into
 * verification/, nothing below cli/ reaches into it); and no room grows past a quarter of the product's lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../support/runCli';

const CONTRACTS = join(ROOT, 'contracts');

/** Bottom to top: a room may import from the rooms before it. A room is a folder of contracts/ or a top-level file. */
const ROOMS = [
  'errors.ts',
  'configurationError.ts',
  'json.ts',
  'projectRoot.ts',
  'generated',
  'http',
  'env.ts',
  'sessionToken.ts',
  'output',
  'openapi',
  'nangoApi.ts',
  'cases',
  'client',
  'provider',
  'knownFindings.ts',
  'pact',
  'broker',
  'live',
  'hostile',
  'verification',
  'report',
  'findings',
  'cli',
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

const roomOf = (file: string): string => relative(CONTRACTS, file).split('/')[0] ?? '';

/** Every relative module a source names: imports, exports, require() and import() with a literal. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const named = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (match) => match[1] ?? '',
  );
  return named.map((specifier) => resolve(dirname(file), specifier));
}

it('has every source of contracts/ in a room of the list', () => {
  const unplaced = sources(CONTRACTS)
    .map(roomOf)
    .filter((room) => !ROOMS.includes(room) && !room.endsWith('.yaml'));
  expect([...new Set(unplaced)]).toEqual([]);
});

it('has no import running up a layer', () => {
  const upward: string[] = [];
  for (const file of sources(CONTRACTS)) {
    const from = ROOMS.indexOf(roomOf(file));
    for (const target of importsOf(file)) {
      if (!target.startsWith(`${CONTRACTS}/`)) continue; // package.json, jest.config.ts: outside the rooms
      const to = ROOMS.indexOf(roomOf(target));
      if (to > from) upward.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`);
    }
  }
  expect(upward).toEqual([]);
});

it('keeps every room under a quarter of the product lines', () => {
  const lines = new Map<string, number>();
  for (const file of sources(CONTRACTS).filter((path) => path.endsWith('.ts') && roomOf(path) !== 'generated')) {
    lines.set(roomOf(file), (lines.get(roomOf(file)) ?? 0) + readFileSync(file, 'utf8').split('\n').length - 1);
  }
  const total = [...lines.values()].reduce((sum, count) => sum + count, 0);
  const oversized = [...lines]
    .filter(([, count]) => count > total / 4)
    .map(([room, count]) => `${room}: ${Math.round((100 * count) / total)}%`);
  expect(oversized).toEqual([]);
});
