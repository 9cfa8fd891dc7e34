/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';
import { logLevelFrom } from './contracts/pact/logLevel';

// Pact's native core phones home unless told exactly 'true'; the workers inherit this.
process.env['PACT_DO_NOT_TRACK'] = 'true';

// Pact's logger (pino) reads LOG_LEVEL as it loads: a value it cannot read would fail every suite that loads Pact
// with a stack trace (npm test, npm run test:consumer, npm run pacts:update). One line instead, exit 2.
try {
  logLevelFrom(process.env);
} catch (error) {
  process.stderr.write(`jest could not run: ${(error as Error).message}\n`);
  process.exit(2);
}

// Plain JS with no types (contracts/pact/pactBundle.js): Pact as one bundled file, built once per package-lock.json.
const { pactBundle } = require('./contracts/pact/pactBundle.js') as { pactBundle: () => string };

// ts-jest only transpiles (isolatedModules in tsconfig.json): tests/types/typecheck.test.ts runs tsc.
const config: Config = {
  // jest's node environment, plus verification workers shared by the test files of each jest worker process.
  testEnvironment: '<rootDir>/tests/support/verificationEnvironment.ts',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  // Pact's ~650 modules cost jest 0.5 s more to load one by one than as one file (pactBundle.js says more).
  moduleNameMapper: { '^@pact-foundation/pact$': pactBundle() },
  testTimeout: 30_000,
  // Many test files wait on servers, signals and rate limits as much as they compute: three workers keep both
  // cores busy (jest's default is one worker on two cores).
  maxWorkers: 3,
};

export default config;
