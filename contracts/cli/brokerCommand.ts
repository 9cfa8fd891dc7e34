import { ConfigurationError } from '../configurationError';

/**
 * Runs a broker command's body; bad settings become one line (`<label> could not run: …`) and exit code 2,
 * anything else its own exit code.
 */
export function runBrokerCommand(label: string, body: () => Promise<number>): void {
  body().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (!(error instanceof ConfigurationError)) throw error;
      process.stderr.write(`${label} could not run: ${error.message}\n`);
      process.exitCode = 2;
    },
  );
}

/** True when `args` already give one of the options (as `--name value` or `--name=value`). */
export function hasOption(args: readonly string[], ...names: string[]): boolean {
  return args.some((arg) => names.some((name) => arg === name || arg.startsWith(`${name}=`)));
}
