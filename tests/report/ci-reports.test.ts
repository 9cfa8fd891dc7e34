/**
 * The CI reports of a verification run: reports/junit.xml (a <testcase> per interaction, failures with their
 * Pact and schema reasons), reports/summary.md, appended to $GITHUB_STEP_SUMMARY, and Pact's native detail for
 * the failing interactions only. Run (as `npm run verify`, in-process: the main job's verification is the same
 * code, and main-job.test.ts shows the main job writes these files) against an independent drifting server that
 * also echoes its credentials back, so every file is shown to hold no secret. Then the renderers on their own:
 * hostile text stays well-formed XML and one-line Markdown cells.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES } from '../../contracts/cases';
import { CONNECT_SESSION_TOKEN_PREFIX, isConnectSessionToken } from '../../contracts/sessionToken';
import { JUNIT_FILE, junitXml, SUMMARY_FILE, summaryMarkdown, writeCiReports } from '../../contracts/report/ciReports';
import { redactor } from '../../contracts/output/redaction';
import type { InteractionResult, VerificationReport } from '../../contracts/verification/results';
import { failureDetail } from '../../contracts/verification/pactWorkarounds';
import { startDriftingProvider } from '../support/driftingProvider';
import { interactionResult } from '../support/interactionResult';
import { testcasesIn } from '../support/junit';
import { verifyInProcess } from '../support/inProcess';
import { DRIFT_SECRET } from '../support/verifyAgainstDrift';
import { scratchDir } from '../support/scratch';

const SESSION_TOKEN = new RegExp(`${CONNECT_SESSION_TOKEN_PREFIX}[0-9a-f]{64}`);

it('writes junit.xml, summary.md and the job summary with the reasons of each failure, and no secret', async () => {
  // A DELETE with a well-formed token the provider never issued (the unknown-token case) is answered 500, with
  // the token and the secret key in the body.
  let echoed = 0;
  const provider = await startDriftingProvider('none', DRIFT_SECRET, (request, response) => {
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (provider.reference.issuedTokens().includes(token) || !isConnectSessionToken(token)) return false;
    echoed += 1;
    response
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'server_error', message: `token ${token}, key ${DRIFT_SECRET}` } }));
    return true;
  });
  const dir = scratchDir('ci-reports');
  const stepSummary = join(dir, 'step-summary.md');
  writeFileSync(stepSummary, '# earlier step\n');
  try {
    const run = await verifyInProcess(
      {
        NANGO_BASE_URL: provider.url,
        NANGO_SECRET_KEY: DRIFT_SECRET,
        REPORTS_DIR: dir,
        GITHUB_STEP_SUMMARY: stepSummary,
      },
      true,
    );
    expect(echoed).toBeGreaterThan(0);
    expect(run.code).toBe(1);

    const testcases = testcasesIn(readFileSync(join(dir, JUNIT_FILE), 'utf8'));
    expect(testcases.map((testcase) => testcase['@_name']).sort()).toEqual(
      CASES.map((contractCase) => contractCase.name).sort(),
    );
    const failed = testcases.filter((testcase) => testcase.failure);
    expect(failed.map((testcase) => testcase['@_name'])).toEqual([
      'rejects a well-formed token that belongs to no session',
    ]);
    expect(failed[0]?.failure?.['@_message']).toBe('pact: status: expected 401 but was 500');
    expect(failed[0]?.failure?.['#text']).toContain('schema: 500 is not a status the spec documents');

    const summary = readFileSync(join(dir, SUMMARY_FILE), 'utf8');
    expect(summary).toMatch(/^### ❌ Provider verification of NangoConnectSessionClient -> NangoAPI against Nango/);
    expect(summary).toContain(
      '| ❌ | rejects a well-formed token that belongs to no session | 401 | 500 | FAIL | FAIL |',
    );
    expect(summary).toContain('  - pact: status: expected 401 but was 500');
    expect(readFileSync(stepSummary, 'utf8')).toBe(`# earlier step\n${summary}\n`);

    // The progress line says what the spec thinks of the live answer as soon as it came.
    expect(run.stdout).toMatch(
      /^ {2}\[\d+\/\d+\] rejects a well-formed token that belongs to no session → 500, 500 is not a status the spec documents/m,
    );
    // Pact's own detail, for the failing interactions only.
    expect(run.stdout).toContain("Pact's verifier on the failing interactions:");
    expect(run.stdout).toContain('a request to delete a connect session with an unknown token (');
    expect(run.stdout).toContain('has status code 401 (FAILED)');
    expect(run.stdout).not.toContain('a request to delete a connect session with a malformed token (');

    for (const text of [
      run.stdout,
      run.stderr,
      summary,
      readFileSync(join(dir, JUNIT_FILE), 'utf8'),
      readFileSync(join(dir, 'verification.json'), 'utf8'),
    ]) {
      expect(text).not.toContain(DRIFT_SECRET);
      expect(text).not.toMatch(SESSION_TOKEN);
    }
  } finally {
    await provider.close();
  }
});

it('redacts every file it writes and the job summary', () => {
  const dir = scratchDir('ci-redaction');
  const stepSummary = join(dir, 'step-summary.md');
  const report = reportOf([
    result({ actualStatus: 500, pactProblems: [`body: expected "x" but was "key ${DRIFT_SECRET}"`] }),
  ]);
  const files = writeCiReports(dir, { kind: 'report', report }, 'provider verification', redactor([DRIFT_SECRET]), {
    GITHUB_STEP_SUMMARY: stepSummary,
  });
  for (const file of [...files, stepSummary]) {
    expect(readFileSync(file, 'utf8')).not.toContain(DRIFT_SECRET);
    expect(readFileSync(file, 'utf8')).toContain('[REDACTED]');
  }
});

const result = (overrides: Partial<InteractionResult>): InteractionResult =>
  interactionResult({ durationMs: 12, ...overrides });
const reportOf = (results: InteractionResult[], pending = false): VerificationReport => ({
  provider: 'NangoAPI',
  providerUrl: 'http://127.0.0.1:1',
  providerLabel: 'Nango',
  pactSource: 'the Pact Broker at http://broker',
  fromBroker: true,
  pacts: [{ consumer: 'C', consumerVersions: [{ version: '1.0.0', branch: undefined }], pending, wip: false, results }],
  runProblems: [],
  published: undefined,
  sessions: {
    created: 1,
    deleted: 1,
    connections: { created: 0, deleted: 0 },
    integrations: { created: 0, deleted: 0 },
    unknown: [],
    endUserId: 'contract-tests-x',
  },
  rateLimitWaitMs: 0,
  providerIsReference: false,
  staleFindings: [],
});

it('keeps hostile text well-formed in the XML and on one line in a Markdown cell', () => {
  const hostile = 'body: expected "a" but was "<b>&\u001b[31m\u0007 | x\ny"';
  const report = reportOf([result({ name: 'a | b', actualStatus: 500, pactProblems: [hostile] })]);
  const [testcase] = testcasesIn(junitXml({ kind: 'report', report }, 'provider verification'));
  expect(testcase?.['@_name']).toBe('a | b');
  expect(testcase?.failure?.['@_message']).toBe('pact: body: expected "a" but was "<b>& | x\ny"');
  const markdown = summaryMarkdown({ kind: 'report', report });
  expect(markdown).toContain('| ❌ | a \\| b | 204 | 500 | FAIL | pass | 12 ms | C version 1.0.0 |');
  // Colour codes go, and the bell after them (Node 20's stripVTControlCharacters took it; Node 24's leaves it).
  expect(markdown).toContain('  - pact: body: expected "a" but was "<b>& \\| x y"');
});

it('marks a failure in a pending pact as skipped, and a run that could not start as an error', () => {
  const pending = testcasesIn(
    junitXml(
      {
        kind: 'report',
        report: reportOf(
          [result({ pending: true, actualStatus: 500, pactProblems: ['status: expected 204 but was 500'] })],
          true,
        ),
      },
      's',
    ),
  );
  expect(pending[0]?.skipped?.['@_message']).toBe('failed in a pending pact: pact: status: expected 204 but was 500');
  expect(pending[0]?.failure).toBeUndefined();
  const error = testcasesIn(junitXml({ kind: 'error', message: 'cannot reach provider' }, 's'));
  expect(error[0]?.error?.['@_message']).toBe('cannot reach provider');
  expect(summaryMarkdown({ kind: 'error', message: 'cannot reach provider' })).toBe(
    '### ❌ Provider verification could not run\n\ncannot reach provider\n',
  );
});

it("picks the failing interactions' blocks and the closing failure list out of Pact's output", () => {
  const printed = [
    'Verifying a pact between C and P',
    '',
    '  passes (0s loading, 5ms verification)',
    '    returns a response which',
    '      has status code 204 (\u001b[32mOK\u001b[0m)',
    '',
    '  fails (0s loading, 6ms verification)',
    '    returns a response which',
    '      has status code 204 (\u001b[31mFAILED\u001b[0m)',
    '',
    'Failures:',
    '',
    '1) Verifying a pact between C and P - fails',
    '    1.1) has status code 204',
    '           expected 204 but was 500',
    '',
    'There were 1 pact failures',
    '[12:00:00.000] ERROR (1): pact-core@19.2.0: Verification unsuccessful',
  ];
  expect(failureDetail(printed, new Set(['fails']))).toEqual([
    '  fails (0s loading, 6ms verification)',
    '    returns a response which',
    '      has status code 204 (\u001b[31mFAILED\u001b[0m)',
    'Failures:',
    '1) Verifying a pact between C and P - fails',
    '    1.1) has status code 204',
    '           expected 204 but was 500',
    'There were 1 pact failures',
  ]);
});
