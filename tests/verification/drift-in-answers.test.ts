/**
 * Drift in what the provider answers: `npm run verify` (in-process, its verification in a pooled worker) against
 * a Nango-like provider that changes its answers in one way at a time. The faithful provider passes; each drift
 * fails the run, and the report's line for the interaction it hits names it: Pact's mismatch and/or the spec's
 * objection.
 */
import { CASES } from '../../contracts/cases';
import { reportRow } from '../support/runCli';
import { casesWithStatus, verifyAgainstDrift } from '../support/verifyAgainstDrift';

const [DELETES] = casesWithStatus(204);
const [GONE] = casesWithStatus(404);
const UNAUTHORIZED = casesWithStatus(401);

describe('verifying a provider whose answers drift', () => {
  it('passes against the faithful reference provider and leaves no session behind', async () => {
    const { run, liveSessions } = await verifyAgainstDrift('none');
    expect(run.stdout).toContain(`Verification PASSED: ${CASES.length} of ${CASES.length} interactions passed`);
    for (const contractCase of CASES)
      expect(reportRow(run.stdout, contractCase.name).line).toMatch(/^ok {3}.*pass {2}pass/);
    expect(run.code).toBe(0);
    expect(liveSessions).toBe(0);
  });

  it('fails on a wrong status, by Pact and by the spec', async () => {
    const { run } = await verifyAgainstDrift('wrong-status');
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, DELETES!).reasons).toEqual([
      'pact: status: expected 204 but was 202',
      'schema: 202 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)',
    ]);
  });

  it('fails on an extra property in an error body, which Pact alone accepts', async () => {
    const { run, liveSessions } = await verifyAgainstDrift('extra-property');
    expect(run.code).toBe(1);
    const row = reportRow(run.stdout, GONE!);
    expect(row.line).toMatch(/^FAIL .* 404 +404 +pass +FAIL/);
    expect(row.reasons).toEqual(["schema: 404 body: /error must NOT have additional property 'payload'"]);
    for (const name of UNAUTHORIZED)
      expect(reportRow(run.stdout, name).reasons).toEqual([
        "schema: 401 body: /error must NOT have additional property 'payload'",
      ]);
    expect(reportRow(run.stdout, DELETES!).line).toMatch(/^ok/);
    expect(liveSessions).toBe(0);
  });

  it('fails when code goes missing from an error body', async () => {
    const { run } = await verifyAgainstDrift('missing-code');
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, GONE!).reasons).toEqual([
      'pact: body $.error: Actual map is missing the following keys: code',
      "schema: 404 body: /error must have required property 'code'",
    ]);
  });

  it('fails on a 200 with a JSON body instead of 204', async () => {
    const { run } = await verifyAgainstDrift('json-200');
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, DELETES!).reasons).toEqual([
      'pact: status: expected 204 but was 200',
      'schema: 200 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)',
    ]);
  });

  it('fails on a text/plain error', async () => {
    const { run } = await verifyAgainstDrift('text-plain-error');
    expect(run.code).toBe(1);
    const { reasons } = reportRow(run.stdout, GONE!);
    expect(reasons).toContain('schema: 404 content type: text/plain is not documented (documented: application/json)');
    expect(reasons.some((reason) => reason.startsWith('pact: header Content-Type:'))).toBe(true);
  });

  it("fails on a 500 where an error was documented, and cleans up through the session's own GET", async () => {
    const { run, liveSessions } = await verifyAgainstDrift('server-error');
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, GONE!).reasons).toEqual([
      'pact: status: expected 404 but was 500',
      'schema: 500 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)',
    ]);
    expect(reportRow(run.stdout, DELETES!).line).toMatch(/^ok /);
    expect(liveSessions).toBe(0);
    expect(run.stdout).toMatch(/^sessions: (\d+) created, \1 deleted/m);
  });
});
