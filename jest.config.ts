/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// Pact's native core phones home unless told exactly 'true'; the workers inherit this.
process.env['PACT_DO_NOT_TRACK'] = 'true';

// ts-jest only transpiles (isolatedModules in tsconfig.json): tests/types/typecheck.test.ts runs tsc.
const config: Config = {
  // jest's node environment, plus verification workers shared by the test files of each jest worker process.
  testEnvironment: '<rootDir>/tests/support/verificationEnvironment.ts',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testTimeout: 30_000,
  // Many test files wait on servers, signals and rate limits as much as they compute: three workers keep both
  // cores busy (jest's default is one worker on two cores).
  maxWorkers: 3,
};

export default config;
