/**
 * The verification report: a run passes only when every interaction passed both verdicts and nothing was
 * left behind; an empty run, a missing response or a clean-up failure is a failure, never a silent pass.
 */
import { formatReport, reportPassed, type InteractionResult, type VerificationReport } from '../../contracts/verification/report';

const result = (overrides: Partial<InteractionResult> = {}): InteractionResult => ({
  name: 'deletes an existing connect session',
  description: 'a request to delete the connect session',
  expectedStatus: 204,
  actualStatus: 204,
  pactProblems: [],
  schemaProblems: [],
  durationMs: 41.6,
  ...overrides,
});
const report = (results: InteractionResult[], runProblems: string[] = []): VerificationReport => ({
  consumer: 'C',
  provider: 'P',
  providerUrl: 'http://127.0.0.1:1',
  providerLabel: 'a provider',
  results,
  runProblems,
});

describe('the verification report', () => {
  it('passes when every interaction passed both verdicts', () => {
    expect(reportPassed(report([result()]))).toBe(true);
    expect(formatReport(report([result()]))).toBe(
      [
        'Provider verification of C -> P against a provider (http://127.0.0.1:1)',
        '     interaction                          expected  actual  pact  schema  time',
        'ok   deletes an existing connect session  204       204     pass  pass    42 ms',
        'Verification PASSED: 1 of 1 interactions passed',
      ].join('\n'),
    );
  });

  it('fails with no interaction at all', () => {
    expect(reportPassed(report([]))).toBe(false);
  });

  it('fails an interaction that got no response to check, and shows why', () => {
    const failed = report([result({ actualStatus: undefined, schemaProblems: undefined, pactProblems: ['no answer from x within 5 ms'] })]);
    expect(reportPassed(failed)).toBe(false);
    expect(formatReport(failed)).toContain('FAIL deletes an existing connect session  204       none    FAIL  -       42 ms\n       pact: no answer from x within 5 ms');
  });

  it('fails on a schema problem alone, and on a session left behind', () => {
    expect(reportPassed(report([result({ schemaProblems: ["204 body: (root) must NOT have additional property 'x'"] })]))).toBe(false);
    const leftBehind = report([result()], ['clean-up failed: DELETE /connect/session answered 500']);
    expect(reportPassed(leftBehind)).toBe(false);
    expect(formatReport(leftBehind)).toContain('run: clean-up failed: DELETE /connect/session answered 500\nVerification FAILED: 1 of 1 interactions passed');
  });
});
