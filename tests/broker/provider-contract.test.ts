/**
 * `npm run pact:publish-provider-contract` against the broker test double: the official CLI publishes spec/ as
 * NangoAPI's provider contract with the provider version and branch, and this suite's own verification of a real
 * (here: loopback, Nango-like) provider as the self-verification results, success or failure as the run ended. It
 * refuses evidence about the embedded reference provider or one started by hand, from a run that did not finish
 * (every verify replaces the evidence as it starts), about another spec, missing evidence, and missing broker
 * settings, each in one line; the token never shows.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, type JsonObject } from '../../contracts/json';
import { SPEC_FILE } from '../../contracts/nangoApi';
import { startReferenceProvider } from '../../contracts/provider/referenceProvider';
import { startBrokerDouble, type BrokerDouble } from '../support/brokerDouble';
import { startDriftingProvider, type Drift } from '../support/driftingProvider';
import { runInProcess, verifyInProcess } from '../support/inProcess';
import { runCli } from '../support/runCli';
import { scratchDir } from '../support/scratch';
import { refusedUrl } from '../support/scriptedServer';

const TOKEN = 'broker-token-for-provider-contract-tests';
const SECRET = 'nango-secret-for-provider-contract-tests';
let broker: BrokerDouble;
beforeEach(async () => {
  broker = await startBrokerDouble({ token: TOKEN });
});
afterEach(() => broker.close());

const publishEnv = (reportsDir: string) => ({
  PACT_BROKER_BASE_URL: broker.url,
  PACT_BROKER_TOKEN: TOKEN,
  PACT_PROVIDER_VERSION: 'nango-2026.11.29',
  PACT_PROVIDER_BRANCH: 'main',
  REPORTS_DIR: reportsDir,
});

/** Runs `npm run verify` against a loopback provider drifting in `drift`, its evidence written to a fresh directory. */
async function verifiedEvidence(drift: Drift): Promise<string> {
  const reportsDir = scratchDir('evidence');
  const provider = await startDriftingProvider(drift, SECRET);
  try {
    await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: reportsDir });
  } finally {
    await provider.close();
  }
  return reportsDir;
}

function published(): JsonObject {
  expect(broker.providerContracts).toHaveLength(1);
  return broker.providerContracts[0]?.body ?? {};
}

describe('npm run pact:publish-provider-contract', () => {
  it("publishes the spec with the provider version, branch and this suite's passing verification as evidence", async () => {
    const reportsDir = await verifiedEvidence('none');
    const run = await runCli('pact:publish-provider-contract', publishEnv(reportsDir));
    expect(run.code).toBe(0);
    const body = published();
    expect(body).toMatchObject({ pacticipantVersionNumber: 'nango-2026.11.29', branch: 'main' });
    const contract = isJsonObject(body['contract']) ? body['contract'] : {};
    expect(Buffer.from(String(contract['content']), 'base64').toString('utf8')).toBe(readFileSync(SPEC_FILE, 'utf8'));
    expect(contract).toMatchObject({ contentType: 'application/yaml', specification: 'oas' });
    const self = isJsonObject(contract['selfVerificationResults']) ? contract['selfVerificationResults'] : {};
    expect(self).toMatchObject({ success: true, verifier: 'nango-contract-tests' });
    const evidence = JSON.parse(Buffer.from(String(self['content']), 'base64').toString('utf8')) as {
      passed: boolean;
      target: string;
    };
    expect(evidence).toMatchObject({ passed: true, target: 'remote' });
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(Buffer.from(String(self['content']), 'base64').toString('utf8')).not.toContain(SECRET);
  });

  it('publishes a failed self-verification when the provider broke the spec', async () => {
    const reportsDir = await verifiedEvidence('extra-property');
    const run = await runInProcess('pact:publish-provider-contract', publishEnv(reportsDir));
    expect(run.code).toBe(0);
    const contract = published()['contract'] as JsonObject;
    expect(contract['selfVerificationResults']).toMatchObject({ success: false });
  });

  it('refuses evidence about the embedded reference provider, in one line', async () => {
    const reportsDir = scratchDir('evidence');
    await verifyInProcess({ REPORTS_DIR: reportsDir });
    const run = await runInProcess('pact:publish-provider-contract', publishEnv(reportsDir));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^pact:publish-provider-contract could not run: .*verification\.json holds a verification of the embedded reference provider, which says nothing about NangoAPI/,
    );
    expect(broker.requests).toEqual([]);
  });

  it('refuses the evidence of a passing run once a later verify could not run: every run replaces it as it starts', async () => {
    const reportsDir = await verifiedEvidence('none');
    const refused = await verifyInProcess({
      NANGO_BASE_URL: (await refusedUrl()).replace(/\/$/, ''),
      NANGO_SECRET_KEY: SECRET,
      REPORTS_DIR: reportsDir,
    });
    expect(refused.code).toBe(2);
    expect(JSON.parse(readFileSync(join(reportsDir, 'verification.json'), 'utf8'))).toMatchObject({
      outcome: 'could-not-run',
      passed: false,
      report: null,
    });
    const run = await runInProcess('pact:publish-provider-contract', publishEnv(reportsDir));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^pact:publish-provider-contract could not run: .*verification\.json is from a verification that did not finish \(could-not-run: verification could not run: cannot reach provider/,
    );
    expect(broker.requests).toEqual([]);
  });

  it('refuses evidence from a reference provider started by hand, which says what it is in every answer', async () => {
    const reportsDir = scratchDir('evidence');
    const byHand = await startReferenceProvider({ secretKey: SECRET });
    try {
      await verifyInProcess({ NANGO_BASE_URL: byHand.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: reportsDir });
    } finally {
      await byHand.close();
    }
    const run = await runInProcess('pact:publish-provider-contract', publishEnv(reportsDir));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /holds a verification of a reference provider \(its answers say so\), which says nothing about NangoAPI/,
    );
  });

  it('refuses evidence about another spec than the committed one', async () => {
    const reportsDir = await verifiedEvidence('none');
    const file = join(reportsDir, 'verification.json');
    writeFileSync(
      file,
      JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as JsonObject), specSha256: '0'.repeat(64) }),
    );
    const run = await runInProcess('pact:publish-provider-contract', publishEnv(reportsDir));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /is a verification against another spec than .*nango-openapi-2f4c0af\.yaml, which changed since/,
    );
  });

  it('says in one line that there is no evidence yet, or no broker', async () => {
    const empty = scratchDir('evidence');
    const noEvidence = await runInProcess('pact:publish-provider-contract', publishEnv(empty));
    expect(noEvidence.code).toBe(2);
    expect(noEvidence.stderr.trim()).toBe(
      `pact:publish-provider-contract could not run: no verification results at ${join(empty, 'verification.json')}: run \`npm run verify\` against Nango first (NANGO_BASE_URL, NANGO_SECRET_KEY)`,
    );
    const noBroker = await runInProcess('pact:publish-provider-contract', { REPORTS_DIR: empty });
    expect(noBroker.code).toBe(2);
    expect(noBroker.stderr.trim()).toMatch(
      /^pact:publish-provider-contract could not run: PACT_BROKER_BASE_URL is not set/,
    );
  });
});
