/**
 * From a finding to a green gate, on a real Pact Broker: with the committed pact, a provider that never answers
 * the documented 404 fails verification and can-i-deploy says no; once the consumer declares that interaction
 * pending and publishes the new pact, the same provider is verified, the broker is told success with the pending
 * interaction listed as failing and pending, and can-i-deploy says yes. Each time the exit code of `verify` agrees
 * with what the broker was told. Then the Quick start's whole path against a provider that drifts as a real Nango
 * does (three Pact failures, a schema-only `payload` on every 401): the declarations `npm run findings` prints,
 * pasted (the pending ones written into the pact as pacts:update does, the known ones appended to the list), a new
 * consumer version published, verified with success told to the broker, and can-i-deploy yes. Skipped, saying so,
 * without a real broker.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONSUMER, PROVIDER } from '../../contracts/cases';
import type { JsonObject } from '../../contracts/json';
import { KNOWN_FINDINGS_FILE } from '../../contracts/knownFindings';
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
  async function publish(pact: JsonObject, onBranch = branch): Promise<string> {
    const version = unique('c');
    const dir = scratchDir('gate');
    mkdirSync(join(dir, 'pacts'));
    writeFileSync(join(dir, 'pacts', `${CONSUMER}-${PROVIDER}.json`), JSON.stringify(pact));
    const run = await runInProcess(
      'pact:publish',
      { ...broker, PACT_CONSUMER_VERSION: version, PACT_CONSUMER_BRANCH: onBranch },
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    return version;
  }

  /** `npm run verify` of the branch's latest pact against a Nango that never answers 404, results published. */
  async function verifyAgainstNo404(): Promise<CliRun> {
    return verifyAgainst('no-404', branch, providerVersion);
  }

  /** `npm run verify` of `onBranch`'s latest pact against a drifting Nango, results published as `version`. */
  async function verifyAgainst(
    drift: 'no-404' | 'real-nango',
    onBranch: string,
    version: string,
    env: Record<string, string> = {},
  ): Promise<CliRun> {
    const provider = await startDriftingProvider(drift, SECRET);
    try {
      return await verifyInProcess({
        ...env,
        PACT_BROKER_BASE_URL: brokerUrl,
        PACT_CONSUMER_VERSION_SELECTORS: JSON.stringify([{ branch: onBranch }]),
        NANGO_BASE_URL: provider.url,
        NANGO_SECRET_KEY: SECRET,
        PACT_PUBLISH_VERIFICATION_RESULTS: 'true',
        PACT_PROVIDER_VERSION: version,
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
    expect(reportRow(run.stdout, 'answers 404 for a session that has already been deleted').line).toMatch(
      /^FAIL .* 404 +401 +FAIL/,
    );
    expect(run.stdout).toContain(`broker told: ${CONSUMER}'s pact FAILED`);
    expect((await latestVerification(version))['success']).toBe(false);
    expect(
      (
        await runInProcess(
          'record-deployment',
          { ...broker, PACT_CONSUMER_VERSION: version },
          { args: ['--pacticipant', PROVIDER, '--version', providerVersion] },
        )
      ).code,
    ).toBe(0);
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
    expect(run.stdout).toContain(
      `broker told: ${CONSUMER}'s pact verified (1 pending interaction failing, listed as pending and not counted)`,
    );
    const told = await latestVerification(version);
    expect(told['success']).toBe(true);
    const results = told['testResults'] as JsonObject[];
    expect(results).toHaveLength((committed['interactions'] as JsonObject[]).length);
    const pendingFailure = (description: string) => ({
      interactionDescription: description,
      success: false,
      pending: true,
      pendingReason: REASON,
      mismatches: [{ description: 'status: expected 404 but was 401' }],
    });
    expect(results.filter((result) => result['success'] === false)).toEqual([pendingFailure(NO_404)]);
    const gate = await canIDeploy(version);
    expect(gate.code).toBe(0);
    expect(gate.stdout).toContain('Computer says yes');
  });

  it("reaches can-i-deploy yes against a real Nango's drifts by the Quick start alone: the declarations npm run findings prints, pasted", async () => {
    const realBranch = unique('main');
    const realProvider = unique('nango');
    const committed = JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject;
    const reports = scratchDir('real-gate');
    // 1. The finding: the committed pact fails, and the broker is told so.
    await publish(committed, realBranch);
    const red = await verifyAgainst('real-nango', realBranch, realProvider, { REPORTS_DIR: reports });
    expect(red.code).toBe(1);
    expect(red.stdout).toContain(`broker told: ${CONSUMER}'s pact FAILED`);
    // 2. npm run findings prints what to declare; the team pastes it.
    const findings = await runInProcess('findings', { REPORTS_DIR: reports });
    expect(findings.code).toBe(0);
    const pendingAt = findings.stdout.indexOf('# contracts/pending-interactions.yaml');
    const knownAt = findings.stdout.indexOf('# contracts/known-findings.yaml');
    const declared = parse(findings.stdout.slice(pendingAt, knownAt)) as Array<{ interaction: string; reason: string }>;
    expect(declared).toHaveLength(3);
    const known = join(reports, 'known-findings.yaml');
    writeFileSync(known, `${readFileSync(KNOWN_FINDINGS_FILE, 'utf8')}\n${findings.stdout.slice(knownAt)}`);
    // 3. npm run pacts:update writes the pending ones into the pact; 4. a new consumer version is published.
    const pact = declared.reduce(
      (written, { interaction, reason }) => withPendingInteraction(written, interaction, reason),
      committed,
    );
    const version = await publish(pact, realBranch);
    // 5. Verified with the known findings: green, and the broker hears Pact's verdict, success.
    const green = await verifyAgainst('real-nango', realBranch, realProvider, {
      REPORTS_DIR: reports,
      KNOWN_FINDINGS_FILE: known,
    });
    expect(green.code).toBe(0);
    expect(green.stdout).toContain(
      `broker told: ${CONSUMER}'s pact verified (3 pending interactions failing, listed as pending and not counted)`,
    );
    const told = await latestVerification(version);
    expect(told['success']).toBe(true);
    expect(
      (told['testResults'] as JsonObject[])
        .filter((result) => result['success'] === false)
        .map((result) => result['interactionDescription'])
        .sort(),
    ).toEqual(declared.map((entry) => entry.interaction).sort());
    // 6. can-i-deploy says yes once that provider version is recorded as deployed.
    const realEnvironment = unique('production');
    expect((await runInProcess('broker:setup', { ...broker, PACT_ENVIRONMENT: realEnvironment })).code).toBe(0);
    expect(
      (
        await runInProcess(
          'record-deployment',
          { ...broker, PACT_ENVIRONMENT: realEnvironment, PACT_CONSUMER_VERSION: version },
          { args: ['--pacticipant', PROVIDER, '--version', realProvider] },
        )
      ).code,
    ).toBe(0);
    const gate = await runInProcess('can-i-deploy', {
      ...broker,
      PACT_ENVIRONMENT: realEnvironment,
      PACT_CONSUMER_VERSION: version,
    });
    expect(gate.stdout).toContain('Computer says yes');
    expect(gate.code).toBe(0);
  });
});
