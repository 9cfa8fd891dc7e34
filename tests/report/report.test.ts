/**
 * The verification report: a run passes only when every interaction passed both verdicts (or failed in a
 * pending pact) and nothing was left behind; an empty run, a missing response or a clean-up failure is a
 * failure, never a silent pass. Pacts from a broker are grouped per pact, with their consumer versions.
 */
import { formatReport } from '../../contracts/report/verificationReport';
import {
  reportPassed,
  type InteractionResult,
  type PactResults,
  type VerificationReport,
} from '../../contracts/verification/results';
import { interactionResult } from '../support/interactionResult';

const result = interactionResult;
const pact = (results: InteractionResult[], overrides: Partial<PactResults> = {}): PactResults => ({
  consumer: 'C',
  consumerVersions: [],
  pending: false,
  wip: false,
  results,
  ...overrides,
});
const report = (results: InteractionResult[], runProblems: string[] = []): VerificationReport => ({
  provider: 'P',
  providerUrl: 'http://127.0.0.1:1',
  providerLabel: 'a provider',
  pactSource: 'pacts/C-P.json',
  fromBroker: false,
  pacts: [pact(results)],
  runProblems,
  published: undefined,
  sessions: {
    endUserId: 'contract-tests-1a2b3c4d',
    created: 5,
    deleted: 5,
    connections: { created: 0, deleted: 0 },
    integrations: { created: 0, deleted: 0 },
    unknown: [],
  },
  rateLimitWaitMs: 0,
  providerIsReference: false,
  staleFindings: [],
});

describe('the verification report', () => {
  it('passes when every interaction passed both verdicts', () => {
    expect(reportPassed(report([result()]))).toBe(true);
    expect(formatReport(report([result()]))).toBe(
      [
        'Provider verification of C -> P against a provider (http://127.0.0.1:1)',
        '     interaction                          expected  actual  pact  schema  time',
        'ok   deletes an existing connect session  204       204     pass  pass    42 ms',
        'sessions: 5 created, 5 deleted; connections: 0 created, 0 deleted; integrations: 0 created, 0 deleted (end user contract-tests-1a2b3c4d)',
        'Verification PASSED: 1 of 1 interactions passed',
      ].join('\n'),
    );
  });

  it('fails with no interaction at all', () => {
    expect(reportPassed(report([]))).toBe(false);
  });

  it('fails an interaction that got no response to check, and shows why', () => {
    const failed = report([
      result({ actualStatus: undefined, schemaProblems: undefined, pactProblems: ['no answer from x within 5 ms'] }),
    ]);
    expect(reportPassed(failed)).toBe(false);
    expect(formatReport(failed)).toContain(
      'FAIL deletes an existing connect session  204       none    FAIL  -       42 ms\n       pact: no answer from x within 5 ms',
    );
  });

  it('fails on a schema problem alone, and on a session left behind', () => {
    expect(
      reportPassed(report([result({ schemaProblems: ["204 body: (root) must NOT have additional property 'x'"] })])),
    ).toBe(false);
    const leftBehind = report([result()], ['clean-up failed: DELETE /connect/session answered 500']);
    expect(reportPassed(leftBehind)).toBe(false);
    expect(formatReport(leftBehind)).toContain(
      'run: clean-up failed: DELETE /connect/session answered 500\nsessions: 5 created, 5 deleted',
    );
  });

  it('groups pacts from a broker, and lets a failure in a pending pact show without failing the run', () => {
    const fromBroker: VerificationReport = {
      ...report([]),
      fromBroker: true,
      pactSource: 'the Pact Broker at http://broker',
      pacts: [
        pact([result()], { consumerVersions: [{ version: 'c1', branch: 'main' }] }),
        pact(
          [
            result({
              pending: true,
              actualStatus: 404,
              expectedStatus: 410,
              pactProblems: ['status: expected 410 but was 404'],
            }),
          ],
          {
            consumer: 'Other',
            consumerVersions: [{ version: 'o2', branch: undefined }],
            pending: true,
            wip: true,
          },
        ),
      ],
      published: {
        providerVersion: 'p1',
        providerBranch: 'main',
        pacts: [
          { consumer: 'C', success: true, published: true },
          { consumer: 'Other', success: false, published: true },
        ],
      },
    };
    expect(reportPassed(fromBroker)).toBe(true);
    expect(formatReport(fromBroker).split('\n')).toEqual([
      'Provider verification of P against a provider (http://127.0.0.1:1), pacts from the Pact Broker at http://broker',
      '     interaction                          expected  actual  pact  schema  time',
      'pact: C version c1 on branch main',
      'ok   deletes an existing connect session  204       204     pass  pass    42 ms',
      'pact: Other version o2 (pending, work in progress)',
      'PEND deletes an existing connect session  410       404     FAIL  pass    42 ms',
      '       pact: status: expected 410 but was 404',
      'sessions: 5 created, 5 deleted; connections: 0 created, 0 deleted; integrations: 0 created, 0 deleted (end user contract-tests-1a2b3c4d)',
      "broker told: C's pact verified, as P version p1 on branch main",
      "broker told: Other's pact FAILED, as P version p1 on branch main",
      'Verification PASSED: 1 of 2 interactions passed; 1 failed in pending pacts, which does not fail the run',
    ]);
  });

  it('fails when a session the run created is not accounted for, and says how long it waited on rate limits', () => {
    const leftOne: VerificationReport = {
      ...report([result()]),
      sessions: {
        endUserId: 'contract-tests-1a2b3c4d',
        created: 5,
        deleted: 4,
        connections: { created: 0, deleted: 0 },
        integrations: { created: 0, deleted: 0 },
        unknown: [],
      },
      rateLimitWaitMs: 3_200,
    };
    expect(reportPassed(leftOne)).toBe(false);
    expect(formatReport(leftOne)).toContain(
      'sessions: 5 created, 4 deleted; connections: 0 created, 0 deleted; integrations: 0 created, 0 deleted (end user contract-tests-1a2b3c4d): NOT ALL ACCOUNTED FOR\nrate limits: waited 3.2 s in all',
    );
    const inDoubt: VerificationReport = {
      ...report([result()]),
      sessions: {
        endUserId: 'contract-tests-1a2b3c4d',
        created: 5,
        deleted: 5,
        connections: { created: 0, deleted: 0 },
        integrations: { created: 0, deleted: 0 },
        unknown: ['no answer within 5 ms'],
      },
    };
    expect(reportPassed(inDoubt)).toBe(false);
    expect(formatReport(inDoubt)).toContain('sessions: a creation failed after it was sent: no answer within 5 ms');
  });

  it('shows a pending interaction that fails with its reason, without failing the run, and names the declaration to remove once one passes', () => {
    const declared = { declaredPending: 'Nango answers 401', pending: true };
    const failing = result({
      ...declared,
      actualStatus: 401,
      expectedStatus: 404,
      pactProblems: ['status: expected 404 but was 401'],
    });
    const withPending: VerificationReport = {
      ...report([]),
      pacts: [pact([result(), failing])],
      published: {
        providerVersion: 'p1',
        providerBranch: undefined,
        pacts: [{ consumer: 'C', success: true, published: true }],
      },
    };
    expect(reportPassed(withPending)).toBe(true);
    const lines = formatReport(withPending).split('\n');
    expect(lines).toContain('       pending: Nango answers 401');
    expect(lines.find((line) => line.startsWith('PEND'))).toMatch(/404\s+401\s+FAIL/);
    expect(lines).toContain(
      "broker told: C's pact verified (1 pending interaction failing, listed as pending and not counted), as P version p1",
    );
    expect(lines.at(-1)).toBe(
      'Verification PASSED: 1 of 2 interactions passed; 1 pending interaction failed, which does not fail the run',
    );

    const nowPassing: VerificationReport = {
      ...report([]),
      pacts: [pact([result({ ...declared, pendingDeclaredAt: 'contracts/pending-interactions.yaml:12 declares it' })])],
    };
    expect(formatReport(nowPassing)).toContain(
      'pending: "a request to delete the connect session" now passes: contracts/pending-interactions.yaml:12 declares it; remove that declaration and run npm run pacts:update, so the contract requires it again',
    );
    const onReference: VerificationReport = { ...nowPassing, providerIsReference: true };
    expect(formatReport(onReference)).toContain(
      'passes on the reference provider, which serves the spec; it stays pending until the real provider honours it',
    );
  });

  it('fails a failure outside pending pacts next to a pending one', () => {
    const mixed: VerificationReport = {
      ...report([]),
      pacts: [pact([result({ pending: true, pactProblems: ['x'] })]), pact([result({ pactProblems: ['y'] })])],
    };
    expect(reportPassed(mixed)).toBe(false);
  });
});
