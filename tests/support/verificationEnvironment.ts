import NodeEnvironment from 'jest-environment-node';
import { VerificationWorkerPool } from './workerPool';

/**
 * jest's node environment, with the verification workers of this jest worker process: its test files run one
 * after the other and share them, so Pact loads once per process rather than once per file. This module is
 * loaded once per process (the test files' own modules are not), which is what lets the pool outlive a file.
 */
const pool = new VerificationWorkerPool();

export default class VerificationEnvironment extends NodeEnvironment {
  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    this.global['verificationWorkers'] = pool.launch;
  }
}
