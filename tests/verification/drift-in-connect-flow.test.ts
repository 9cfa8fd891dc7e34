/**
 * Drift in the Connect flow's connection and integration operations (GET and DELETE /connection/{connectionId},
 * POST /integrations, DELETE /integrations/{uniqueKey}): `npm run verify` (in-process) against a provider that
 * answers each of them with a status the spec does not document, a body its schema refuses, or a documented status
 * that is not the case's. Each fails the rows it hits, by Pact and/or by the spec, and nothing the run created is
 * left on the provider.
 */
import { OPERATIONS, type LifecycleOperation } from '../../contracts/cases';
import { operationLabel } from '../../contracts/nangoApi';
import { CONNECT_FLOW, startDriftingProvider, type Drift } from '../support/driftingProvider';
import { verifyInProcess } from '../support/inProcess';
import { reportRow, type CliRun } from '../support/runCli';
import { DRIFT_SECRET } from '../support/verifyAgainstDrift';

const TABLES: LifecycleOperation[] = OPERATIONS.filter((table) => CONNECT_FLOW.includes(table.id));

async function verifyAgainst(drift: Drift): Promise<{ run: CliRun; left: unknown }> {
  const provider = await startDriftingProvider(drift, DRIFT_SECRET);
  try {
    const run = await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: DRIFT_SECRET });
    return { run, left: { sessions: provider.reference.liveSessionCount(), ...provider.reference.resourceCounts() } };
  } finally {
    await provider.close();
  }
}

const NOTHING_LEFT = { sessions: 0, connections: 0, integrations: 0 };
const documented = (table: LifecycleOperation): string => [...new Set(table.cases.map((contractCase) => contractCase.response.status))].sort().join(', ');

it('covers the four operations', () => {
  expect(TABLES.map((table) => table.id)).toEqual(CONNECT_FLOW);
});

describe('verifying a provider whose connection and integration answers drift', () => {
  it('fails every success answered with a status the spec does not document, by Pact and by the spec', async () => {
    const { run, left } = await verifyAgainst('connect-flow-undocumented-status');
    expect(run.code).toBe(1);
    for (const table of TABLES) {
      const success = table.cases.find((contractCase) => contractCase.response.status === 200);
      if (!success) throw new Error(`${table.id} has no 200 case`);
      expect([table.id, reportRow(run.stdout, success.name).reasons]).toEqual([
        table.id,
        ['pact: status: expected 200 but was 202', `schema: 202 is not a status the spec documents for ${operationLabel(table.operation)} (documented: ${documented(table)})`],
      ]);
    }
    expect(left).toEqual(NOTHING_LEFT);
  });

  it('fails every success whose body the schema refuses', async () => {
    const { run, left } = await verifyAgainst('connect-flow-wrong-body');
    expect(run.code).toBe(1);
    const rows = TABLES.map((table) => {
      const success = table.cases.find((contractCase) => contractCase.response.status === 200);
      return [table.id, reportRow(run.stdout, success?.name ?? '').reasons] as const;
    });
    expect(rows).toEqual([
      ['getConnection', ['pact: body $: Actual map is missing the following keys: credentials', "schema: 200 body: (root) must have required property 'credentials'"]],
      ['deleteConnection', [expect.stringMatching(/^pact: body \$\.success: Expected 'yes' \(String\) to be the same type as true \(Boolean\)/), 'schema: 200 body: /success must be boolean']],
      ['createIntegration', ['pact: body $.data: Actual map is missing the following keys: created_at', "schema: 200 body: /data must have required property 'created_at'"]],
      ['deleteIntegration', [expect.stringMatching(/^pact: body \$\.success: Expected 'yes' \(String\) to be the same type as true \(Boolean\)/), 'schema: 200 body: /success must be boolean']],
    ]);
    expect(left).toEqual(NOTHING_LEFT);
  });

  it('fails every refusal answered with a documented status that is not its case’s, by Pact alone', async () => {
    const { run, left } = await verifyAgainst('connect-flow-other-status');
    expect(run.code).toBe(1);
    const refusals = TABLES.flatMap((table) => table.cases.filter((contractCase) => contractCase.response.status > 400));
    expect(refusals.length).toBeGreaterThanOrEqual(TABLES.length);
    for (const refusal of refusals) {
      expect([refusal.name, reportRow(run.stdout, refusal.name).reasons]).toEqual([refusal.name, [`pact: status: expected ${refusal.response.status} but was 400`]]);
    }
    expect(left).toEqual(NOTHING_LEFT);
  });
});
