/**
 * `npm run contracts:hostile` (hostile.ts starts it): hostile requests to the eight operations of the Connect flow (their tables: contracts/cases), a coverage pass
 * of every kind of request, then generated ones (fast-check, seeded), every answer judged by the registry of
 * checks; the check table, then one line per root cause (rootCause.ts) with the finding ids and the command that
 * replays the first (`-- --verbose`: each distinct failure once, shrunk, as curl lines and the replay command), all
 * recorded in reports/hostile-findings.json with JUnit and Markdown reports beside it.
 * `-- --replay <findings file> [id]` re-sends recorded findings instead, with fresh sessions, and says which
 * reproduced. The embedded reference provider by default, NANGO_BASE_URL / NANGO_SECRET_KEY for a real or local
 * Nango. Exit codes: 0 passed (nothing reproduced), 1 a failure (one reproduced), 2 could not run, 130/143 interrupted.
 */
import { relative, resolve } from 'node:path';
import { ConfigurationError } from '../configurationError';
import { ContractsError } from '../errors';
import { logLevelFrom } from '../pact/logLevel';
import { CHECK_NAMES, judge, type JudgeContext } from '../hostile/checks';
import { CaseRunner } from '../hostile/caseRunner';
import { coverageCases } from '../hostile/coverage';
import { readFindings, recordOf, reproOf, writeFindings, type FindingsRecord } from '../hostile/findingsFile';
import {
  formatHostileReport,
  hostilePassed,
  slowestOf,
  type HostileReport,
  type SlowestAnswer,
} from '../hostile/hostileReport';
import { searchForFailures, type SearchOutcome } from '../hostile/hostileSearch';
import { hostileSettingsFromEnv, type HostileSettings } from '../hostile/hostileSettings';
import { answersOf, requestsOf } from '../hostile/observation';
import { replay, replayLine } from '../hostile/replay';
import { knownFindingsFile, loadKnownFindings, type KnownFinding } from '../knownFindings';
import { openLiveRun, type LiveRun } from '../live/liveRun';
import { sessionsAccountedFor, sessionsLine } from '../live/sessionLedger';
import { nangoSpec } from '../nangoApi';
import { nangoValidators } from '../cases';
import { hostileOperations, lifecycleCase, type HostileOperation } from '../hostile/operations';
import type { CliIo } from '../output/cliIo';
import { EXIT, exitCodeOf } from '../output/exitCode';
import { redactor, type Redact } from '../output/redaction';
import { writeHostileReports } from '../report/hostileCiReports';
import { reportsDir } from '../report/evidenceFile';

const LABEL = 'contracts:hostile';

/** What the command was asked: a run, or a replay of recorded findings (all, or the one named). */
type Request =
  | { readonly kind: 'run'; readonly verbose: boolean }
  | { readonly kind: 'replay'; readonly file: string; readonly id: string | undefined };

function requestFrom(args: readonly string[]): Request {
  if (args.length === 0) return { kind: 'run', verbose: false };
  if (args.length === 1 && args[0] === '--verbose') return { kind: 'run', verbose: true };
  const [flag, file, id, ...more] = args;
  if (flag !== '--replay' || file === undefined || more.length > 0) {
    throw new ConfigurationError(
      `unexpected arguments ${JSON.stringify(args.join(' '))}: expected none, --verbose (every failure with its curl repro), or --replay <findings file> [finding id]`,
    );
  }
  return { kind: 'replay', file, id };
}

/** The whole run, with its exit code. Signals stop it only while it runs. */
export async function runHostile(io: CliIo, args: readonly string[] = []): Promise<number> {
  let settings: HostileSettings;
  let knownFindings: KnownFinding[];
  let request: Request;
  let record: FindingsRecord | undefined;
  try {
    // Every CLI refuses a bad LOG_LEVEL the same way, whether or not it loads Pact.
    logLevelFrom(io.env);
    request = requestFrom(args);
    settings = hostileSettingsFromEnv(io.env);
    knownFindings = loadKnownFindings(knownFindingsFile(io.env));
    if (request.kind === 'replay')
      record = selected(readFindings(resolve(io.cwd, request.file)), request.id, request.file);
  } catch (error) {
    if (!(error instanceof ContractsError)) throw error;
    io.stderr.write(`${LABEL} could not run: ${error.userLine}\n`);
    return error.exitCode;
  }
  const live = await openLiveRun(settings);
  const { ledger } = live;
  let interruptedBy: NodeJS.Signals | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    interruptedBy ??= signal;
    live.stop.stop(new Error(`interrupted by ${signal}`));
    ledger.hurry();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  // Every token the run created, and the secret key, in any piece: for everything it prints or writes.
  let redactSoFar: { readonly tokens: number; readonly redact: Redact } | undefined;
  const redact: Redact = (text) => {
    if (redactSoFar?.tokens !== ledger.issued.length)
      redactSoFar = { tokens: ledger.issued.length, redact: redactor([live.secretKey, ...ledger.issued]) };
    return redactSoFar.redact(text);
  };
  const context: JudgeContext = {
    validators: nangoValidators(),
    maxResponseMs: settings.maxResponseMs,
    closedResponses: settings.closedResponses,
  };
  const operations = hostileOperations(nangoSpec().root);
  const runner = new CaseRunner({
    baseUrl: live.baseUrl,
    secretKey: live.secretKey,
    timeoutMs: settings.timeoutMs,
    admin: live.admin,
    ledger,
    budget: live.budget,
    operations,
    stop: live.stop,
  });
  try {
    const code = record
      ? await replayRecord(io, record, live, runner, context, () => interruptedBy !== undefined, redact)
      : await search(
          io,
          settings,
          knownFindings,
          live,
          runner,
          context,
          operations,
          () => interruptedBy !== undefined,
          redact,
          request.kind === 'run' && request.verbose,
        );
    const problems = await ledger.cleanUp({ patient: true });
    if (interruptedBy) return interrupted(io, interruptedBy, live, redact);
    for (const problem of problems) io.stderr.write(`${redact(`run: ${problem}`)}\n`);
    // Something may remain: whatever the cases found, the run could not show it left nothing.
    if (!sessionsAccountedFor(ledger.account)) {
      io.stderr.write(`${redact(sessionsLine(ledger.account))}\n`);
      return EXIT.couldNotRun;
    }
    return code;
  } catch (error) {
    const problems = await ledger.cleanUp({ patient: true });
    if (interruptedBy) return interrupted(io, interruptedBy, live, redact);
    const account = ledger.account;
    const line = `${LABEL} could not run: ${(error as Error).message}${problems.length ? `; ${problems.join('; ')}` : ''}; ${sessionsLine(account)}`;
    // What may remain is the first thing said.
    io.stderr.write(`${redact(sessionsAccountedFor(account) ? line : `${sessionsLine(account)}\n${line}`)}\n`);
    return EXIT.couldNotRun;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await live.close();
  }
}

/** Interrupted: the account (what may remain first), then the signal's exit code. */
function interrupted(io: CliIo, signal: NodeJS.Signals, live: LiveRun, redact: Redact): number {
  const account = live.ledger.account;
  const line = sessionsAccountedFor(account)
    ? `${LABEL} interrupted by ${signal}; ${sessionsLine(account)}`
    : `${sessionsLine(account)}\n${LABEL} interrupted by ${signal}`;
  io.stderr.write(`${redact(line)}\n`);
  return exitCodeOf(signal);
}

/** The record, or only the finding `id` of it. */
function selected(record: FindingsRecord, id: string | undefined, file: string): FindingsRecord {
  if (id === undefined) return record;
  const findings = record.findings.filter((finding) => finding.id === id);
  if (findings.length === 0)
    throw new ConfigurationError(
      `${file} has no finding ${id} (it has ${record.findings.map((finding) => finding.id).join(', ') || 'none'})`,
    );
  return { ...record, findings };
}

async function replayRecord(
  io: CliIo,
  record: FindingsRecord,
  live: LiveRun,
  runner: CaseRunner,
  context: JudgeContext,
  stopped: () => boolean,
  redact: Redact,
): Promise<number> {
  io.stdout.write(
    `Replaying ${record.findings.length} finding(s) recorded against ${record.target.label} (${record.target.baseUrl}), now against ${live.label} (${live.baseUrl})\n`,
  );
  const results = await replay(record.findings, (hostile) => runner.run(hostile), context, stopped);
  for (const result of results) io.stdout.write(`${redact(replayLine(result))}\n`);
  await live.ledger.cleanUp();
  io.stdout.write(`${sessionsLine(live.ledger.account)}\n`);
  const reproduced = results.filter((result) => result.again).length;
  io.stdout.write(`Replay: ${reproduced} of ${results.length} reproduced\n`);
  return reproduced > 0 ? EXIT.failed : EXIT.passed;
}

async function search(
  io: CliIo,
  settings: HostileSettings,
  knownFindings: readonly KnownFinding[],
  live: LiveRun,
  runner: CaseRunner,
  context: JudgeContext,
  operations: readonly HostileOperation[],
  stopped: () => boolean,
  redact: Redact,
  verbose: boolean,
): Promise<number> {
  const started = Date.now();
  // This run owns its report files from now on: until it says more, they say it did not finish.
  const dir = reportsDir(io.env, io.cwd);
  const target = { label: live.label, baseUrl: live.baseUrl };
  writeFindings(
    dir,
    { generatedAt: new Date().toISOString(), finished: false, target, seed: settings.seed, findings: [] },
    redact,
  );
  writeHostileReports(
    dir,
    {
      kind: 'unfinished',
      message: `the hostile run against ${live.label} (${live.baseUrl}), seed ${settings.seed}, did not finish`,
    },
    redact,
    io.env,
  );
  let slowest: SlowestAnswer | undefined;
  const outcome = await searchForFailures(
    async (hostile) => {
      const observation = await runner.run(hostile);
      slowest = slowestOf(slowest, answersOf(observation));
      return { ...judge(observation, context), observation, requests: requestsOf(observation) };
    },
    {
      coverage: coverageCases(context.validators, operations),
      cases: lifecycleCase(operations),
      seed: settings.seed,
      runs: settings.runs,
      timeLimitMs: settings.timeLimitMs,
      replayPath: settings.replayPath,
      knownFindings,
      today: new Date().toISOString().slice(0, 10),
      stopped,
    },
  );
  const cleanUpProblems = await live.ledger.cleanUp();
  if (stopped()) return EXIT.couldNotRun; // the caller reports the interruption
  const report: HostileReport = {
    targetLabel: live.label,
    targetUrl: live.baseUrl,
    seed: settings.seed,
    durationMs: Date.now() - started,
    outcome,
    // Judged only against a real server, which the list is about: the embedded reference provider serves the spec.
    stale: settings.replayPath || live.embedded ? [] : staleFindings(knownFindings, outcome),
    sessions: live.ledger.account,
    cleanUpProblems,
    rateLimitWaitMs: live.budget.waitedMs,
    maxResponseMs: settings.maxResponseMs,
    slowest,
  };
  const findingsFile = writeFindings(dir, recordOf(outcome, target, settings.seed, redact), redact);
  const shown = shownPath(io.cwd, findingsFile);
  // The replay names the target (never the secret: NANGO_SECRET_KEY stays in the environment); the embedded one needs none.
  const where = live.embedded ? '' : `NANGO_BASE_URL=${live.baseUrl} `;
  const text = formatHostileReport(
    report,
    {
      curl: (found) => reproOf(live.baseUrl, found),
      replay: (id) => `${where}npm run contracts:hostile -- --replay ${shown} ${id}`,
      seedReplay: (found) =>
        live.embedded && found.path !== undefined
          ? `HOSTILE_SEED=${found.seed} HOSTILE_PATH=${found.path} npm run contracts:hostile`
          : undefined,
    },
    verbose,
  );
  io.stdout.write(`${redact(text)}\n`);
  const files = writeHostileReports(dir, { kind: 'report', report }, redact, io.env);
  io.stdout.write(`reports: ${[findingsFile, ...files].map((file) => shownPath(io.cwd, file)).join(', ')}\n`);
  return hostilePassed(report) ? EXIT.passed : EXIT.failed;
}

/** A file as the report names it: relative to where the command runs, unless that climbs out of it. */
function shownPath(cwd: string, file: string): string {
  const path = relative(cwd, file);
  return path === '' || path.startsWith('..') ? file : path;
}

/**
 * Known findings of these checks that did not occur although they could have: one that names a kind of request
 * is stale only when a request of that kind was sent; one that does not, when its check judged any request.
 */
function staleFindings(knownFindings: readonly KnownFinding[], outcome: SearchOutcome): KnownFinding[] {
  const met = new Set(
    [...outcome.known, ...outcome.failures].flatMap((found) => (found.known ? [found.known.finding] : [])),
  );
  return knownFindings.filter((finding) => {
    if (!CHECK_NAMES.includes(finding.check) || met.has(finding)) return false;
    return finding.kind !== undefined
      ? outcome.kindsSent.has(finding.kind)
      : (outcome.perCheck.get(finding.check)?.judged ?? 0) > 0;
  });
}
