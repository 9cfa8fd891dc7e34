/**
 * `npm run verify` (in-process, its verification in a pooled worker) with pacts from a Pact Broker (the loopback
 * test double), with Pact's real verifier: the pacts are fetched through consumer version selectors with pending
 * and WIP settings, the report is grouped per pact, one result per pact is published with the provider version,
 * branch and build URL, and that result agrees with this suite's verdict: a status drift and a schema-only drift
 * (which Pact alone accepts) are published as failures; a failing pending pact does not fail the run; PACT_URL
 * verifies exactly the pact a webhook names. No token or secret reaches the output.
 */
import { readFileSync } from 'node:fs';
import { CASES, CONSUMER } from '../../contracts/cases';
import type { JsonObject } from '../../contracts/json';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { DEFAULT_CONSUMER_VERSION_SELECTORS } from '../../contracts/verification/pactSourceSettings';
import { startBrokerDouble, type BrokerDouble } from '../support/brokerDouble';
import { startDriftingProvider, type Drift, type DriftingProvider } from '../support/driftingProvider';
import { verifyInProcess } from '../support/inProcess';
import { reportRow, type CliRun } from '../support/runCli';
import { refusedUrl } from '../support/scriptedServer';
import { casesWithStatus } from '../support/verifyAgainstDrift';

const TOKEN = 'broker-token-for-verification-tests';
const SECRET = 'nango-secret-for-broker-tests';
const committedPact = (): JsonObject => JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject;
const PUBLISH = { PACT_PUBLISH_VERIFICATION_RESULTS: 'true', PACT_PROVIDER_VERSION: 'nango-2026.11.29', PACT_PROVIDER_BRANCH: 'main', PACT_BUILD_URL: 'https://ci.example/build/7' };

let broker: BrokerDouble;
let provider: DriftingProvider | undefined;
beforeEach(async () => {
  broker = await startBrokerDouble({ token: TOKEN });
});
afterEach(async () => {
  await broker.close();
  await provider?.close();
  provider = undefined;
});

async function verifyFromBroker(drift: Drift, env: Record<string, string> = {}): Promise<CliRun> {
  provider = await startDriftingProvider(drift, SECRET);
  const run = await verifyInProcess({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, ...env });
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  expect(provider.reference.liveSessionCount()).toBe(0);
  return run;
}

/** Our pact at c1, verified by an earlier Nango: no longer pending. */
function ourPactVerifiedBefore(): void {
  broker.seedVerification(broker.seedPact(committedPact(), 'c1', 'main'), 'nango-earlier', 'main', true);
}

const forVerificationQueries = () =>
  broker.requests.filter((request) => request.method === 'POST' && request.url.endsWith('/for-verification')).map((request) => JSON.parse(request.body) as JsonObject);

/** A pact of another consumer that expects 410 where Nango documents 404: it can never pass. */
function otherConsumersPact(): JsonObject {
  const pact = committedPact();
  const interactions = (pact['interactions'] as JsonObject[]).map((interaction) => {
    const response = interaction['response'] as JsonObject;
    return response['status'] === 404 ? { ...interaction, response: { ...response, status: 410 } } : interaction;
  });
  return { ...pact, consumer: { name: 'NangoWebhookConsumer' }, interactions };
}

describe('verifying pacts from a Pact Broker', () => {
  it('fetches them through the default selectors with pending pacts, and publishes one passing result per pact', async () => {
    broker.seedPact(committedPact(), 'c1', 'main');
    const run = await verifyFromBroker('none', PUBLISH);
    expect(run.code).toBe(0);
    // Asked twice, the same: once to count the interactions for the progress lines' totals, once by the verifier.
    const query = { consumerVersionSelectors: DEFAULT_CONSUMER_VERSION_SELECTORS, includePendingStatus: true, providerVersionBranch: 'main' };
    expect(forVerificationQueries()).toEqual([query, query]);
    expect(run.stdout).toMatch(/^ {2}\[7\/7\] /m);
    expect(broker.verifications.map(({ consumer, success, providerVersion, body }) => ({ consumer, success, providerVersion, buildUrl: body['buildUrl'] }))).toEqual([
      { consumer: CONSUMER, success: true, providerVersion: 'nango-2026.11.29', buildUrl: 'https://ci.example/build/7' },
    ]);
    expect(broker.versions).toContainEqual(expect.objectContaining({ pacticipant: 'NangoAPI', number: 'nango-2026.11.29', branch: 'main' }));
    expect(run.stdout).toContain(`pacts from the Pact Broker at ${broker.url}`);
    expect(run.stdout).toContain(`pact: ${CONSUMER} version c1 on branch main (pending)`);
    for (const contractCase of CASES) expect(reportRow(run.stdout, contractCase.name).line).toMatch(/^ok /);
    expect(run.stdout).toContain('Results published to the Pact Broker as NangoAPI version nango-2026.11.29 on branch main, one per pact');
  });

  it('passes the selectors, pending and WIP settings given to the broker, and publishes nothing unless asked', async () => {
    broker.seedPact(committedPact(), 'r1', 'release');
    const run = await verifyFromBroker('none', {
      PACT_CONSUMER_VERSION_SELECTORS: '[{"branch":"release"}]',
      PACT_INCLUDE_WIP_PACTS_SINCE: '2026-01-01',
      PACT_PROVIDER_BRANCH: 'feature/x',
    });
    expect(run.code).toBe(0);
    const query = { consumerVersionSelectors: [{ branch: 'release' }], includePendingStatus: true, includeWipPactsSince: '2026-01-01', providerVersionBranch: 'feature/x' };
    expect(forVerificationQueries()).toEqual([query, query]);
    expect(broker.verifications).toEqual([]);
  });

  it('publishes a failure for a provider whose status drifts, and fails the run', async () => {
    ourPactVerifiedBefore();
    const run = await verifyFromBroker('wrong-status', PUBLISH);
    expect(run.code).toBe(1);
    const [deletes] = casesWithStatus(204);
    expect(reportRow(run.stdout, deletes!).reasons).toEqual([
      'pact: status: expected 204 but was 202',
      "pact: published as a failure: the response broke the spec, so Pact's verifier was shown a 599 stand-in",
      'schema: 202 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)',
    ]);
    expect(broker.verifications.at(-1)).toMatchObject({ success: false, providerVersion: 'nango-2026.11.29' });
  });

  it('publishes a failure for a response that breaks the spec, where Pact alone would have passed it', async () => {
    ourPactVerifiedBefore();
    const run = await verifyFromBroker('extra-property', PUBLISH);
    expect(run.code).toBe(1);
    const [gone] = casesWithStatus(404);
    const row = reportRow(run.stdout, gone!);
    expect(row.line).toMatch(/^FAIL .* 404 +404 +FAIL +FAIL/);
    expect(row.reasons).toEqual([
      "pact: published as a failure: the response broke the spec, so Pact's verifier was shown a 599 stand-in",
      "schema: 404 body: /error must NOT have additional property 'payload'",
    ]);
    expect(broker.verifications.at(-1)).toMatchObject({ success: false, providerVersion: 'nango-2026.11.29' });
  });

  it('shows a failing pending pact as pending, publishes its failure, and keeps the run green', async () => {
    ourPactVerifiedBefore();
    broker.seedPact(otherConsumersPact(), 'w9', 'feat/webhooks');
    // At trace level Pact logs every header it sends: the token must still not show.
    const run = await verifyFromBroker('none', { ...PUBLISH, PACT_INCLUDE_WIP_PACTS_SINCE: '2026-01-01', LOG_LEVEL: 'trace' });
    expect(run.stdout).toContain('"pactBrokerToken":"[REDACTED]"');
    expect(run.stdout + run.stderr).not.toContain(`${TOKEN.slice(0, 4)}*`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`pact: ${CONSUMER} version c1 on branch main\n`);
    expect(run.stdout).toContain('pact: NangoWebhookConsumer version w9 on branch feat/webhooks (pending, work in progress)');
    const pendingRow = run.stdout.split('\n').find((line) => line.startsWith('PEND '));
    expect(pendingRow).toMatch(/ 410 +404 +FAIL +pass /);
    expect(run.stdout).toMatch(/Verification PASSED: 13 of 14 interactions passed; 1 failed in pending pacts, which does not fail the run/);
    expect(broker.verifications.slice(1).map(({ consumer, success }) => ({ consumer, success }))).toEqual([
      { consumer: CONSUMER, success: true },
      { consumer: 'NangoWebhookConsumer', success: false },
    ]);
  });

  it('verifies exactly the pact PACT_URL names, as a broker webhook passes it, and publishes its result', async () => {
    broker.seedPact(committedPact(), 'c1', 'main');
    const named = broker.seedPact(otherConsumersPact(), 'w9', 'feat/webhooks');
    const run = await verifyFromBroker('none', { ...PUBLISH, PACT_URL: broker.pactUrl(named), PACT_BROKER_BASE_URL: '' });
    expect(run.code).toBe(1);
    expect(forVerificationQueries()).toEqual([]);
    expect(broker.verifications.map(({ consumer, success }) => ({ consumer, success }))).toEqual([{ consumer: 'NangoWebhookConsumer', success: false }]);
    expect(run.stdout).toContain(`pacts from ${broker.pactUrl(named)}`);
  });

  it('fails the run when the broker does not take the results, which the verifier itself only logs', async () => {
    await broker.close();
    broker = await startBrokerDouble({ token: TOKEN, refuseVerificationResults: 400 });
    broker.seedPact(committedPact(), 'c1', 'main');
    const run = await verifyFromBroker('none', PUBLISH);
    expect(run.code).toBe(1);
    expect(broker.verifications).toEqual([]);
    expect(run.stdout).toMatch(/^run: results not published: .*Publishing of verification results failed/m);
    expect(run.stdout).toContain('Verification FAILED: 7 of 7 interactions passed');
  });

  it('refuses to publish results of the embedded reference provider, in one line', async () => {
    const run = await verifyInProcess({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, ...PUBLISH });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'verification could not run: PACT_PUBLISH_VERIFICATION_RESULTS=true needs a real or local Nango (NANGO_BASE_URL and NANGO_SECRET_KEY): results from the embedded reference provider would say nothing about NangoAPI',
    );
    expect(broker.requests).toEqual([]);
  });

  it('says in one line that the broker refused the credentials', async () => {
    broker.seedPact(committedPact(), 'c1', 'main');
    provider = await startDriftingProvider('none', SECRET);
    const wrong = 'not-the-broker-token';
    const run = await verifyInProcess({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: wrong, NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toContain(
      `verification could not run: the Pact Broker at ${broker.url} refused the credentials (PACT_BROKER_TOKEN)`,
    );
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(provider.reference.liveSessionCount()).toBe(0);
  });

  it('says in one line that the broker cannot be reached', async () => {
    const down = await refusedUrl();
    const run = await verifyInProcess({ PACT_BROKER_BASE_URL: down, PACT_BROKER_TOKEN: TOKEN });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toContain(
      `verification could not run: cannot reach the Pact Broker at ${down}: no answer (is it up, and is PACT_BROKER_BASE_URL right?)`,
    );
  });
});
