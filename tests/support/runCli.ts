import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch';

export const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The scripts of package.json that start a CLI of contracts/cli: node's arguments, as package.json gives them. */
const bundled = (...args: string[]): string[] => [join(ROOT, 'contracts', 'cli', 'bundled.js'), ...args];
const SCRIPTS = {
  verify: bundled('verify'),
  contracts: bundled('contracts'),
  'pact:publish': bundled('pactPublish'),
  'can-i-deploy': bundled('brokerGate', 'can-i-deploy'),
  'record-deployment': bundled('brokerGate', 'record-deployment'),
  'pact:publish-provider-contract': bundled('publishProviderContract'),
  'contracts:hostile': bundled('hostile'),
  'broker:setup': bundled('brokerSetup'),
  findings: bundled('findings'),
} as const;
export type Script = keyof typeof SCRIPTS;

/** What the developer's shell or a CI service may have set that would change what a run does. */
const AMBIENT =
  /^(NANGO_|HOSTILE_|KNOWN_FINDINGS_FILE$|LOG_LEVEL$|PACT_(?!DO_NOT_TRACK$)|GITHUB_|GITLAB_CI$|CI_|CIRCLE|BUILDKITE|TF_BUILD$|BITBUCKET_|TRAVIS|JENKINS_URL$|GIT_(BRANCH|COMMIT)$|BRANCH_NAME$|CHANGE_BRANCH$)/;

export interface RunOptions {
  /** Arguments after `npm run <script> --`. */
  readonly args?: readonly string[];
  /** Where it runs (default: the project's root, as `npm run` does). */
  readonly cwd?: string;
  /** Gets the child once started, e.g. to signal it. */
  readonly onStart?: (child: ChildProcess) => void;
  /** Starts it as the leader of its own process group, so a test can signal the group as a terminal does. */
  readonly detached?: boolean;
}

/** The environment a CLI runs with in a test: a clean one, its own reports folder, then what the test sets. */
export function cliEnv(env: Record<string, string>): Record<string, string | undefined> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !AMBIENT.test(name)));
  // Each run writes its reports apart, so runs in parallel never read each other's.
  return { ...base, ...EMPTY_CA_STORE, REPORTS_DIR: scratchDir('reports'), ...env };
}

/**
 * Pact's native code (the verifier, the CLI) reads the system's CA store for every HTTP client it builds: half of
 * a verification's cost. Every server a test runs is plain HTTP on loopback, so tests give it an empty store.
 */
const EMPTY_CA_STORE = (() => {
  const dir = scratchDir('ca-store');
  const file = join(dir, 'none.pem');
  writeFileSync(file, '');
  return { SSL_CERT_FILE: file, SSL_CERT_DIR: dir };
})();

/**
 * Runs a CLI of contracts/cli as `npm run <script>` would, with the given environment on top of a clean one (no
 * NANGO_*, PACT_*, LOG_LEVEL or CI variables from the developer's shell or the CI running the tests).
 */
export function runCli(
  script: Script,
  env: Record<string, string> = {},
  { args = [], cwd = ROOT, onStart, detached = false }: RunOptions = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [...SCRIPTS[script], ...args], {
    cwd,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The report's line for one interaction, and the indented reasons beneath it. */
export function reportRow(stdout: string, caseName: string): { line: string; reasons: string[] } {
  const lines = stdout.split('\n');
  const index = lines.findIndex((line) =>
    new RegExp(`^(ok  |FAIL|PEND|KNOW) ${caseName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`).test(line),
  );
  if (index === -1) throw new Error(`no report line for "${caseName}" in:\n${stdout}`);
  const reasons: string[] = [];
  for (const line of lines.slice(index + 1)) {
    if (!line.startsWith('       ')) break;
    reasons.push(line.trim());
  }
  return { line: lines[index] ?? '', reasons };
}
