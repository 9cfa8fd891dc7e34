/**
 * `npm run verify` (in-process) with pacts from the loopback Pact Broker test double, for what a real broker
 * will not do on demand: refuse the verification results, refuse the credentials, not be there. And the one
 * refusal that needs no broker at all: results of the embedded reference provider. The flows themselves
 * (selectors, publishing, pending, WIP, PACT_URL, drift published as a failure) run against a real Pact Broker
 * in real-broker.test.ts; what the verifier is asked to fetch is pinned in tests/verification/verifier-config.test.ts.
 * No token or secret reaches the output.
 */
import { readFileSync } from 'node:fs';
import type { JsonObject } from '../../contracts/json';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { startBrokerDouble, type BrokerDouble } from '../support/brokerDouble';
import { startDriftingProvider, type Drift, type DriftingProvider } from '../support/driftingProvider';
import { verifyInProcess } from '../support/inProcess';
import type { CliRun } from '../support/runCli';
import { refusedUrl, startScriptedServer } from '../support/scriptedServer';
import { REFERENCE_PROVIDER_HEADER, ReferenceProvider, writeAnswer } from '../../contracts/provider/referenceProvider';

const TOKEN = 'broker-token-for-verification-tests';
const SECRET = 'nango-secret-for-broker-tests';
const committedPact = (): JsonObject => JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject;
const PUBLISH = {
  PACT_PUBLISH_VERIFICATION_RESULTS: 'true',
  PACT_PROVIDER_VERSION: 'nango-2026.11.29',
  PACT_PROVIDER_BRANCH: 'main',
  PACT_BUILD_URL: 'https://ci.example/build/7',
};

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
  const run = await verifyInProcess({
    PACT_BROKER_BASE_URL: broker.url,
    PACT_BROKER_TOKEN: TOKEN,
    NANGO_BASE_URL: provider.url,
    NANGO_SECRET_KEY: SECRET,
    ...env,
  });
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  expect(provider.reference.liveSessionCount()).toBe(0);
  return run;
}

describe('verifying pacts from a Pact Broker that misbehaves', () => {
  it('fails the run when the broker does not take the results, saying what the broker answered', async () => {
    await broker.close();
    broker = await startBrokerDouble({ token: TOKEN, refuseVerificationResults: 400 });
    broker.seedPact(committedPact(), 'c1', 'main');
    const run = await verifyFromBroker('none', PUBLISH);
    expect(run.code).toBe(1);
    expect(broker.verifications).toEqual([]);
    expect(run.stdout).toMatch(
      /^run: results not published for NangoConnectSessionClient: the broker answered 400: .*refused by the test/m,
    );
    expect(run.stdout).toMatch(/Verification FAILED: (\d+) of \1 interactions passed/);
  });

  it('refuses to publish results of the embedded reference provider, in one line', async () => {
    const run = await verifyInProcess({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, ...PUBLISH });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'verification could not run: PACT_PUBLISH_VERIFICATION_RESULTS=true needs a real or local Nango (NANGO_BASE_URL and NANGO_SECRET_KEY): results from the embedded reference provider would say nothing about NangoAPI',
    );
    expect(broker.requests).toEqual([]);
  });

  it('refuses to publish (exit 2, one line) what a reference provider answered, whatever NANGO_BASE_URL says', async () => {
    broker.seedPact(committedPact(), 'c1', 'main');
    // `npm run provider` behind NANGO_BASE_URL, as a wrong base URL in CI would have it.
    const reference = await new ReferenceProvider({ secretKey: SECRET }).listen(0, '127.0.0.1');
    try {
      const run = await verifyInProcess({
        PACT_BROKER_BASE_URL: broker.url,
        PACT_BROKER_TOKEN: TOKEN,
        NANGO_BASE_URL: reference.url,
        NANGO_SECRET_KEY: SECRET,
        ...PUBLISH,
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `verification could not run: refusing to publish verification results: the provider at ${reference.url} answered as a reference provider`,
      );
      expect(run.stderr).toContain('nothing was published');
      expect(broker.verifications).toEqual([]);
    } finally {
      await reference.close();
    }
  });

  it('refuses to publish when any answer during the run carries the reference provider header, not only the first', async () => {
    broker.seedPact(committedPact(), 'c1', 'main');
    const behind = new ReferenceProvider({ secretKey: SECRET });
    // A provider that creates sessions as Nango would, but whose DELETE answers come from a reference provider.
    const server = await startScriptedServer((request, response) => {
      if (request.method === 'DELETE') response.setHeader(REFERENCE_PROVIDER_HEADER, 'true');
      writeAnswer(response, behind.respond(request));
    });
    try {
      const run = await verifyInProcess({
        PACT_BROKER_BASE_URL: broker.url,
        PACT_BROKER_TOKEN: TOKEN,
        NANGO_BASE_URL: server.url,
        NANGO_SECRET_KEY: SECRET,
        ...PUBLISH,
      });
      expect([run.code, broker.verifications]).toEqual([2, []]);
      expect(run.stderr).toContain('answered as a reference provider');
    } finally {
      await server.close();
    }
  });

  it('says in one line that the broker refused the credentials', async () => {
    broker.seedPact(committedPact(), 'c1', 'main');
    provider = await startDriftingProvider('none', SECRET);
    const wrong = 'not-the-broker-token';
    const run = await verifyInProcess({
      PACT_BROKER_BASE_URL: broker.url,
      PACT_BROKER_TOKEN: wrong,
      NANGO_BASE_URL: provider.url,
      NANGO_SECRET_KEY: SECRET,
    });
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
