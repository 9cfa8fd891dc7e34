import { operationAt } from '../cases';
import { describeFinding, type KnownFinding } from '../knownFindings';
import { sessionsAccountedFor, sessionsLine, type SessionAccount } from '../live/sessionLedger';
import { CHECK_NAMES } from './checks';
import { numbered } from './findingsFile';
import type { CheckCounts, FoundFailure, SearchOutcome } from './hostileSearch';
import { answersOf, type Answer } from './observation';
import { rootCauseOf, type RootCause } from './rootCause';

export interface HostileReport {
  readonly targetLabel: string;
  readonly targetUrl: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly outcome: SearchOutcome;
  /** Known findings of these checks that did not occur: to be removed from the list. */
  readonly stale: readonly KnownFinding[];
  readonly sessions: SessionAccount;
  readonly cleanUpProblems: readonly string[];
  readonly rateLimitWaitMs: number;
  /** HOSTILE_MAX_RESPONSE_MS, when set: max_response_time judges only then. */
  readonly maxResponseMs: number | undefined;
  readonly slowest: SlowestAnswer | undefined;
}

/** The slowest answer of the run, shown whether or not max_response_time has a bound. */
export interface SlowestAnswer {
  readonly durationMs: number;
  readonly method: string;
  /** The path it was sent to. */
  readonly path: string;
  readonly status: number;
}

/** The slowest answer of the run so far, given one case's answers: the slowest of them if slower, else `current`. */
export function slowestOf(current: SlowestAnswer | undefined, answers: readonly Answer[]): SlowestAnswer | undefined {
  let slowest = current;
  for (const { request, response, durationMs } of answers) {
    if (durationMs > (slowest?.durationMs ?? -1)) slowest = { durationMs, method: request.method, path: new URL(request.target, 'http://x').pathname, status: response.status };
  }
  return slowest;
}

export function hostilePassed(report: HostileReport): boolean {
  return report.outcome.failures.length === 0 && report.cleanUpProblems.length === 0 && sessionsAccountedFor(report.sessions);
}

/** How the report writes a finding's replay and curl lines. */
export interface Repro {
  /** Lines to paste into bash that reproduce the failure, sessions and all (`curlRepro`). */
  curl(found: FoundFailure): readonly string[];
  /** The command that re-sends finding `id` from the findings file, target and all. */
  replay(id: string): string;
  /** fast-check's seed-and-path replay, where it is exact (the embedded provider), else undefined. */
  seedReplay(found: FoundFailure): string | undefined;
}

/**
 * The summary table (requests judged, failures, and known failures the list accepts, per check), the coverage
 * pass, then one line per root cause (rootCause.ts) with the id that replays it, or, `verbose`, each distinct
 * failure once, shrunk, as a `curl` line with the command that replays it; then stale known findings and the sessions.
 */
export function formatHostileReport(report: HostileReport, repro: Repro, verbose = true): string {
  const { outcome } = report;
  const lines = [`Hostile requests to the connect-session lifecycle on ${report.targetLabel} (${report.targetUrl}), seed ${report.seed}`];
  const width = Math.max(...CHECK_NAMES.map((check) => check.length));
  lines.push(`${'check'.padEnd(width)}  requests  failures  known`);
  for (const check of CHECK_NAMES) {
    const counts = countsOf(outcome, check);
    if (check === 'max_response_time' && report.maxResponseMs === undefined) lines.push(`${check.padEnd(width)}  off (no bound: set HOSTILE_MAX_RESPONSE_MS)`);
    else lines.push(`${check.padEnd(width)}  ${String(counts.judged).padStart(8)}  ${String(counts.failed).padStart(8)}  ${String(counts.known).padStart(5)}`);
  }
  const { sent, total } = outcome.coverage;
  if (total > 0) lines.push(`coverage: ${sent} of ${total} kinds of request sent${sent < total ? ' (HOSTILE_RUNS or the time limit cut the pass short)' : ''}`);
  if (!verbose) {
    lines.push(...causeLines(outcome, repro));
    if (numbered(outcome).length) lines.push('details: each failure with the curl lines that reproduce it with -- --verbose; each cause with its spec clause and action: npm run findings (reports/findings.md)');
  }
  for (const { id, found } of verbose ? numbered(outcome) : []) {
    if (found.known && !found.known.expired) {
      lines.push(`known ${headline(found)}`, `       accepted: ${found.known.finding.reason}`, ...reproduction(id, found, repro));
    } else {
      const expired = found.known?.expired ? ` (accepted until ${found.known.finding.expires ?? '?'}, now expired: ${found.known.finding.reason})` : '';
      lines.push(`FAIL ${headline(found)}${expired}`, ...reproduction(id, found, repro));
    }
  }
  for (const finding of report.stale) lines.push(`stale: the known finding "${describeFinding(finding)}" did not occur: remove it from contracts/known-findings.yaml`);
  for (const problem of report.cleanUpProblems) lines.push(`run: ${problem}`);
  const { sessions } = report;
  lines.push(sessionsLine(sessions));
  if (report.slowest) {
    const { durationMs, method, path, status } = report.slowest;
    const bound = report.maxResponseMs === undefined ? '' : ` (bound: ${report.maxResponseMs} ms)`;
    lines.push(`slowest answer: ${Math.round(durationMs)} ms, ${method} ${path} → ${status}${bound}`);
  }
  if (report.rateLimitWaitMs > 0) lines.push(`rate limits: waited ${(report.rateLimitWaitMs / 1000).toFixed(1)} s in all`);
  const verdict = hostilePassed(report) ? 'PASSED' : 'FAILED';
  const cut = outcome.interrupted ? ' (stopped at the time limit)' : '';
  lines.push(
    `Hostile run ${verdict}: ${outcome.cases} cases, ${outcome.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s${cut}; ${outcome.failures.length} failure(s), ${outcome.known.length} known`,
  );
  return lines.join('\n');
}

/** A check's counts in the run: requests judged, failures, known failures (zeros for a check nothing judged). */
export function countsOf(outcome: Pick<SearchOutcome, 'perCheck'>, check: string): CheckCounts {
  return outcome.perCheck.get(check) ?? { judged: 0, failed: 0, known: 0 };
}

export function headline({ failure }: FoundFailure): string {
  return `${failure.check} (status ${failure.status ?? 'none'}${failure.code ? `, ${failure.code}` : ''}): ${failure.message}`;
}

/** The lines that reproduce it, the record replay, and how the finding was met. */
function reproduction(id: string, found: FoundFailure, repro: Repro): string[] {
  const seedReplay = repro.seedReplay(found);
  const origin =
    found.origin === 'coverage' ? 'found by the coverage pass, sent on every run' : `found by the search, seed ${found.seed}${seedReplay ? `; exact replay: ${seedReplay}` : ''}`;
  return [...repro.curl(found).map((line) => `       ${line}`), `       replay: ${repro.replay(id)}`, `       ${origin}`];
}

/** The root cause a found failure shows (rootCause.ts's rule). */
export function causeOfFound(found: FoundFailure): RootCause {
  const { failure, kinds, observation } = found;
  const answer = answersOf(observation).find((candidate) => candidate.request === failure.request);
  return rootCauseOf({
    check: failure.check,
    method: failure.request.method,
    path: new URL(failure.request.target, 'http://x').pathname,
    status: failure.status ?? 0,
    code: failure.code,
    contentType: answer?.response.contentType,
    problem: failure.message,
    kinds,
    body: answer?.response.bodyText ?? '',
  });
}

/**
 * One line per root cause: FAIL (or known, with why it is accepted), what it is, the checks and operations that
 * showed it, the finding ids, and the command that replays the first of them.
 */
function causeLines(outcome: SearchOutcome, repro: Repro): string[] {
  const causes = new Map<string, { title: string; ids: string[]; checks: Set<string>; operations: Set<string>; known: string | undefined; failing: boolean }>();
  for (const { id, found } of numbered(outcome)) {
    const cause = causeOfFound(found);
    const accepted = found.known && !found.known.expired ? found.known.finding.reason : undefined;
    const key = `${accepted === undefined ? 'fail' : 'known'} ${cause.key}`;
    const entry = causes.get(key) ?? { title: cause.title, ids: [], checks: new Set<string>(), operations: new Set<string>(), known: accepted, failing: accepted === undefined };
    entry.ids.push(id);
    entry.checks.add(found.failure.check);
    const { method } = found.failure.request;
    const path = new URL(found.failure.request.target, 'http://x').pathname;
    // A concrete path (`/connection/abc`) under its operation's template: one name, whichever connection a case made.
    entry.operations.add(`${method} ${operationAt(method, path)?.operation.path ?? path}`);
    causes.set(key, entry);
  }
  return [...causes.values()].map(({ title, ids, checks, operations, known, failing }) => {
    const where = `${[...checks].join(', ')} on ${[...operations].join(', ')}`;
    return `${failing ? 'FAIL' : 'known'} ${title} [${where}] (${ids.join(', ')}); replay: ${repro.replay(ids[0] ?? '')}${known ? `; accepted: ${known}` : ''}`;
  });
}
