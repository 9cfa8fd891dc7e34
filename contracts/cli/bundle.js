/**
 * The bundle of contracts/cli's entry points: one plain JS file each with every module of ours in it (esbuild,
 * packages left external), so a run transpiles nothing. Kept in node_modules/.cache/nango-contracts/<hash of the
 * sources>/, written whole under a temporary name first, so any change to the sources gets a new bundle and
 * parallel runs never read a half-written one. Plain JS because it has to run before anything is built.
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');
const { projectRoot } = require('../pact/pactBundle.js');

const ROOT = projectRoot(__dirname);
const CONTRACTS = join(ROOT, 'contracts');
/** Entry points, from contracts/: the CLIs, and the verification worker they fork, owned by verification/worker/. */
const ENTRY_FILES = [
  'cli/contracts.ts',
  'cli/verify.ts',
  'cli/hostile.ts',
  'cli/pactPublish.ts',
  'cli/brokerGate.ts',
  'cli/brokerSetup.ts',
  'cli/publishProviderContract.ts',
  'cli/provider.ts',
  'cli/findings.ts',
  'verification/worker/verificationWorker.ts',
];
/** The bundle's file names (flat: `<name>.js`), which bundled.js takes. */
const ENTRIES = ENTRY_FILES.map((file) => file.slice(file.lastIndexOf('/') + 1));

/** What a bundle is made of: our sources, the jest config the main job reads, and the package manifest. */
function sourcesHash() {
  const hash = createHash('sha256');
  const files = [join(ROOT, 'jest.config.ts'), join(ROOT, 'package.json')];
  const walk = (dir) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else if (/\.(ts|js)$/.test(item.name)) files.push(path);
    }
  };
  walk(CONTRACTS);
  for (const file of files.sort())
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The folder holding the bundle of the sources as they are now, built if need be. */
function bundleDir() {
  const cache = join(ROOT, 'node_modules', '.cache', 'nango-contracts');
  const outdir = join(cache, sourcesHash());
  if (existsSync(outdir)) return outdir;
  const building = `${outdir}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: ENTRY_FILES.map((file) => join(CONTRACTS, file)),
    // One folder for all: a bundled CLI finds the worker beside itself.
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    target: 'node22',
    packages: 'external',
    outdir: building,
    sourcemap: true,
    logLevel: 'warning',
  });
  mkdirSync(cache, { recursive: true });
  try {
    renameSync(building, outdir);
  } catch {
    // Another run got there first with the same sources.
    rmSync(building, { recursive: true, force: true });
  }
  return outdir;
}

module.exports = { ENTRIES, bundleDir };
