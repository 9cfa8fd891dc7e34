/** The outcome of replaying one interaction. */
export interface InteractionResult {
  readonly name: string;
  readonly description: string;
  readonly expectedStatus: number;
  /** What the provider answered; undefined when it never answered. */
  readonly actualStatus: number | undefined;
  /** Pact's own matching (status, headers, body), plus provider-state failures. */
  readonly pactProblems: readonly string[];
  /** What the spec says of the live response (documented status, media type, schema); undefined when none came. */
  readonly schemaProblems: readonly string[] | undefined;
  readonly durationMs: number;
}

export interface VerificationReport {
  readonly consumer: string;
  readonly provider: string;
  readonly providerUrl: string;
  readonly providerLabel: string;
  readonly results: readonly InteractionResult[];
  /** Sessions that could not be cleaned up, and other run-wide problems. */
  readonly runProblems: readonly string[];
}

export function passed(result: InteractionResult): boolean {
  return result.pactProblems.length === 0 && result.schemaProblems !== undefined && result.schemaProblems.length === 0;
}

export function reportPassed(report: VerificationReport): boolean {
  return report.results.length > 0 && report.results.every(passed) && report.runProblems.length === 0;
}

/** One line per interaction (name, expected, actual, Pact verdict, schema verdict, time), reasons beneath. */
export function formatReport(report: VerificationReport): string {
  const header = ['interaction', 'expected', 'actual', 'pact', 'schema', 'time'];
  const rows = report.results.map((result) => [
    `${passed(result) ? 'ok  ' : 'FAIL'} ${result.name}`,
    String(result.expectedStatus),
    result.actualStatus === undefined ? 'none' : String(result.actualStatus),
    result.pactProblems.length === 0 ? 'pass' : 'FAIL',
    result.schemaProblems === undefined ? '-' : result.schemaProblems.length === 0 ? 'pass' : 'FAIL',
    `${Math.round(result.durationMs)} ms`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length + (column === 0 ? 5 : 0), ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const lines = [
    `Provider verification of ${report.consumer} -> ${report.provider} against ${report.providerLabel} (${report.providerUrl})`,
    line([`     ${header[0]}`, ...header.slice(1)]),
  ];
  report.results.forEach((result, index) => {
    lines.push(line(rows[index] ?? []));
    for (const problem of result.pactProblems) lines.push(`       pact: ${problem}`);
    for (const problem of result.schemaProblems ?? []) lines.push(`       schema: ${problem}`);
  });
  for (const problem of report.runProblems) lines.push(`run: ${problem}`);
  const ok = report.results.filter(passed).length;
  lines.push(`Verification ${reportPassed(report) ? 'PASSED' : 'FAILED'}: ${ok} of ${report.results.length} interactions passed`);
  return lines.join('\n');
}
