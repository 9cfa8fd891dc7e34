/**
 * `npm run can-i-deploy [-- <options>]` and `npm run record-deployment [-- <options>]`: the official CLI's
 * `pact broker can-i-deploy` / `record-deployment`, with the broker from the environment. Options given are
 * passed through; missing ones default to this repo's consumer (NangoConnectSessionClient) at its current
 * version (PACT_CONSUMER_VERSION or the git commit) and the environment PACT_ENVIRONMENT (default production).
 * can-i-deploy's answer is the exit code: 0 yes, 1 no, 2 could not answer (one line naming the fix).
 */
import { requireBrokerConnection } from '../broker/brokerSettings';
import { runPactCli } from '../broker/pactCli';
import { readGitFacts, versionInfo } from '../broker/versionInfo';
import { CONSUMER } from '../cases';
import { ConfigurationError } from '../configurationError';
import { read } from '../env';
import type { CliIo } from '../output/cliIo';
import { brokerCommand, hasOption } from './brokerCommand';

const COMMANDS = { 'can-i-deploy': '--to-environment', 'record-deployment': '--environment' } as const;
type Gate = keyof typeof COMMANDS;

/** `args`: the command (can-i-deploy or record-deployment), then the options given. */
export function brokerGate(io: CliIo, [command, ...given]: readonly string[]): Promise<number> {
  return brokerCommand(io, command ?? 'broker command', async () => {
    if (command !== 'can-i-deploy' && command !== 'record-deployment') {
      throw new ConfigurationError(
        `unknown broker command ${JSON.stringify(command)}: expected can-i-deploy or record-deployment`,
      );
    }
    const gate: Gate = command;
    if (gate === 'can-i-deploy') refuseVersionBeforePacticipant(given);
    const connection = requireBrokerConnection(io.env);
    const args: string[] = ['broker', gate, ...given];
    if (!hasOption(given, '--pacticipant', '-a')) {
      // Which version is asked about, not what is in the working tree: uncommitted changes do not matter here.
      const { version } = versionInfo('consumer', io.env, { ...readGitFacts(io.cwd), dirty: undefined });
      args.push('--pacticipant', CONSUMER, '--version', version);
    }
    const environmentOption = COMMANDS[gate];
    if (!hasOption(given, environmentOption, '--to'))
      args.push(environmentOption, read(io.env, 'PACT_ENVIRONMENT') ?? 'production');
    // can-i-deploy's own no exits 1; a broker that cannot answer (unreachable, refused, no such environment or version) 2.
    return runPactCli(args, connection, {
      label: gate,
      env: io.env,
      cwd: io.cwd,
      out: io.stdout,
      err: io.stderr,
      ...(gate === 'can-i-deploy' ? { no: /Computer says no/ } : {}),
    });
  });
}

/** Options of can-i-deploy that say which version of the `--pacticipant` (or `--ignore`) before them. */
const VERSION_OPTIONS = [
  '--version',
  '-e',
  '--latest',
  '-l',
  '--tag',
  '--branch',
  '--main-branch',
  '--no-main-branch',
  '--skip-main-branch',
];

/**
 * The Pact CLI reads `--version` (and `--latest`, `--branch`, ...) as about the `--pacticipant` before it; one
 * given first is dropped silently, and can-i-deploy then answers about the latest version instead: a yes about
 * something else.
 */
function refuseVersionBeforePacticipant(given: readonly string[]): void {
  const first = (names: readonly string[]) =>
    given.findIndex((arg) => names.some((name) => arg === name || arg.startsWith(`${name}=`)));
  const version = first(VERSION_OPTIONS);
  const pacticipant = first(['--pacticipant', '-a', '--ignore']);
  if (version !== -1 && (pacticipant === -1 || version < pacticipant)) {
    throw new ConfigurationError(
      `${given[version]?.split('=')[0] ?? ''} must follow the --pacticipant it is about (e.g. -- --pacticipant NangoConnectSessionClient --version 1a2b3c): the Pact CLI would ignore it and answer about the latest version`,
    );
  }
}
