import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { XMLBuilder } from 'fast-xml-parser';
import { read } from '../env';
import type { Redact } from '../output/redaction';
import {
  groupedByPact,
  markOf,
  operationHeadingBefore,
  pactHeading,
  reasonsOf,
  reportFooter,
  reportTitle,
  rowCells,
} from './verificationReport';
import { allResults, passed, reportPassed, type VerificationReport } from '../verification/results';

/** What a run ended with: a report, or why there is none. */
export type RunOutcome =
  | { readonly kind: 'report'; readonly report: VerificationReport }
  | { readonly kind: 'error'; readonly message: string };

/** Characters XML 1.0 cannot hold (control characters, colour escapes among them) go; a provider's bytes may carry any. */
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/g;
export const xmlText = (text: string): string => stripVTControlCharacters(text).replace(NOT_XML, '');
const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export type XmlNode = Record<string, unknown>;

/**
 * JUnit XML for CI: a <testsuite> per pact, a <testcase> per interaction; a failure carries every Pact and schema
 * reason, a failure in a pending pact is <skipped>. Run-wide problems (sessions left, a pact that did not load)
 * are one more failing test case, and a run that could not start is an <error>.
 */
export function junitXml(outcome: RunOutcome, suiteName: string): string {
  const suites =
    outcome.kind === 'report'
      ? suitesOf(outcome.report)
      : [
          suite('provider verification', [
            { '@_name': 'verification', '@_classname': suiteName, error: { '@_message': xmlText(outcome.message) } },
          ]),
        ];
  return junitDocument(suiteName, suites);
}

/** A JUnit document of test suites (`suite`), with their counts added up. */
export function junitDocument(suiteName: string, suites: readonly XmlNode[]): string {
  const count = (key: string) => suites.reduce((sum, node) => sum + Number(node[`@_${key}`]), 0);
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': suiteName,
      '@_tests': count('tests'),
      '@_failures': count('failures'),
      '@_errors': count('errors'),
      '@_skipped': count('skipped'),
      '@_time': suites.reduce((sum, node) => sum + Number(node['@_time']), 0).toFixed(3),
      testsuite: suites,
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(document);
}

function suitesOf(report: VerificationReport): XmlNode[] {
  const suites = report.pacts.map((pact) => {
    const name = groupedByPact(report)
      ? `${pactHeading(pact).replace(/^pact: /, '')} -> ${report.provider}`
      : `${pact.consumer} -> ${report.provider}`;
    return suite(
      name,
      pact.results.map((result): XmlNode => {
        const reasons = reasonsOf(result).map(xmlText);
        const testcase: XmlNode = {
          '@_name': xmlText(result.name),
          '@_classname': xmlText(name),
          '@_time': seconds(result.durationMs),
        };
        const [first = 'failed'] = reasons;
        if (markOf(result) === 'FAIL')
          testcase['failure'] = {
            '@_message': first,
            '@_type': result.pactProblems.length ? 'pact' : 'schema',
            '#text': reasons.join('\n'),
          };
        else if (markOf(result) === 'PEND') testcase['skipped'] = { '@_message': `failed in a pending pact: ${first}` };
        else if (reasons.length) testcase['system-out'] = reasons.join('\n');
        return testcase;
      }),
    );
  });
  const runWide = reportFooter(report).filter(
    (line) =>
      line.startsWith('run: ') ||
      line.includes('NOT ALL ACCOUNTED FOR') ||
      line.startsWith('sessions: a creation failed'),
  );
  if (runWide.length) {
    suites.push(
      suite('verification run', [
        {
          '@_name': 'the run itself',
          '@_classname': report.provider,
          failure: { '@_message': xmlText(runWide[0] ?? ''), '#text': runWide.map(xmlText).join('\n') },
        },
      ]),
    );
  }
  return suites;
}

/** A <testsuite> of test cases, counted. */
export function suite(name: string, testcases: XmlNode[]): XmlNode {
  const has = (key: string) => testcases.filter((testcase) => key in testcase).length;
  return {
    '@_name': xmlText(name),
    '@_tests': testcases.length,
    '@_failures': has('failure'),
    '@_errors': has('error'),
    '@_skipped': has('skipped'),
    '@_time': seconds(testcases.reduce((sum, testcase) => sum + Number(testcase['@_time'] ?? 0) * 1000, 0)),
    testcase: testcases,
  };
}

/** Control characters but tab and line breaks: Node 24's stripVTControlCharacters leaves a bell that ends a colour code. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
/** A Markdown table cell: colour codes and control characters gone, pipes escaped, one line. */
export const cell = (text: string): string =>
  stripVTControlCharacters(text).replace(CONTROL, '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const ICON = { ok: '✅', KNOW: '☑️', PEND: '⏸️', FAIL: '❌' } as const;

/** The report as Markdown (GitHub's job summary): the verdict, a table of interactions, then each reason. */
export function summaryMarkdown(outcome: RunOutcome): string {
  if (outcome.kind === 'error') return `### ❌ Provider verification could not run\n\n${cell(outcome.message)}\n`;
  const { report } = outcome;
  const results = allResults(report);
  const lines = [
    `### ${reportPassed(report) ? '✅' : '❌'} ${cell(reportTitle(report))}`,
    '',
    `| | interaction | expected | actual | pact | schema | time |${groupedByPact(report) ? ' pact file |' : ''}`,
    `|---|---|---|---|---|---|---|${groupedByPact(report) ? '---|' : ''}`,
  ];
  for (const pact of report.pacts) {
    for (const [at, result] of pact.results.entries()) {
      const heading = operationHeadingBefore(pact.results, at);
      if (heading) lines.push(`| | **${cell(heading)}** | | | | | |${groupedByPact(report) ? ' |' : ''}`);
      const pactCell = groupedByPact(report) ? ` ${cell(pactHeading(pact).replace(/^pact: /, ''))} |` : '';
      lines.push(`| ${ICON[markOf(result)]} | ${rowCells(result).map(cell).join(' | ')} |${pactCell}`);
    }
  }
  const failing = results.filter((result) => reasonsOf(result).length > 0);
  if (failing.length) {
    lines.push('', '**Reasons**', '');
    for (const result of failing) {
      lines.push(`- **${cell(result.name)}**${passed(result) ? '' : ` (${markOf(result)})`}`);
      for (const reason of reasonsOf(result)) lines.push(`  - ${cell(reason)}`);
    }
  }
  lines.push('', ...reportFooter(report).map((line) => `${cell(line)}  `));
  return `${lines.join('\n')}\n`;
}

export const JUNIT_FILE = 'junit.xml';
export const SUMMARY_FILE = 'summary.md';

/**
 * Writes junit.xml and summary.md into `dir`, and appends the summary to $GITHUB_STEP_SUMMARY when set; all of
 * it redacted like everything the run prints. Returns the files written.
 */
export function writeCiReports(
  dir: string,
  outcome: RunOutcome,
  suiteName: string,
  redact: Redact,
  env: NodeJS.ProcessEnv,
): string[] {
  mkdirSync(dir, { recursive: true });
  const junit = join(dir, JUNIT_FILE);
  const summary = join(dir, SUMMARY_FILE);
  const markdown = redact(summaryMarkdown(outcome));
  writeFileSync(junit, redact(junitXml(outcome, suiteName)));
  writeFileSync(summary, markdown);
  const stepSummary = read(env, 'GITHUB_STEP_SUMMARY');
  if (stepSummary) appendFileSync(stepSummary, `${markdown}\n`);
  return [junit, summary];
}
