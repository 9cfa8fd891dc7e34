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
 * 0.23 s of CPU against 0.15 s for these two. Any other name still comes from the index, bundled in a file of its
 * own (INDEX_FILE, beside this one) so that a test file that needs only these two does not parse it: 1.3 MB
 * against 3.2 MB, which jest compiles again for every test file that loads Pact.
 */
const LIGHT_ENTRY = `
const light = {
  PactV4: () => require('@pact-foundation/pact/src/v4').PactV4,
  MatchersV3: () => require('@pact-foundation/pact/src/v3/matchers'),
};
// Not a literal: esbuild leaves it to run time, when it loads the index's own bundle.
const index = () => require(require('node:path').join(__dirname, INDEX_FILE));
module.exports = new Proxy({ __esModule: true }, {
  get: (own, name) => (name in own ? own[name] : Object.hasOwn(light, name) ? light[name]() : index()[name]),
});
`;

/** esbuild's bundle of `contents` (a module's source) into `outfile`, Pact's native core left a package. */
function bundleInto(outfile, contents, define = {}) {
  const building = `${outfile}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'pact-for-jest.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    external: ['@pact-foundation/pact-core', '@pact-foundation/pact-core/*'],
    define,
    outfile: building,
    logLevel: 'warning',
  });
  renameSync(building, outfile);
}

/**
 * @pact-foundation/pact as bundled files, for jest (jest.config.ts maps the package to the first): jest loads
 * each of a package's modules through its own resolver and sandbox, and Pact's index pulls in some 650 (ramda and
 * graphql alone are 500), which took the main job's consumer tests 0.7 s, against 0.2 s for one file. The same
 * code, bundled by esbuild; its native core (@pact-foundation/pact-core) stays a package. Kept under the hash of
 * package-lock.json and of what it exports, so any change of either gets new bundles.
 */
function pactBundle() {
  const lock = join(ROOT, 'package-lock.json');
  const hash = createHash('sha256')
    .update(readFileSync(existsSync(lock) ? lock : join(ROOT, 'package.json')))
    .update(LIGHT_ENTRY)
    .digest('hex')
    .slice(0, 16);
  const cache = join(ROOT, 'node_modules', '.cache', 'nango-contracts');
  const file = join(cache, `pact-${hash}.js`);
  if (existsSync(file)) return file;
  const indexFile = `pact-${hash}-index.js`;
  // The index first: a light bundle is only ever found beside its index.
  bundleInto(join(cache, indexFile), "module.exports = require('@pact-foundation/pact');");
  bundleInto(file, LIGHT_ENTRY, { INDEX_FILE: JSON.stringify(indexFile) });
  return file;
}

module.exports = { projectRoot, pactBundle };
