import type { Config } from 'jest';
import baseConfig from '../../jest.config';

export const CONSUMER_JUNIT_FILE = 'consumer-junit.xml';

/**
 * The consumer contract tests (tests/consumer) through jest's programmatic API, in this process: the main job
 * saves a node start and keeps jest's output short (the summary, and failures in full). Transpiled by swc
 * rather than ts-jest, which loads the TypeScript compiler to transpile alone (type-checking is `npm test`'s
 * tsc); jest-junit writes their JUnit report. Resolves true when every test passed.
 */
export async function runConsumerTests(root: string, reportsDir: string, verbose: boolean): Promise<boolean> {
  const { runCLI } = await import('jest');
  const config: Config = {
    ...baseConfig,
    rootDir: root,
    roots: ['<rootDir>/tests/consumer'],
    // The consumer tests verify nothing: no verification workers to share.
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['@swc/jest', {}] },
    verbose,
    reporters: [
      'default',
      ['jest-junit', { outputDirectory: reportsDir, outputName: CONSUMER_JUNIT_FILE, suiteName: 'consumer contracts' }],
    ],
  };
  const { results } = await runCLI({ _: [], $0: 'jest', config: JSON.stringify(config), runInBand: true }, [root]);
  return results.success;
}
