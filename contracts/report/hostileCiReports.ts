import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { read } from '../env';
import { CHECK_NAMES } from '../hostile/checks';
import { numbered, reproOf } from '../hostile/findingsFile';
import { countsOf, headline, hostilePassed, type HostileReport } from '../hostile/hostileReport';
import { sessionsAccountedFor, sessionsLine } from '../live/sessionLedger';
import type { Redact } from '../output/redaction';
import { cell, junitDocument, suite, SUMMARY_FILE, xmlText, type XmlNode } from './ciReports';

export const HOSTILE_JUNIT_FILE = 'hostile-junit.xml';
/** Around the hostile run's section of summary.md, so a new run replaces its own section and nothing else. */
const SECTION_START = '<!-- contracts:hostile -->';
const SECTION_END = '<!-- /contracts:hostile -->';

/**
 * JUnit for CI: one <testcase> per check, with its counts as properties (requests, failures, known: accepted
 * failures apart from the run's); a failing check carries each of its failures with the lines that reproduce it.
 */
export function hostileJunitXml(report: HostileReport): string {
  const findings = numbered(report.outcome);
  const testcases = CHECK_NAMES.map((check): XmlNode => {
    const counts = countsOf(report.outcome, check);
    const mine = findings.filter(({ found }) => found.failure.check === check);
    const failing = mine.filter(({ found }) => !found.known || found.known.expired);
    const property = (name: string, value: number) => ({ '@_name': name, '@_value': value });
    const testcase: XmlNode = {
      '@_name': check,
      '@_classname': 'contracts:hostile',
      properties: {
        property: [
          property('requests', counts.judged),
          property('failures', counts.failed),
          property('known', counts.known),
        ],
      },
    };
    const lines = (list: typeof mine) =>
      list.map(({ id, found }) =>
        xmlText(
          [
            `${id} ${found.known && !found.known.expired ? 'known' : 'FAIL'} ${headline(found)}`,
            ...reproOf(report.targetUrl, found),
          ].join('\n  '),
        ),
      );
    const [first] = failing;
    if (first)
      testcase['failure'] = { '@_message': xmlText(headline(first.found)), '#text': lines(failing).join('\n') };
    else if (counts.judged === 0) testcase['skipped'] = { '@_message': 'no request of its kind was judged' };
    else if (mine.length) testcase['system-out'] = lines(mine).join('\n');
    return testcase;
  });
  const runWide = [
    ...report.cleanUpProblems,
    ...(sessionsAccountedFor(report.sessions) ? [] : [sessionsLine(report.sessions)]),
  ];
  if (runWide.length)
    testcases.push({
      '@_name': 'the run itself',
      '@_classname': 'contracts:hostile',
      failure: { '@_message': xmlText(runWide[0] ?? ''), '#text': runWide.map(xmlText).join('\n') },
    });
  return junitDocument('contracts:hostile', [suite('hostile requests to the connect-session lifecycle', testcases)]);
}

/** The hostile run as Markdown: the verdict, a table of checks, each failure with its id and headline. */
export function hostileSummaryMarkdown(report: HostileReport): string {
  const { outcome } = report;
  const lines = [
    `### ${hostilePassed(report) ? '✅' : '❌'} Hostile requests to the connect-session lifecycle on ${cell(report.targetLabel)} (${cell(report.targetUrl)}), seed ${report.seed}`,
    '',
    `${outcome.cases} cases, ${outcome.requests} requests; coverage: ${outcome.coverage.sent} of ${outcome.coverage.total} kinds of request`,
    '',
    '| check | requests | failures | known |',
    '|---|---|---|---|',
    ...CHECK_NAMES.map((check) => {
      const counts = countsOf(outcome, check);
      return `| ${check} | ${counts.judged} | ${counts.failed} | ${counts.known} |`;
    }),
  ];
  const findings = numbered(outcome);
  if (findings.length) {
    lines.push(
      '',
      '**Findings** (`reports/hostile-findings.json`; `npm run contracts:hostile -- --replay <file> <id>` re-sends one)',
      '',
    );
    for (const { id, found } of findings)
      lines.push(`- ${id} ${found.known && !found.known.expired ? 'known' : '**FAIL**'} ${cell(headline(found))}`);
  }
  lines.push('', `${cell(sessionsLine(report.sessions))}  `);
  return `${lines.join('\n')}\n`;
}

/** A hostile run's outcome: its report, or why there is none (it is under way, was stopped, or could not run). */
export type HostileOutcome =
  | { readonly kind: 'report'; readonly report: HostileReport }
  | { readonly kind: 'unfinished'; readonly message: string };

/**
 * Writes hostile-junit.xml, puts the hostile section into summary.md (replacing an earlier run's, keeping the
 * rest, such as the provider verification's), and appends it to $GITHUB_STEP_SUMMARY when set (a finished run's
 * only); all redacted. A run writes an unfinished outcome as it starts, so no file outlives the run it is about.
 * Returns the files written.
 */
export function writeHostileReports(
  dir: string,
  outcome: HostileOutcome,
  redact: Redact,
  env: NodeJS.ProcessEnv,
): string[] {
  mkdirSync(dir, { recursive: true });
  const junit = join(dir, HOSTILE_JUNIT_FILE);
  const unfinished = (message: string) =>
    junitDocument('contracts:hostile', [
      suite('hostile requests to the connect-session lifecycle', [
        { '@_name': 'hostile run', '@_classname': 'contracts:hostile', error: { '@_message': xmlText(message) } },
      ]),
    ]);
  writeFileSync(
    junit,
    redact(outcome.kind === 'report' ? hostileJunitXml(outcome.report) : unfinished(outcome.message)),
  );
  const markdown =
    outcome.kind === 'report'
      ? hostileSummaryMarkdown(outcome.report)
      : `### ❌ Hostile requests to the connect-session lifecycle did not finish\n\n${cell(outcome.message)}\n`;
  const section = `${SECTION_START}\n${redact(markdown)}${SECTION_END}\n`;
  const summary = join(dir, SUMMARY_FILE);
  const before = existsSync(summary) ? readFileSync(summary, 'utf8') : '';
  const start = before.indexOf(SECTION_START);
  const end = before.indexOf(SECTION_END);
  const kept =
    start !== -1 && end > start ? `${before.slice(0, start)}${before.slice(end + SECTION_END.length + 1)}` : before;
  writeFileSync(summary, `${kept}${kept && !kept.endsWith('\n\n') ? '\n' : ''}${section}`);
  const stepSummary = read(env, 'GITHUB_STEP_SUMMARY');
  if (stepSummary && outcome.kind === 'report') appendFileSync(stepSummary, `${section}\n`);
  return [junit, summary];
}
