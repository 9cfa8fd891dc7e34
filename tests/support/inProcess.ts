import type { CliIo, TextOut } from '../../contracts/output/cliIo';
import { brokerGate } from '../../contracts/cli/brokerGateCommand';
import { brokerSetup } from '../../contracts/cli/brokerSetupCommand';
import { reportFindings } from '../../contracts/cli/findingsCommand';
import { runHostile } from '../../contracts/cli/hostileCommand';
import { pactPublish } from '../../contracts/cli/pactPublishCommand';
import { publishProviderContract } from '../../contracts/cli/publishProviderContractCommand';
import { verifyAndReport } from '../../contracts/cli/verifyAndReport';
import type { OverlayApplier } from '../../contracts/findings/applyOverlay';
import type { WorkerLauncher } from '../../contracts/verification/worker/runWorker';
import { cliEnv, ROOT, type CliRun } from './runCli';

/** A function jest.config.ts's test environment (verificationEnvironment.ts) puts on the global object, outside jest's registry. */
function fromTestEnvironment<F>(name: 'verificationWorkers' | 'overlayApplier', what: string): F {
  const value: unknown = Reflect.get(globalThis, name);
  if (typeof value !== 'function')
    throw new Error(`no ${what}: run the tests with the test environment jest.config.ts sets`);
  return value as F;
}

/** The verification workers the test environment shares between test files. */
const pooledWorker: WorkerLauncher = (...args) =>
  fromTestEnvironment<WorkerLauncher>('verificationWorkers', 'verification worker pool')(...args);

/** openapi-overlays-js's applier as the test environment loaded it (the library is ES modules only). */
const environmentOverlayApplier: OverlayApplier = (specFile, overlayFile) =>
  fromTestEnvironment<OverlayApplier>('overlayApplier', 'overlay applier')(specFile, overlayFile);

/** What a CLI run in-process writes, kept as text: not a terminal, as when its output is piped. */
class Captured implements TextOut {
  text = '';
  constructor(readonly isTTY = false) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

/** The npm scripts a test can run in its own process, each as its CLI's function; verify with the pooled workers. */
const COMMANDS = {
  verify: (io, args) => verifyAndReport(io, pooledWorker, args),
  'contracts:hostile': (io, args) => runHostile(io, args),
  'pact:publish': (io, args) => pactPublish(io, args),
  'can-i-deploy': (io, args) => brokerGate(io, ['can-i-deploy', ...args]),
  'record-deployment': (io, args) => brokerGate(io, ['record-deployment', ...args]),
  'broker:setup': (io) => brokerSetup(io),
  findings: (io, args) => reportFindings(io, args, environmentOverlayApplier),
  'pact:publish-provider-contract': (io, args) => publishProviderContract(io, args),
} satisfies Record<string, (io: CliIo, args: readonly string[]) => Promise<number>>;
export type InProcessScript = keyof typeof COMMANDS;

/**
 * `npm run <script>` inside the test's process, for a fraction of a process's cost: the same clean environment
 * and the same CliRun (exit code, what it printed) as runCli. Signals and process exits need runCli.
 */
export async function runInProcess(
  script: InProcessScript,
  env: Record<string, string> = {},
  { args = [], cwd = ROOT, terminal = false }: { args?: readonly string[]; cwd?: string; terminal?: boolean } = {},
): Promise<CliRun> {
  const stdout = new Captured(terminal);
  const stderr = new Captured();
  const code = await COMMANDS[script]({ env: cliEnv(env), cwd, stdout, stderr }, args);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** `npm run verify` in-process; `terminal`: its stdout a terminal (progress lines), colours off. */
export const verifyInProcess = (
  env: Record<string, string> = {},
  terminal = false,
  args: readonly string[] = [],
): Promise<CliRun> => runInProcess('verify', terminal ? { NO_COLOR: '1', ...env } : env, { terminal, args });

/** `npm run contracts:hostile -- --verbose` in-process: every failure with its repro (`args` for another form). */
export const hostileInProcess = (
  env: Record<string, string> = {},
  args: readonly string[] = ['--verbose'],
): Promise<CliRun> => runInProcess('contracts:hostile', env, { args });
