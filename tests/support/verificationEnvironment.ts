import NodeEnvironment from 'jest-environment-node';
import { applyOverlay } from '../../contracts/findings/applyOverlay';
import { VerificationWorkerPool } from './workerPool';

/**
 * jest's node environment, with the verification workers of this jest worker process: its test files run one
 * after the other and share them, so Pact loads once per process rather than once per file. This module is
 * loaded once per process (the test files' own modules are not), which is what lets the pool outlive a file.
 * It is loaded by Node's own require, too, which is why the findings command's overlay applier comes from here:
 * openapi-overlays-js is ES modules only, which jest's module registry cannot load.
 */
const pool = new VerificationWorkerPool();

export default class VerificationEnvironment extends NodeEnvironment {
  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    this.global['verificationWorkers'] = pool.launch;
    this.global['overlayApplier'] = applyOverlay;
  }
}
