/**
 * Drift in the lifecycle's other operations (POST /connect/sessions, POST /connect/sessions/reconnect, GET
 * /connect/session): `npm run verify` (in-process) against a provider that changes one thing at a time. Each
 * check on their answers fails the row it hits, by Pact and/or by the spec (a missing field in a 201 or 200
 * body, an undocumented status, a wrong content type, a state that cannot be set up, and, when asked for, a
 * property the spec does not name), and nothing the run
 * created (sessions, the connection, its integration) is left on the provider.
 */
import { operationOfCase, CASES, type ContractCase, CREATE_SESSION, GET_SESSION, RECONNECT_SESSION } from '../../contracts/cases';
import type { OperationRef } from '../../contracts/openapi/responseValidators';
import { startDriftingProvider, type Drift } from '../support/driftingProvider';
import { verifyInProcess } from '../support/inProcess';
import { reportRow, type CliRun } from '../support/runCli';
import { DRIFT_SECRET } from '../support/verifyAgainstDrift';

/** The name of the one case of `operation` that expects `status`. */
function caseOf(operation: OperationRef, status: number): string {
  const found = CASES.filter((contractCase: ContractCase) => operationOfCase(contractCase).operation === operation && contractCase.response.status === status);
  if (found.length !== 1 || !found[0]) throw new Error(`expected one case of ${operation.method} ${operation.path} for ${status}, found ${found.length}`);
  return found[0].name;
}

const CREATED = caseOf(CREATE_SESSION, 201);
const RECONNECTED = caseOf(RECONNECT_SESSION, 201);
const FOUND = caseOf(GET_SESSION, 200);

interface LifecycleRun {
  readonly run: CliRun;
  /** What the provider still holds after the run: all zero when the run cleaned up. */
  readonly left: { readonly sessions: number; readonly connections: number; readonly integrations: number };
}

async function verifyAgainst(drift: Drift, env: Record<string, string> = {}): Promise<LifecycleRun> {
  const provider = await startDriftingProvider(drift, DRIFT_SECRET);
  try {
    const run = await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: DRIFT_SECRET, ...env });
    return { run, left: { sessions: provider.reference.liveSessionCount(), ...provider.reference.resourceCounts() } };
  } finally {
    await provider.close();
  }
}

const NOTHING_LEFT = { sessions: 0, connections: 0, integrations: 0 };

describe('verifying a provider whose lifecycle answers drift', () => {
  it('fails a 201 and a 200 whose session lacks its expiry, by Pact and by the spec, and leaves nothing behind', async () => {
    const { run, left } = await verifyAgainst('session-without-expiry');
    expect(run.code).toBe(1);
    for (const [name, status] of [[CREATED, 201], [RECONNECTED, 201], [FOUND, 200]] as const) {
      const row = reportRow(run.stdout, name);
      expect(row.line).toMatch(new RegExp(`^FAIL .* ${status} +${status} +FAIL +FAIL`));
      expect(row.reasons).toEqual(['pact: body $.data: Actual map is missing the following keys: expires_at', `schema: ${status} body: /data must have required property 'expires_at'`]);
    }
    expect(left).toEqual(NOTHING_LEFT);
  });

  it("passes a session with a property the spec does not name: ConnectSession is an open schema, and Pact's matching allows it", async () => {
    const { run, left } = await verifyAgainst('session-with-extra-field');
    expect(run.code).toBe(0);
    for (const name of [CREATED, RECONNECTED, FOUND]) expect(reportRow(run.stdout, name).line).toMatch(/^ok {3}.* pass +pass/);
    expect(left).toEqual(NOTHING_LEFT);
  });

  it('fails a session with a property the spec does not name when asked to (SPEC_CLOSED_RESPONSES=true), by the spec alone', async () => {
    const { run, left } = await verifyAgainst('session-with-extra-field', { SPEC_CLOSED_RESPONSES: 'true' });
    expect(run.code).toBe(1);
    for (const [name, status] of [[CREATED, 201], [RECONNECTED, 201], [FOUND, 200]] as const) {
      const row = reportRow(run.stdout, name);
      expect(row.line).toMatch(new RegExp(`^FAIL .* ${status} +${status} +pass +FAIL`));
      expect(row.reasons).toEqual([`schema: ${status} body: /data/end_user is a property the spec does not name`]);
    }
    expect(left).toEqual(NOTHING_LEFT);
  });

  it('fails a create answered 200, a status the spec does not document, and still deletes the session it made', async () => {
    const { run, left } = await verifyAgainst('created-as-200');
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, CREATED).reasons).toEqual([
      'pact: status: expected 201 but was 200',
      'schema: 200 is not a status the spec documents for POST /connect/sessions (documented: 201, 400, 401)',
    ]);
    expect(left).toEqual(NOTHING_LEFT);
  });

  it('fails a GET whose 401 comes as text/plain', async () => {
    const { run } = await verifyAgainst('text-plain-401-on-get');
    expect(run.code).toBe(1);
    const getUnauthorized = CASES.filter((contractCase) => operationOfCase(contractCase).operation === GET_SESSION && contractCase.response.status === 401);
    expect(getUnauthorized.length).toBeGreaterThan(0);
    for (const { name } of getUnauthorized) {
      const { reasons } = reportRow(run.stdout, name);
      expect(reasons).toContain('schema: 401 content type: text/plain is not documented (documented: application/json)');
      expect(reasons.some((reason) => reason.startsWith('pact: header Content-Type:'))).toBe(true);
    }
  });

  it("fails the reconnect case, naming its state, when no connection can be made, and deletes the integration it made for it", async () => {
    const { run, left } = await verifyAgainst('no-connect-flow');
    expect(run.code).toBe(1);
    const row = reportRow(run.stdout, RECONNECTED);
    expect(row.line).toMatch(/^FAIL .* 201 +none +FAIL +-/);
    expect(row.reasons[0]).toMatch(/^pact: provider state 'a connection made through a connect session exists' failed: POST \/auth\/unauthenticated\/contract-tests-[0-9a-f]{8}-\d+ on http:\/\/127\.0\.0\.1:\d+ answered 500 \(server_error\) without a connectionId$/);
    expect(run.stdout).toMatch(/^sessions: (\d+) created, \1 deleted; connections: 0 created, 0 deleted; integrations: (\d+) created, \2 deleted/m);
    expect(left).toEqual(NOTHING_LEFT);
  });
});
