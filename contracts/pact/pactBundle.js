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
 * What the bundle exports: Pact's API, with the parts this suite uses (PactV4, MatchersV3) loaded alone. Pact's
 * index loads its whole API to export it (the V2 DSL with axios, GraphQL, messages): measured in plain node,
 * 0.23 s of CPU against 0.15 s for these two. Any other name still comes from the index, loaded when first asked for.
 */
const LIGHT_ENTRY = `
const light = {
  PactV4: () => require('@pact-foundation/pact/src/v4').PactV4,
  MatchersV3: () => require('@pact-foundation/pact/src/v3/matchers'),
};
module.exports = new Proxy({ __esModule: true }, {
  get: (own, name) => (name in own ? own[name] : Object.hasOwn(light, name) ? light[name]() : require('@pact-foundation/pact')[name]),
});
`;

/**
 * @pact-foundation/pact as one file, for jest (jest.config.ts maps the package to it): jest loads each of a
 * package's modules through its own resolver and sandbox, and Pact's index pulls in some 650 (ramda and graphql
 * alone are 500), which took the main job's consumer tests 0.7 s, against 0.2 s for this one file. The same code,
 * bundled by esbuild; its native core (@pact-foundation/pact-core) stays a package. Kept under the hash of
 * package-lock.json and of what it exports, so any change of either gets a new bundle.
 */
function pactBundle() {
  const lock = join(ROOT, 'package-lock.json');
  const hash = createHash('sha256').update(readFileSync(existsSync(lock) ? lock : join(ROOT, 'package.json'))).update(LIGHT_ENTRY).digest('hex').slice(0, 16);
  const cache = join(ROOT, 'node_modules', '.cache', 'nango-contracts');
  const file = join(cache, `pact-${hash}.js`);
  if (existsSync(file)) return file;
  const building = `${file}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    stdin: { contents: LIGHT_ENTRY, resolveDir: ROOT, sourcefile: 'pact-for-jest.js', loader: 'js' },
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
