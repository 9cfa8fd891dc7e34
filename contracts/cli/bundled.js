/**
 * Runs a CLI of contracts/cli from its bundle (bundle.js). The npm scripts start here, which saves each process (the
 * main job has two: this one and the verification worker) esbuild-register's start-up and per-file transpiling.
 */
'use strict';
const { join } = require('node:path');
const { ENTRIES, bundleDir } = require('./bundle.js');

const [, , entry, ...args] = process.argv;
if (!entry || !ENTRIES.includes(`${entry}.ts`)) {
  process.stderr.write(
    `usage: node contracts/cli/bundled.js <${ENTRIES.filter((name) => name !== 'verificationWorker.ts')
      .map((name) => name.replace(/\.ts$/, ''))
      .join('|')}> [args]\n`,
  );
  process.exit(2);
}
const script = join(bundleDir(), `${entry}.js`);
process.argv = [process.argv[0] ?? 'node', script, ...args];
require(script);
