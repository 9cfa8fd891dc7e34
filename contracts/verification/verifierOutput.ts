/** One pact as the verifier's output shows it: the notices the broker gave for it, then its interactions. */
export interface PactSection {
  readonly consumer: string;
  readonly consumerVersions: readonly string[];
  readonly pending: boolean;
  readonly wip: boolean;
  readonly interactions: ReadonlyArray<{ readonly description: string; readonly expectedStatus: number | undefined }>;
}

const HEADING = /^Verifying a pact between (.+) and (.+)$/;
/** `  <description> (2ms loading, 86ms verification)`: an interaction the verifier ran. */
const INTERACTION = /^ {2}(\S.*) \([^()]*loading, [^()]*verification\)/;
/** A broker notice names each consumer version in parentheses: `… from branch 'main' (1.2.3)`. */
/** `      has status code 404 (OK)`: the status the interaction expects. */
const EXPECTED_STATUS = /^ +has status code (\d+) /;
const VERSION_IN_NOTICE = / \(([^()\s]+)\)/g;

/**
 * Splits the verifier's output into pacts. The JSON results list interactions without their pact; the output
 * has a heading per pact, preceded by the broker's notices (why it is verified, consumer versions, pending).
 */
export function pactSections(output: readonly string[]): PactSection[] {
  const sections: Array<{ consumer: string; notices: string[]; interactions: Array<{ description: string; expectedStatus: number | undefined }> }> = [];
  let notices: string[] = [];
  for (const line of output) {
    const heading = HEADING.exec(line);
    if (heading) {
      sections.push({ consumer: heading[1] ?? '', notices, interactions: [] });
      notices = [];
      continue;
    }
    const interaction = INTERACTION.exec(line);
    if (interaction && sections.length > 0) {
      sections.at(-1)?.interactions.push({ description: interaction[1] ?? '', expectedStatus: undefined });
      continue;
    }
    const status = EXPECTED_STATUS.exec(line);
    const last = sections.at(-1)?.interactions.at(-1);
    if (status && last && last.expectedStatus === undefined) {
      last.expectedStatus = Number(status[1]);
      continue;
    }
    if (/^\S/.test(line)) notices.push(line);
  }
  return sections.map(({ consumer, notices: said, interactions }) => {
    const why = said.filter((notice) => /is being verified because/.test(notice));
    return {
      consumer,
      consumerVersions: [...new Set(why.flatMap((notice) => [...notice.matchAll(VERSION_IN_NOTICE)].map((match) => match[1] ?? '')))],
      pending: said.some((notice) => /\bpending state\b/i.test(notice)),
      wip: said.some((notice) => /work in progress/i.test(notice)),
      interactions,
    };
  });
}

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * The part of the verifier's console output about the interactions that failed: each one's block (what it
 * checked, OK or FAILED) and the verifier's closing "Failures:" list. Lines are given as printed (colours kept).
 */
export function failureDetail(printed: readonly string[], failingDescriptions: ReadonlySet<string>): string[] {
  const detail: string[] = [];
  let inFailingBlock = false;
  let inFailures = false;
  for (const line of printed) {
    const plain = line.replace(ANSI, '');
    if (plain === 'Failures:') inFailures = true;
    if (inFailures) {
      if (plain.trim() !== '') detail.push(line);
      if (/^There (was|were) \d+ pact failures?/.test(plain)) inFailures = false;
      continue;
    }
    const interaction = INTERACTION.exec(plain);
    if (interaction) inFailingBlock = failingDescriptions.has(interaction[1] ?? '');
    else if (plain.trim() === '' || /^\S/.test(plain)) inFailingBlock = false;
    if (inFailingBlock) detail.push(line);
  }
  return detail;
}
