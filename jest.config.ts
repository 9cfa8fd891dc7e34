/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// Pact's native core phones home unless told exactly 'true'; the workers inherit this.
process.env['PACT_DO_NOT_TRACK'] = 'true';

// Type-checking is `npm run typecheck` (tsc); ts-jest only transpiles (isolatedModules in tsconfig.json).
const config: Config = {
  // jest's node environment, plus verification workers shared by the test files of each jest worker process.
  testEnvironment: '<rootDir>/tests/support/verificationEnvironment.ts',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testTimeout: 30_000,
  // Most test files start CLI processes and wait on them: both cores, not jest's default of one worker on two.
  maxWorkers: 2,
};

export default config;
