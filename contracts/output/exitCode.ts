import { EXIT } from '../errors';

/**
 * What every command's exit code means: 0 passed (or yes), 1 failed (or no), 2 could not run (contracts/errors.ts
 * defines them), and a run stopped by a signal exits as a shell reports a process killed by it, 128 + the signal's
 * number: 130 for SIGINT, 143 for SIGTERM.
 */
export { EXIT };

export function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}
