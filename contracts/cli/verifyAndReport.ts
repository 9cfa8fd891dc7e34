import { relative } from 'node:path';
import { readGitFacts } from '../broker/versionInfo';
import { ContractsError } from '../errors';
import { knownFindingsFile, loadKnownFindings, type KnownFinding } from '../knownFindings';
import { exitCodeOf } from '../output/exitCode';
import { asPrinted, coloursFor, type Colours } from '../output/terminal';
import { writeCiReports, type RunOutcome } from '../report/ciReports';
import { HeldOutput, progressLine } from '../report/progress';
import { reportsDir, writeEvidence, type EvidenceSubject } from '../report/evidenceFile';
import { SPEC_FILE } from '../nangoApi';
import { applyKnownFindings } from '../report/knownInVerification';
import { withPendingDeclarations } from '../report/pendingInVerification';
import { loadPendingInteractions, pendingInteractionsFile, type PendingDeclaration } from '../pact/pendingInteractions';
import { formatReport } from '../report/verificationReport';
import { reportPassed, allResults, type VerificationReport } from '../verification/results';
import { startVerificationWorker, type WorkerLauncher, type WorkerRun } from '../verification/worker/runWorker';
import { settingsFromEnv, type VerificationSettings } from '../verification/settings';
import { pactEnvironment } from '../verification/worker/pactEnvironment';
import type { WorkerSettings } from '../verification/worker/workerProtocol';
import { failureDetail } from '../verification/pactWorkarounds';
import { isVerbose } from '../pact/logLevel';
import { sessionsAccountedFor } from '../live/sessionLedger';
import { processIo, type CliIo } from '../output/cliIo';

export interface VerificationOptions {
  /** Print nothing until release(): the main job's consumer tests have the terminal first. */
  readonly held?: boolean;
  /** Load everything, but send no request before release(), when this says so of the settings. */
  readonly waitForRelease?: (settings: VerificationSettings) => boolean;
  /** A new worker process by default; tests keep one for many runs. */
  readonly launch?: WorkerLauncher;
}

export interface Verification {
  /** Prints what was held back, then goes on live; lets a worker that waits start. */
  release(): void;
  /** Stops the worker (it cleans up first) and drops its progress and report: only its own messages remain. */
  cancel(): void;
  /** Drops its progress and report, held or to come, leaving the worker be: only its own messages remain. */
  discard(): void;
  /** 0 all passed, 1 a verification failed, 2 the run could not start, 130/143 interrupted. */
  readonly exitCode: Promise<number>;
  /** LOG_LEVEL asks for Pact's output in full. */
  readonly verbose: boolean;
}

/**
 * Starts a verification run in its worker: one progress line per interaction as it finishes, then the report,
 * Pact's native detail for the failing interactions, and the CI reports (junit.xml, summary.md, evidence).
 * Throws ConfigurationError, before any process starts, on bad settings.
 */
export function startVerification(io: CliIo, options: VerificationOptions = {}): Verification {
  const { env, cwd } = io;
  const settings: VerificationSettings = settingsFromEnv(env, () => readGitFacts(cwd));
  const knownFindings: KnownFinding[] = loadKnownFindings(knownFindingsFile(env));
  const pendingFile = pendingInteractionsFile(env);
  const pending = { file: pendingFile, declarations: loadPendingInteractions(pendingFile) };
  // Pact's own output is shown in full when verbose, else only for failing interactions.
  const verbose = isVerbose(settings.logLevel);
  const out = new HeldOutput(io, options.held === true);
  const colours = coloursFor(io.stdout, env);
  const launch = options.launch ?? startVerificationWorker;
  // This run owns its report files from now on: until it says more, they say it did not finish.
  const dir = reportsDir(env, cwd);
  const subject: EvidenceSubject = {
    target: settings.target.kind,
    specFile: SPEC_FILE,
    pactFile: settings.source.kind === 'file' ? settings.source.file : undefined,
  };
  const unfinished = 'provider verification did not finish (it was stopped, or is still running)';
  writeCiReports(dir, { kind: 'error', message: unfinished }, SUITE_NAME, (text) => text, {});
  writeEvidence(dir, subject, { outcome: 'running', message: unfinished }, (text) => text);
  // Parsed once, here: the worker gets the settings as data, and Pact's own variables made from them.
  const workerSettings: WorkerSettings = {
    verification: settings,
    knownFindings,
    pactEnv: pactEnvironment(settings, env),
  };
  const worker = launch(workerSettings, env, cwd, {
    waitForGo: options.waitForRelease?.(settings) === true,
    // A line per interaction shows a terminal the run moving; piped (CI, a log file) the table says it once.
    onProgress: (progress) =>
      io.stdout.isTTY === true ? out.write('stdout', `${progressLine(progress, colours)}\n`) : undefined,
    onLine: (line, stream) => {
      if (stream === 'stderr' || verbose) out.write(stream, `${asPrinted(line, colours)}\n`);
    },
  });
  let cancelled = false;
  const exitCode = worker.done.then((run) => {
    if (cancelled) {
      const message = 'provider verification stopped: the consumer contracts failed';
      writeCiReports(dir, { kind: 'error', message }, SUITE_NAME, run.redact, {});
      writeEvidence(dir, subject, { outcome: 'interrupted', message }, run.redact);
      return exitCodeOf(run.interruptedBy ?? 'SIGTERM');
    }
    // Still held when the consumer tests outlast the run: the caller releases it.
    return conclude(run, { dir, subject, knownFindings, pending }, io, out, colours, verbose);
  });
  return {
    release: () => {
      out.release();
      worker.go();
    },
    cancel: () => {
      cancelled = true;
      out.dropStdout();
      worker.interrupt('SIGTERM');
    },
    discard: () => out.dropStdout(),
    exitCode,
    verbose,
  };
}

/** `npm run verify`: the whole run, live. */
/** What `npm run verify -- --help` prints: it takes no arguments, the environment chooses everything. */
export const VERIFY_USAGE =
  'usage: npm run verify (no arguments: the environment chooses the provider, the pacts and what is published; see docs/configuration.md)';

/**
 * A CLI that takes no arguments: `--help` (or `-h`) is answered with `usage` (exit 0), any other argument refused in
 * one line (exit 2), before anything runs; undefined when there are none.
 */
export function noArguments(args: readonly string[], usage: string, label: string, io: CliIo): number | undefined {
  if (args.length === 0) return undefined;
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  io.stderr.write(`${label} could not run: unexpected arguments ${JSON.stringify(args.join(' '))}: ${usage}\n`);
  return 2;
}

export async function verifyAndReport(
  io: CliIo = processIo(),
  launch?: WorkerLauncher,
  args: readonly string[] = [],
): Promise<number> {
  const refused = noArguments(args, VERIFY_USAGE, 'verification', io);
  if (refused !== undefined) return refused;
  try {
    return await startVerification(io, launch ? { launch } : {}).exitCode;
  } catch (error) {
    if (!(error instanceof ContractsError)) throw error;
    io.stderr.write(`verification could not run: ${error.userLine}\n`);
    return error.exitCode;
  }
}

/** Where the run's reports go, what its evidence is about, and the findings it accepts. */
interface RunContext {
  readonly dir: string;
  readonly subject: EvidenceSubject;
  readonly knownFindings: readonly KnownFinding[];
  /** This consumer's pending declarations, to name the one to remove when its interaction passes. */
  readonly pending: { readonly file: string; readonly declarations: readonly PendingDeclaration[] };
}

const SUITE_NAME = 'provider verification';

function conclude(
  run: WorkerRun,
  { dir, subject, knownFindings, pending }: RunContext,
  io: CliIo,
  out: HeldOutput,
  colours: Colours,
  verbose: boolean,
): number {
  const { env } = io;
  if (run.interruptedBy) {
    const message = `verification interrupted by ${run.interruptedBy}`;
    out.write('stderr', `${message}\n`);
    writeCiReports(dir, { kind: 'error', message }, SUITE_NAME, run.redact, env);
    writeEvidence(dir, subject, { outcome: 'interrupted', message }, run.redact);
    return exitCodeOf(run.interruptedBy);
  }
  if (run.outcome.kind === 'error') {
    const message = run.redact(`verification could not run: ${run.outcome.message}`);
    out.write('stderr', `${message}\n`);
    writeCiReports(dir, { kind: 'error', message }, SUITE_NAME, run.redact, env);
    writeEvidence(dir, subject, { outcome: 'could-not-run', message }, run.redact);
    return 2;
  }
  const { report } = run.outcome;
  // A result that was to be published and was not: the run must not look as if the broker had it.
  const notPublished = (report.published?.pacts ?? []).flatMap((outcome) =>
    outcome.published ? [] : [`results not published for ${outcome.consumer}: ${outcome.why}`],
  );
  const declared = withPendingDeclarations(
    { ...report, runProblems: [...report.runProblems, ...notPublished] },
    pending.declarations,
    pending.file,
  );
  const full: VerificationReport = applyKnownFindings(declared, knownFindings, new Date().toISOString().slice(0, 10));
  // Pact's own detail for the interactions Pact failed: one the spec alone objected to has only (OK) lines there.
  const failing = new Set(
    allResults(full)
      .filter((result) => result.pactProblems.length > 0)
      .map((result) => result.description),
  );
  if (!verbose && failing.size > 0) {
    const detail = failureDetail(run.nativeOutput, failing);
    if (detail.length)
      out.write(
        'stdout',
        `\nPact's verifier on the failing interactions:\n${detail.map((line) => asPrinted(line, colours)).join('\n')}\n`,
      );
  }
  out.write('stdout', `\n${run.redact(formatReport(full, colours))}\n`);
  writeEvidence(dir, subject, { outcome: reportPassed(full) ? 'passed' : 'failed', report: full }, run.redact);
  const outcome: RunOutcome = { kind: 'report', report: full };
  const files = writeCiReports(dir, outcome, SUITE_NAME, run.redact, env);
  out.write('stdout', colours.dim(`reports: ${files.map((file) => relative(io.cwd, file) || file).join(', ')}\n`));
  // Something may remain on the provider: whatever the verdict, the run could not show it left nothing.
  if (!sessionsAccountedFor(full.sessions)) return 2;
  return reportPassed(full) ? 0 : 1;
}
