import { describeFinding, type KnownFinding } from '../knownFindings';
import { sessionsAccountedFor, sessionsLine, type SessionAccount } from '../live/sessionLedger';
import { CHECK_NAMES } from './checks';
import type { FoundFailure, SearchOutcome } from './hostileSearch';
import type { SentRequest } from './rawRequest';

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
  readonly status: number;
}

export function hostilePassed(report: HostileReport): boolean {
  return report.outcome.failures.length === 0 && report.cleanUpProblems.length === 0 && sessionsAccountedFor(report.sessions);
}

/**
 * The summary table (requests judged and failures, per check), then each distinct failure once, shrunk, as a
 * `curl` line with the seed and the command that replays it; then known findings and stale ones, and the sessions.
 */
export function formatHostileReport(report: HostileReport, curl: (request: SentRequest) => string): string {
  const { outcome } = report;
  const lines = [`Hostile requests to DELETE /connect/session on ${report.targetLabel} (${report.targetUrl}), seed ${report.seed}`];
  const width = Math.max(...CHECK_NAMES.map((check) => check.length));
  lines.push(`${'check'.padEnd(width)}  requests  failures`);
  for (const check of CHECK_NAMES) {
    const counts = outcome.perCheck.get(check) ?? { judged: 0, failed: 0 };
    if (check === 'max_response_time' && report.maxResponseMs === undefined) lines.push(`${check.padEnd(width)}  off (no bound: set HOSTILE_MAX_RESPONSE_MS)`);
    else lines.push(`${check.padEnd(width)}  ${String(counts.judged).padStart(8)}  ${String(counts.failed).padStart(8)}`);
  }
  for (const found of outcome.failures) {
    const expired = found.known?.expired ? ` (accepted until ${found.known.finding.expires ?? '?'}, now expired: ${found.known.finding.reason})` : '';
    lines.push(`FAIL ${headline(found)}${expired}`, ...reproduction(found, curl));
  }
  for (const found of outcome.known) {
    lines.push(`known ${headline(found)}`, `       accepted: ${found.known?.finding.reason ?? ''}`, ...reproduction(found, curl));
  }
  for (const finding of report.stale) lines.push(`stale: the known finding "${describeFinding(finding)}" did not occur: remove it from contracts/known-findings.yaml`);
  for (const problem of report.cleanUpProblems) lines.push(`run: ${problem}`);
  const { sessions } = report;
  lines.push(sessionsLine(sessions));
  if (report.slowest) {
    const { durationMs, method, status } = report.slowest;
    const bound = report.maxResponseMs === undefined ? '' : ` (bound: ${report.maxResponseMs} ms)`;
    lines.push(`slowest answer: ${Math.round(durationMs)} ms, ${method} /connect/session → ${status}${bound}`);
  }
  if (report.rateLimitWaitMs > 0) lines.push(`rate limits: waited ${(report.rateLimitWaitMs / 1000).toFixed(1)} s in all`);
  const verdict = hostilePassed(report) ? 'PASSED' : 'FAILED';
  const cut = outcome.interrupted ? ' (stopped at the time limit)' : '';
  lines.push(
    `Hostile run ${verdict}: ${outcome.cases} cases, ${outcome.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s${cut}; ${outcome.failures.length} failure(s), ${outcome.known.length} known`,
  );
  return lines.join('\n');
}

function headline({ failure }: FoundFailure): string {
  return `${failure.check} (status ${failure.status ?? 'none'}${failure.code ? `, ${failure.code}` : ''}): ${failure.message}`;
}

function reproduction(found: FoundFailure, curl: (request: SentRequest) => string): string[] {
  const replay =
    found.origin === 'coverage'
      ? 'coverage pass: sent on every run'
      : found.path === undefined
        ? `seed ${found.seed}`
        : `seed ${found.seed}, replay: HOSTILE_SEED=${found.seed} HOSTILE_PATH=${found.path} npm run contracts:hostile`;
  return [`       ${curl(found.failure.request)}`, `       ${replay}`];
}
