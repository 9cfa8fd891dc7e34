import type { CliIo } from '../output/cliIo';
import { ContractsError } from '../errors';
import { logLevelFrom } from '../pact/logLevel';

/**
 * Runs a broker command's body; bad settings become one line (`<label> could not run: …`) and exit code 2,
 * anything else its own exit code.
 */
export async function brokerCommand(io: CliIo, label: string, body: () => Promise<number>): Promise<number> {
  try {
    // Every CLI refuses a bad LOG_LEVEL the same way, whether or not it loads Pact.
    logLevelFrom(io.env);
    return await body();
  } catch (error) {
    if (!(error instanceof ContractsError)) throw error;
    io.stderr.write(`${label} could not run: ${error.userLine}\n`);
    return error.exitCode;
  }
}

/** Starts a broker command as its process's own: its exit code becomes the process's. */
export function runAsProcess(command: Promise<number>): void {
  void command.then((code) => {
    process.exitCode = code;
  });
}

/** True when `args` already give one of the options (as `--name value` or `--name=value`). */
export function hasOption(args: readonly string[], ...names: string[]): boolean {
  return args.some((arg) => names.some((name) => arg === name || arg.startsWith(`${name}=`)));
}
