import { join } from 'node:path';
import {
  spawnVerificationWorker,
  type WorkerLauncher,
  type WorkerProcess,
} from '../../contracts/verification/worker/runWorker';

// Plain JS with no types: the bundle the npm scripts run (contracts/cli/bundle.js).
const { bundleDir } = require('../../contracts/cli/bundle.js') as { bundleDir: () => string };

/**
 * Verification worker processes kept from run to run, so a run costs a verification and not a process loading
 * Pact: the bundled worker the CLIs fork, one per LOG_LEVEL (Pact's native logger takes the level once, as it
 * loads). A worker that died (interrupted, or killed after a rate limit stopped its run) is replaced. Idle workers
 * do not keep the test process alive and end with it.
 */
export class VerificationWorkerPool {
  private readonly byLogLevel = new Map<string, WorkerProcess>();

  readonly launch: WorkerLauncher = (settings, env, cwd, options) => {
    const level = settings.verification.logLevel;
    let worker = this.byLogLevel.get(level);
    if (!worker?.idle) {
      worker = spawnVerificationWorker(env, settings.pactEnv, {
        script: join(bundleDir(), 'verificationWorker.js'),
        unrefWhenIdle: true,
      });
      this.byLogLevel.set(level, worker);
    }
    return worker.run(settings, env, cwd, options);
  };
}
