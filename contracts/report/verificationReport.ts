import type { Colours } from '../output/terminal';
import { sessionsLine } from '../live/sessionLedger';
import {
  allResults,
  passed,
  reportPassed,
  type InteractionResult,
  type PactResults,
  type VerificationReport,
} from '../verification/results';

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
    result.pactProblems.length > 0 ? 'FAIL' : acceptedOn(result, 'pact') ? 'known' : 'pass',
    result.schemaProblems === undefined
      ? '-'
      : result.schemaProblems.length > 0
        ? 'FAIL'
        : acceptedOn(result, 'schema')
          ? 'known'
          : 'pass',
    `${Math.round(result.durationMs)} ms`,
  ];
}

/** Whether a known finding was accepted on that side of the row (a KNOW row shows which mismatch it accepts). */
const acceptedOn = (result: InteractionResult, side: 'pact' | 'schema'): boolean =>
  result.known.some((known) => known.startsWith(`${side}: `));

/** Every reason given for a result, each prefixed with its kind (pact, schema, known, broker told). */
export function reasonsOf(result: InteractionResult): string[] {
  return [
    ...result.pactProblems.map((problem) => `pact: ${problem}`),
    ...(result.schemaProblems ?? []).map((problem) => `schema: ${problem}`),
    ...result.known.map((problem) => `known: ${problem}`),
    ...(result.brokerTold ? [`broker told: ${result.brokerTold}`] : []),
    ...(result.declaredPending === undefined ? [] : [`pending: ${result.declaredPending}`]),
  ];
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
  lines.push(sessionsLine(sessions));
  for (const doubt of sessions.unknown) lines.push(`sessions: a creation failed after it was sent: ${doubt}`);
  if (report.rateLimitWaitMs > 0)
    lines.push(`rate limits: waited ${(report.rateLimitWaitMs / 1000).toFixed(1)} s in all`);
  for (const result of allResults(report)) {
    if (result.declaredPending === undefined || !passed(result)) continue;
    lines.push(
      report.providerIsReference
        ? `pending: "${result.description}" passes on the reference provider, which serves the spec; it stays pending until the real provider honours it`
        : `pending: "${result.description}" now passes: ${result.pendingDeclaredAt ?? 'its consumer declared it pending'}; remove that declaration and run npm run pacts:update, so the contract requires it again`,
    );
  }
  if (report.published) {
    const branch = report.published.providerBranch ? ` on branch ${report.published.providerBranch}` : '';
    for (const outcome of report.published.pacts) {
      if (!outcome.published) continue;
      const pendingCount =
        report.pacts
          .find((pact) => pact.consumer === outcome.consumer)
          ?.results.filter((result) => result.declaredPending !== undefined && !passed(result)).length ?? 0;
      const pendingNote = pendingCount
        ? ` (${pendingCount} pending interaction${pendingCount === 1 ? '' : 's'} failing, listed as pending and not counted)`
        : '';
      lines.push(
        `broker told: ${outcome.consumer}'s pact ${outcome.success ? 'verified' : 'FAILED'}${pendingNote}, as ${report.provider} version ${report.published.providerVersion}${branch}`,
      );
    }
  }
  lines.push(verdictLine(report));
  return lines;
}

export function verdictLine(report: VerificationReport): string {
  const results = allResults(report);
  const ok = results.filter(passed).length;
  const inPendingPacts = results.filter(
    (result) => !passed(result) && result.pending && result.declaredPending === undefined,
  ).length;
  const declared = results.filter((result) => !passed(result) && result.declaredPending !== undefined).length;
  const pendingNote = [
    inPendingPacts ? `; ${inPendingPacts} failed in pending pacts, which does not fail the run` : '',
    declared ? `; ${declared} pending interaction${declared === 1 ? '' : 's'} failed, which does not fail the run` : '',
  ].join('');
  const known = results.filter((result) => passed(result) && result.known.length > 0).length;
  const knownNote = known ? ` (${known} accepted as known)` : '';
  const filterNote = report.filter
    ? `; only those ${report.filter} keeps were replayed, the rest of the pact was not verified and no known finding is judged stale`
    : '';
  return `Verification ${reportPassed(report) ? 'PASSED' : 'FAILED'}: ${ok} of ${results.length} interactions passed${knownNote}${pendingNote}${filterNote}`;
}

/** One line per interaction (mark, name, expected, actual, Pact verdict, schema verdict, time), reasons beneath; grouped per pact from a broker. */
export function formatReport(report: VerificationReport, colours?: Colours): string {
  const results = allResults(report);
  const rows = results.map((result) => [
    `${markOf(result).padEnd(4)} ${rowCells(result)[0] ?? ''}`,
    ...rowCells(result).slice(1),
  ]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length + (column === 0 ? 5 : 0), ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [reportTitle(report), line([`     ${HEADER[0]}`, ...HEADER.slice(1)])];
  for (const pact of report.pacts) {
    if (groupedByPact(report)) lines.push(pactHeading(pact));
    for (const [at, result] of pact.results.entries()) {
      const heading = operationHeadingBefore(pact.results, at);
      if (heading) lines.push(`  ${heading}`);
      lines.push(
        paintMark(
          line([`${markOf(result).padEnd(4)} ${result.name}`, ...rowCells(result).slice(1)]),
          markOf(result),
          colours,
        ),
      );
      for (const reason of reasonsOf(result)) lines.push(`       ${reason}`);
    }
  }
  const footer = reportFooter(report);
  const verdict = footer.pop() ?? '';
  lines.push(
    ...footer,
    reportPassed(report) ? (colours?.green(verdict) ?? verdict) : (colours?.red(verdict) ?? verdict),
  );
  return lines.join('\n');
}

function paintMark(line: string, mark: ReturnType<typeof markOf>, colours: Colours | undefined): string {
  if (!colours) return line;
  const paint = mark === 'FAIL' ? colours.red : mark === 'ok' ? colours.green : colours.yellow;
  return `${paint(line.slice(0, 4))}${line.slice(4)}`;
}

/** The operation a row starts, when it is not the one of the row before: the report groups rows by operation. */
export function operationHeadingBefore(results: readonly InteractionResult[], at: number): string | undefined {
  const operation = results[at]?.operation;
  return operation !== undefined && operation !== results[at - 1]?.operation ? operation : undefined;
}

export function pactHeading(pact: PactResults): string {
  const versions = pact.consumerVersions
    .map(({ version, branch }) =>
      [version && `version ${version}`, branch && `on branch ${branch}`].filter(Boolean).join(' '),
    )
    .join(', ');
  const marks = [pact.pending ? 'pending' : '', pact.wip ? 'work in progress' : ''].filter(Boolean);
  return `pact: ${pact.consumer}${versions ? ` ${versions}` : ''}${marks.length ? ` (${marks.join(', ')})` : ''}`;
}
