/**
 * Pact for jest, as one bundled file (pactBundle below). Plain JS: jest.config.ts loads it before anything is built.
 * In the pact room, below the jest config, which contracts/cli reads (consumerTests.ts).
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, renameSync } = require('node:fs');
const { dirname, join } = require('node:path');

/** The nearest folder up with a package.json: from contracts/, and from a bundle that took this file in (the main job's). */
function projectRoot(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
const ROOT = projectRoot(__dirname);

/**
 * @pact-foundation/pact as one file, for jest (jest.config.ts maps the package to it): jest loads each of a
 * package's modules through its own resolver and sandbox, and Pact's index pulls in some 650 (ramda and graphql
 * alone are 500), which took the main job's consumer tests 0.7 s, against 0.2 s for this one file. The same code,
 * bundled by esbuild; its native core (@pact-foundation/pact-core) stays a package. Kept under the hash of
 * package-lock.json, so any change of dependencies gets a new bundle.
 */
function pactBundle() {
  const lock = join(ROOT, 'package-lock.json');
  const hash = createHash('sha256').update(readFileSync(existsSync(lock) ? lock : join(ROOT, 'package.json'))).digest('hex').slice(0, 16);
  const cache = join(ROOT, 'node_modules', '.cache', 'nango-contracts');
  const file = join(cache, `pact-${hash}.js`);
  if (existsSync(file)) return file;
  const building = `${file}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: [require.resolve('@pact-foundation/pact', { paths: [ROOT] })],
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: ['@pact-foundation/pact-core', '@pact-foundation/pact-core/*'],
    outfile: building,
    logLevel: 'warning',
  });
  renameSync(building, file);
  return file;
}

module.exports = { projectRoot, pactBundle };
