/**
 * From a finding to a green gate, on a real Pact Broker: with the committed pact, a provider that never answers
 * the documented 404 fails verification and can-i-deploy says no; once the consumer declares that interaction
 * pending and publishes the new pact, the same provider is verified, the broker is told success with the pending
 * interaction listed as failing and pending, and can-i-deploy says yes. Each time the exit code of `verify` agrees
 * with what the broker was told. Skipped, saying so, without a real broker.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUMER, PROVIDER } from '../../contracts/cases';
import type { JsonObject } from '../../contracts/json';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { startDriftingProvider } from '../support/driftingProvider';
import { withPendingInteraction } from '../support/pendingPact';
import { describeOnRealBroker, unique } from '../support/realBroker';
import { runInProcess, verifyInProcess } from '../support/inProcess';
import { reportRow, type CliRun } from '../support/runCli';
import { scratchDir } from '../support/scratch';

const SECRET = 'nango-secret-for-the-pending-gate';
const NO_404 = 'a request to delete a connect session that has already been deleted';
const REASON = 'Nango answers a deleted session 401 unknown_connect_session_token, never 404';

describeOnRealBroker('from a finding to a green gate, on a real Pact Broker', (brokerUrl) => {
  const environment = unique('production');
  const branch = unique('main');
  const broker = { PACT_BROKER_BASE_URL: brokerUrl, PACT_ENVIRONMENT: environment };
  const providerVersion = unique('nango');

  /** Publishes `pact` as a new consumer version on the branch; returns the version. */
  async function publish(pact: JsonObject): Promise<string> {
    const version = unique('c');
    const dir = scratchDir('gate');
    mkdirSync(join(dir, 'pacts'));
    writeFileSync(join(dir, 'pacts', `${CONSUMER}-${PROVIDER}.json`), JSON.stringify(pact));
    const run = await runInProcess('pact:publish', { ...broker, PACT_CONSUMER_VERSION: version, PACT_CONSUMER_BRANCH: branch }, { cwd: dir });
    expect(run.code).toBe(0);
    return version;
  }

  /** `npm run verify` of the branch's latest pact against a Nango that never answers 404, results published. */
  async function verifyAgainstNo404(): Promise<CliRun> {
    const provider = await startDriftingProvider('no-404', SECRET);
    try {
      return await verifyInProcess({
        PACT_BROKER_BASE_URL: brokerUrl,
        PACT_CONSUMER_VERSION_SELECTORS: JSON.stringify([{ branch }]),
        NANGO_BASE_URL: provider.url,
        NANGO_SECRET_KEY: SECRET,
        PACT_PUBLISH_VERIFICATION_RESULTS: 'true',
        PACT_PROVIDER_VERSION: providerVersion,
        PACT_PROVIDER_BRANCH: unique('nango-main'),
        // The first pact a provider branch has never verified is pending in the broker's sense: not here.
        PACT_ENABLE_PENDING: 'false',
      });
    } finally {
      await provider.close();
    }
  }

  async function latestVerification(consumerVersion: string): Promise<JsonObject> {
    const url = `${brokerUrl}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/version/${consumerVersion}/verification-results/latest`;
    return (await (await fetch(url, { headers: { accept: 'application/hal+json' } })).json()) as JsonObject;
  }

  const canIDeploy = (version: string) => runInProcess('can-i-deploy', { ...broker, PACT_CONSUMER_VERSION: version });

  beforeAll(async () => {
    expect((await runInProcess('broker:setup', broker)).code).toBe(0);
  });

  it('says no while the committed pact requires the 404 the provider never answers, and verify fails as the broker was told', async () => {
    const version = await publish(JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject);
    const run = await verifyAgainstNo404();
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, 'answers 404 for a session that has already been deleted').line).toMatch(/^FAIL .* 404 +401 +FAIL/);
    expect(run.stdout).toContain(`broker told: ${CONSUMER}'s pact FAILED`);
    expect((await latestVerification(version))['success']).toBe(false);
    expect((await runInProcess('record-deployment', { ...broker, PACT_CONSUMER_VERSION: version }, { args: ['--pacticipant', PROVIDER, '--version', providerVersion] })).code).toBe(0);
    const gate = await canIDeploy(version);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('Computer says no');
  });

  it('says yes once the consumer declares that interaction pending, and the broker shows which and why', async () => {
    const committed = JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject;
    const pact = withPendingInteraction(committed, NO_404, REASON);
    const version = await publish(pact);
    const run = await verifyAgainstNo404();
    expect(run.code).toBe(0);
    const row = reportRow(run.stdout, 'answers 404 for a session that has already been deleted');
    expect(row.line).toMatch(/^PEND .* 404 +401 +FAIL/);
    expect(row.reasons).toEqual(['pact: status: expected 404 but was 401', `pending: ${REASON}`]);
    expect(run.stdout).toContain(`broker told: ${CONSUMER}'s pact verified (1 pending interaction failing, listed as pending and not counted)`);
    const told = await latestVerification(version);
    expect(told['success']).toBe(true);
    const results = told['testResults'] as JsonObject[];
    expect(results).toHaveLength((committed['interactions'] as JsonObject[]).length);
    const pendingFailure = (description: string) => ({ interactionDescription: description, success: false, pending: true, pendingReason: REASON, mismatches: [{ description: 'status: expected 404 but was 401' }] });
    expect(results.filter((result) => result['success'] === false)).toEqual([pendingFailure(NO_404)]);
    const gate = await canIDeploy(version);
    expect(gate.code).toBe(0);
    expect(gate.stdout).toContain('Computer says yes');
  });
});
