import { join } from 'node:path';
import { spawnVerificationWorker, type WorkerLauncher, type WorkerProcess } from '../../contracts/verification/runWorker';

// Plain JS with no types: the bundle the npm scripts run (contracts/cli/bundle.js).
const { bundleDir } = require('../../contracts/cli/bundle.js') as { bundleDir(): string };

/**
 * The verification worker processes of one test file, kept from run to run so each run costs a verification and
 * not a process loading Pact: the bundled worker the CLIs fork, one per LOG_LEVEL (Pact's native logger takes the
 * level once, as it loads). A worker that died (interrupted, or killed after a rate limit stopped its run) is
 * replaced. Closed after the file's tests.
 */
const spawned: WorkerProcess[] = [];
const byLogLevel = new Map<string, WorkerProcess>();

export const pooledWorker: WorkerLauncher = (env, cwd, options) => {
  const level = env['LOG_LEVEL'] ?? '';
  let worker = byLogLevel.get(level);
  if (!worker?.idle) {
    worker = spawnVerificationWorker(env, join(bundleDir(), 'verificationWorker.js'));
    spawned.push(worker);
    byLogLevel.set(level, worker);
  }
  return worker.run(env, cwd, options);
};

afterAll(() => {
  for (const worker of spawned.splice(0)) worker.close();
  byLogLevel.clear();
});
