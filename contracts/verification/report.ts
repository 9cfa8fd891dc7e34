import type { Colours } from '../terminal';
import type { SessionAccount } from './sessionLedger';

/** The outcome of replaying one interaction. */
export interface InteractionResult {
  readonly name: string;
  readonly description: string;
  /** undefined when neither the documented cases nor the verifier's output says. */
  readonly expectedStatus: number | undefined;
  /** What the provider answered; undefined when it never answered. */
  readonly actualStatus: number | undefined;
  /** Pact's own matching (status, headers, body), plus provider-state failures. */
  readonly pactProblems: readonly string[];
  /** What the spec says of the live response (documented status, media type, schema); undefined when none came. */
  readonly schemaProblems: readonly string[] | undefined;
  readonly durationMs: number;
  /** Pending (Pact's sense): its failure is shown but does not fail the run. */
  readonly pending: boolean;
  /** Problems accepted in the known-findings list, with the reason: shown, not failing. */
  readonly known: readonly string[];
}

/** The interactions of one pact, as the verifier met them. */
export interface PactResults {
  readonly consumer: string;
  /** The consumer versions the broker said the pact belongs to (none for a local file). */
  readonly consumerVersions: readonly string[];
  readonly pending: boolean;
  readonly wip: boolean;
  readonly results: readonly InteractionResult[];
}

export interface VerificationReport {
  readonly provider: string;
  readonly providerUrl: string;
  readonly providerLabel: string;
  /** Where the pacts came from: a file, "the Pact Broker at …", a pact URL. */
  readonly pactSource: string;
  readonly fromBroker: boolean;
  readonly pacts: readonly PactResults[];
  /** Sessions that could not be cleaned up, pacts that could not be loaded, and other run-wide problems. */
  readonly runProblems: readonly string[];
  /** Set when the verifier was asked to publish its results. */
  readonly published: { readonly providerVersion: string; readonly providerBranch: string | undefined } | undefined;
  /** The connect sessions the run created, and how many of them are gone. */
  readonly sessions: SessionAccount;
  /** Time spent waiting out rate limits (429). */
  readonly rateLimitWaitMs: number;
  /** Known findings about verification that did not occur in this run: to be removed from the list. */
  readonly staleFindings: readonly string[];
}

/** Every session the run created is gone, and no creation was left in doubt. */
export function sessionsAccountedFor(sessions: SessionAccount): boolean {
  return sessions.created === sessions.deleted && sessions.unknown.length === 0;
}

export function passed(result: InteractionResult): boolean {
  return result.pactProblems.length === 0 && result.schemaProblems !== undefined && result.schemaProblems.length === 0;
}

export function allResults(report: VerificationReport): InteractionResult[] {
  return report.pacts.flatMap((pact) => pact.results);
}

export function reportPassed(report: VerificationReport): boolean {
  const results = allResults(report);
  return results.length > 0 && results.every((result) => passed(result) || result.pending) && report.runProblems.length === 0 && sessionsAccountedFor(report.sessions);
}

const HEADER = ['interaction', 'expected', 'actual', 'pact', 'schema', 'time'] as const;

/** The row's mark: ok, KNOW (passed with an accepted finding), PEND (failed in a pending pact), FAIL. */
export function markOf(result: InteractionResult): 'ok' | 'KNOW' | 'PEND' | 'FAIL' {
  return passed(result) ? (result.known.length ? 'KNOW' : 'ok') : result.pending ? 'PEND' : 'FAIL';
}

/** The cells of one report row after the mark: name, expected, actual, Pact verdict, schema verdict, time. */
export function rowCells(result: InteractionResult): string[] {
  return [
    result.name,
    result.expectedStatus === undefined ? '?' : String(result.expectedStatus),
    result.actualStatus === undefined ? 'none' : String(result.actualStatus),
    result.pactProblems.length === 0 ? 'pass' : 'FAIL',
    result.schemaProblems === undefined ? '-' : result.schemaProblems.length === 0 ? 'pass' : 'FAIL',
    `${Math.round(result.durationMs)} ms`,
  ];
}

/** Every reason given for a result, each prefixed with its kind (pact, schema, known). */
export function reasonsOf(result: InteractionResult): string[] {
  return [...result.pactProblems.map((problem) => `pact: ${problem}`), ...(result.schemaProblems ?? []).map((problem) => `schema: ${problem}`), ...result.known.map((problem) => `known: ${problem}`)];
}

/** Whether the report groups its rows per pact (several pacts, or pacts from a broker). */
export function groupedByPact(report: VerificationReport): boolean {
  return report.fromBroker || report.pacts.length !== 1;
}

export function reportTitle(report: VerificationReport): string {
  const [only] = report.pacts;
  return groupedByPact(report) || !only
    ? `Provider verification of ${report.provider} against ${report.providerLabel} (${report.providerUrl}), pacts from ${report.pactSource}`
    : `Provider verification of ${only.consumer} -> ${report.provider} against ${report.providerLabel} (${report.providerUrl})`;
}

/** The lines after the table: run problems, stale findings, sessions, rate limits, publication, verdict. */
export function reportFooter(report: VerificationReport): string[] {
  const lines: string[] = [];
  for (const problem of report.runProblems) lines.push(`run: ${problem}`);
  for (const stale of report.staleFindings) lines.push(`stale: ${stale}`);
  const { sessions } = report;
  lines.push(`sessions: ${sessions.created} created, ${sessions.deleted} deleted (end user ${sessions.endUserId})${sessionsAccountedFor(sessions) ? '' : ': NOT ALL ACCOUNTED FOR'}`);
  for (const doubt of sessions.unknown) lines.push(`sessions: a creation failed after it was sent: ${doubt}`);
  if (report.rateLimitWaitMs > 0) lines.push(`rate limits: waited ${(report.rateLimitWaitMs / 1000).toFixed(1)} s in all`);
  if (report.published) {
    const branch = report.published.providerBranch ? ` on branch ${report.published.providerBranch}` : '';
    lines.push(`Results published to the Pact Broker as ${report.provider} version ${report.published.providerVersion}${branch}, one per pact`);
  }
  lines.push(verdictLine(report));
  return lines;
}

export function verdictLine(report: VerificationReport): string {
  const results = allResults(report);
  const ok = results.filter(passed).length;
  const pendingFailures = results.filter((result) => !passed(result) && result.pending).length;
  const pendingNote = pendingFailures ? `; ${pendingFailures} failed in pending pacts, which does not fail the run` : '';
  return `Verification ${reportPassed(report) ? 'PASSED' : 'FAILED'}: ${ok} of ${results.length} interactions passed${pendingNote}`;
}

/** One line per interaction (mark, name, expected, actual, Pact verdict, schema verdict, time), reasons beneath; grouped per pact from a broker. */
export function formatReport(report: VerificationReport, colours?: Colours): string {
  const results = allResults(report);
  const rows = results.map((result) => [`${markOf(result).padEnd(4)} ${rowCells(result)[0] ?? ''}`, ...rowCells(result).slice(1)]);
  const widths = HEADER.map((title, column) => Math.max(title.length + (column === 0 ? 5 : 0), ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const lines = [reportTitle(report), line([`     ${HEADER[0]}`, ...HEADER.slice(1)])];
  for (const pact of report.pacts) {
    if (groupedByPact(report)) lines.push(pactHeading(pact));
    for (const result of pact.results) {
      lines.push(paintMark(line([`${markOf(result).padEnd(4)} ${result.name}`, ...rowCells(result).slice(1)]), markOf(result), colours));
      for (const reason of reasonsOf(result)) lines.push(`       ${reason}`);
    }
  }
  const footer = reportFooter(report);
  const verdict = footer.pop() ?? '';
  lines.push(...footer, reportPassed(report) ? (colours?.green(verdict) ?? verdict) : (colours?.red(verdict) ?? verdict));
  return lines.join('\n');
}

function paintMark(line: string, mark: ReturnType<typeof markOf>, colours: Colours | undefined): string {
  if (!colours) return line;
  const paint = mark === 'FAIL' ? colours.red : mark === 'ok' ? colours.green : colours.yellow;
  return `${paint(line.slice(0, 4))}${line.slice(4)}`;
}

export function pactHeading(pact: PactResults): string {
  const versions = pact.consumerVersions.length ? ` version ${pact.consumerVersions.join(', ')}` : '';
  const marks = [pact.pending ? 'pending' : '', pact.wip ? 'work in progress' : ''].filter(Boolean);
  return `pact: ${pact.consumer}${versions}${marks.length ? ` (${marks.join(', ')})` : ''}`;
}
