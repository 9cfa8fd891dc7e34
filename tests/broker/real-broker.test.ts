/**
 * The whole broker story on a real Pact Broker (pact_broker 2.113, SQLite, started by .ci/run), with the official
 * CLI and Pact's real verifier against a loopback Nango stand-in: setup of a fresh environment (twice: nothing
 * new the second time), publish (from a CI's detached HEAD with its branch and build URL, or under the version and
 * branch given), verify with results published (the report naming the consumer version and
 * branch), can-i-deploy no (nothing deployed yet) and yes (once the verified NangoAPI is deployed), no again
 * after a failed verification (a drifting status, or an answer only the spec objects to), options passed through
 * to the CLI, record-deployment, a missing environment or version as "could not answer" (exit 2)
 * in one line naming the fix, provider contracts refused as a PactFlow feature, PACT_URL, a new failing pact as pending (PEND, exit 0), WIP pacts, selectors, and
 * known findings with publishing: an accepted schema objection leaves the broker with Pact's own passing verdict,
 * an accepted status drift is still published as a failure and the report says so. Skipped, saying so, without a
 * real broker (outside this repository's CI).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUMER, PROVIDER } from '../../contracts/cases';
import type { JsonObject } from '../../contracts/json';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { startDriftingProvider, type Drift } from '../support/driftingProvider';
import { gitCheckoutWithPact } from '../support/gitCheckout';
import { describeOnRealBroker, unique } from '../support/realBroker';
import { runInProcess, verifyInProcess } from '../support/inProcess';
import { reportRow, runCli, type CliRun } from '../support/runCli';
import { scratchDir } from '../support/scratch';

const SECRET = 'nango-secret-for-real-broker-tests';
const committedPact = (): JsonObject => JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject;

describeOnRealBroker('the broker story on a real Pact Broker', (brokerUrl) => {
  const environment = unique('production');
  const branch = unique('main');
  const consumerVersion = unique('c');
  const broker = { PACT_BROKER_BASE_URL: brokerUrl };
  const consumer = {
    ...broker,
    PACT_CONSUMER_VERSION: consumerVersion,
    PACT_CONSUMER_BRANCH: branch,
    PACT_ENVIRONMENT: environment,
  };
  const selectors = { PACT_CONSUMER_VERSION_SELECTORS: JSON.stringify([{ branch }]) };

  /** `npm run verify` of the broker's pacts against a Nango stand-in drifting in `drift`, results published under `providerVersion`. */
  async function verifyAndPublish(
    drift: Drift,
    providerVersion: string,
    env: Record<string, string> = {},
    terminal = false,
  ): Promise<CliRun> {
    const provider = await startDriftingProvider(drift, SECRET);
    try {
      const run = await verifyInProcess(
        {
          ...broker,
          ...selectors,
          NANGO_BASE_URL: provider.url,
          NANGO_SECRET_KEY: SECRET,
          PACT_PUBLISH_VERIFICATION_RESULTS: 'true',
          PACT_PROVIDER_VERSION: providerVersion,
          PACT_PROVIDER_BRANCH: branch,
          ...env,
        },
        terminal,
      );
      expect(provider.reference.liveSessionCount()).toBe(0);
      return run;
    } finally {
      await provider.close();
    }
  }

  /** What the broker holds as the latest verification of our pact: by which NangoAPI version, and whether it passed. */
  async function latestVerification(): Promise<{ providerVersion: unknown; success: unknown }> {
    const url = `${brokerUrl}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/version/${consumerVersion}/verification-results/latest`;
    const results = (await (await fetch(url, { headers: { accept: 'application/hal+json' } })).json()) as JsonObject;
    return { providerVersion: results['providerApplicationVersion'], success: results['success'] };
  }

  const canIDeploy = (args: string[] = []) => runInProcess('can-i-deploy', consumer, { args });
  const recordProviderDeployment = (providerVersion: string) =>
    runInProcess('record-deployment', consumer, { args: ['--pacticipant', PROVIDER, '--version', providerVersion] });

  it('sets up a fresh environment, and finds it there the second time', async () => {
    // As npm runs it: the bundled CLI in a process of its own.
    const first = await runCli('broker:setup', consumer);
    expect([first.code, first.stdout]).toEqual([0, `environment ${environment}: created\n`]);
    const again = await runInProcess('broker:setup', consumer);
    expect([again.code, again.stdout]).toEqual([0, `environment ${environment}: already there\n`]);
  });

  it('publishes the pact under the consumer version and branch', async () => {
    const run = await runInProcess('pact:publish', consumer);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Created ${CONSUMER} version ${consumerVersion} with branch ${branch}`);
  });

  /** What the broker holds of a consumer version: its branches and build URL. */
  async function versionOf(version: string): Promise<{ branches: unknown[]; buildUrl: unknown }> {
    const found = (await (
      await fetch(`${brokerUrl}/pacticipants/${CONSUMER}/versions/${encodeURIComponent(version)}`, {
        headers: { accept: 'application/hal+json' },
      })
    ).json()) as JsonObject;
    const embedded = (found['_embedded'] as JsonObject | undefined) ?? {};
    return {
      branches: ((embedded['branchVersions'] as JsonObject[] | undefined) ?? []).map(
        (branchVersion) => branchVersion['name'],
      ),
      buildUrl: found['buildUrl'],
    };
  }

  it("publishes from a CI's detached HEAD under the commit, the CI's branch and its build URL", async () => {
    const checkout = gitCheckoutWithPact();
    checkout.git('checkout', '-q', '--detach');
    const ciBranch = unique('feature/login');
    const run = await runCli(
      'pact:publish',
      {
        ...broker,
        GITHUB_ACTIONS: 'true',
        GITHUB_HEAD_REF: ciBranch,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_RUN_ID: '42',
      },
      { cwd: checkout.dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`as ${CONSUMER} version ${checkout.commit} on branch ${ciBranch}`);
    expect(await versionOf(checkout.commit)).toEqual({
      branches: [ciBranch],
      buildUrl: 'https://github.com/acme/app/actions/runs/42',
    });
    const pactUrl = `${brokerUrl}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/version/${checkout.commit}`;
    const published = (await (
      await fetch(pactUrl, { headers: { accept: 'application/hal+json' } })
    ).json()) as JsonObject;
    // The broker gives each interaction an _id of its own.
    const withoutIds = (interactions: unknown) =>
      (interactions as JsonObject[]).map(({ _id: _ignored, ...interaction }) => interaction);
    expect(withoutIds(published['interactions'])).toEqual(withoutIds(committedPact()['interactions']));
  });

  const dirtyVersion = unique('1.4.0');
  it('publishes a dirty tree under PACT_CONSUMER_VERSION and PACT_CONSUMER_BRANCH', async () => {
    const checkout = gitCheckoutWithPact();
    checkout.makeDirty();
    const run = await runInProcess(
      'pact:publish',
      { ...broker, PACT_CONSUMER_VERSION: dirtyVersion, PACT_CONSUMER_BRANCH: 'release' },
      { cwd: checkout.dir },
    );
    expect(run.code).toBe(0);
    expect((await versionOf(dirtyVersion)).branches).toEqual(['release']);
  });

  it('says no (exit 1) while no NangoAPI version is deployed there, and why', async () => {
    const run = await canIDeploy();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('no version is currently recorded as deployed/released in this environment');
  });

  const verified = unique('nango');
  it('verifies the pacts its selectors name, publishes the results, and names the consumer version and branch', async () => {
    // On a terminal, which shows progress lines.
    const run = await verifyAndPublish('none', verified, {}, true);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^pact: ${CONSUMER} version ${consumerVersion} on branch ${branch}( \\(pending\\))?$`, 'm'),
    );
    // Progress lines name the documented cases, with the total the broker's pacts hold.
    expect(run.stdout).toMatch(/^ {2}\[(\d+)\/\1\] [a-z]/m);
    expect(await latestVerification()).toEqual({ providerVersion: verified, success: true });
  });

  it('says yes (exit 0) once the NangoAPI version that verified the pact is recorded as deployed', async () => {
    expect((await recordProviderDeployment(verified)).code).toBe(0);
    const run = await runCli('can-i-deploy', consumer);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Computer says yes');
  });

  it('records the consumer deployment', async () => {
    const run = await runCli('record-deployment', consumer);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Recorded deployment of ${CONSUMER} version ${consumerVersion} to ${environment} environment`,
    );
  });

  it('passes the options it is given through, such as another version to ask about', async () => {
    const run = await canIDeploy([
      '--pacticipant',
      CONSUMER,
      '--version',
      dirtyVersion,
      '--to-environment',
      environment,
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    // The same pact content as the verified version: the broker counts that verification for it too.
    expect(run.stdout).toContain(dirtyVersion);
    expect(run.stdout).toContain('Computer says yes');
  });

  it('could not answer (exit 2) for an environment or a version the broker does not have, in one line naming the fix', async () => {
    const missing = unique('staging');
    const noEnvironment = await canIDeploy(['--to-environment', missing]);
    expect(noEnvironment.code).toBe(2);
    expect(noEnvironment.stderr).toBe(
      `can-i-deploy could not run: the Pact Broker at ${brokerUrl} has no environment ${missing}: create it with npm run broker:setup (PACT_ENVIRONMENT=${missing})\n`,
    );
    const noVersion = await runInProcess('record-deployment', {
      ...consumer,
      PACT_CONSUMER_VERSION: 'never-published',
    });
    expect(noVersion.code).toBe(2);
    expect(noVersion.stderr).toMatch(
      /^record-deployment could not run: the Pact Broker at \S+ has no version never-published of NangoConnectSessionClient: publish it first/,
    );
    expect(noVersion.stderr.split('\n')).toHaveLength(2);
  });

  it('says an unknown version once (exit 2): can-i-deploy about a version never published', async () => {
    const never = unique('never-published');
    const run = await canIDeploy(['--pacticipant', CONSUMER, '--version', never]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `can-i-deploy could not run: the Pact Broker at ${brokerUrl} has no pact or verification for version ${never} of ${CONSUMER}: publish it first (npm run pact:publish), or name a version it has\n`,
    );
    // The CLI's own words for it are not repeated on stdout.
    expect(run.stdout).not.toContain(never);
    expect(run.stdout).not.toMatch(/Computer says/);
  });

  it('says no (exit 1) after the deployed NangoAPI failed to verify the pact', async () => {
    const drifted = unique('nango');
    const run = await verifyAndPublish('wrong-status', drifted);
    expect(run.code).toBe(1);
    expect(reportRow(run.stdout, 'deletes an existing connect session').reasons).toEqual([
      'pact: status: expected 204 but was 202',
      "pact: published as a failure: the response broke the spec, so Pact's verifier was shown a 599 stand-in",
      'schema: 202 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)',
    ]);
    expect(await latestVerification()).toEqual({ providerVersion: drifted, success: false });
    expect((await recordProviderDeployment(drifted)).code).toBe(0);
    const no = await canIDeploy();
    expect(no.code).toBe(1);
    expect(no.stdout).toContain('Computer says no');
    expect((await recordProviderDeployment(verified)).code).toBe(0);
  });

  it('verifies exactly the pact PACT_URL names', async () => {
    const pactUrl = `${brokerUrl}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/version/${consumerVersion}`;
    const run = await verifyAndPublish('none', unique('nango'), {
      PACT_URL: pactUrl,
      PACT_BROKER_BASE_URL: '',
      PACT_CONSUMER_VERSION_SELECTORS: '',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`pacts from ${pactUrl}`);
  });

  it('says in one line that provider contracts are a PactFlow feature (exit 2), with evidence it would otherwise publish', async () => {
    const reportsDir = scratchDir('evidence');
    const provider = await startDriftingProvider('none', SECRET);
    try {
      expect(
        (await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: reportsDir }))
          .code,
      ).toBe(0);
    } finally {
      await provider.close();
    }
    const run = await runInProcess('pact:publish-provider-contract', {
      ...broker,
      PACT_PROVIDER_VERSION: unique('nango'),
      PACT_PROVIDER_BRANCH: branch,
      REPORTS_DIR: reportsDir,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `pact:publish-provider-contract could not run: the Pact Broker at ${brokerUrl} is not PactFlow: provider contracts (bi-directional contract testing) are a PactFlow feature\n`,
    );
  });

  describe('a new consumer whose pact fails', () => {
    const other = unique('NangoWebhookConsumer');
    const otherBranch = unique('feat');
    beforeAll(async () => {
      // Its pact expects 410 where Nango documents 404: it can never pass.
      const interactions = (committedPact()['interactions'] as JsonObject[]).map((interaction) => {
        const response = interaction['response'] as JsonObject;
        const deletesAGoneSession =
          interaction['description'] === 'a request to delete a connect session that has already been deleted';
        return deletesAGoneSession ? { ...interaction, response: { ...response, status: 410 } } : interaction;
      });
      const dir = scratchDir('other-consumer');
      mkdirSync(join(dir, 'pacts'));
      writeFileSync(
        join(dir, 'pacts', `${other}-${PROVIDER}.json`),
        JSON.stringify({ ...committedPact(), consumer: { name: other }, interactions }),
      );
      const published = await runInProcess(
        'pact:publish',
        { ...broker, PACT_CONSUMER_VERSION: unique('w'), PACT_CONSUMER_BRANCH: otherBranch },
        { cwd: dir },
      );
      expect(published.code).toBe(0);
    });

    it('is pending: shown as PEND, published as a failure, and the run stays green', async () => {
      const run = await verifyAndPublish('none', unique('nango'), {
        PACT_CONSUMER_VERSION_SELECTORS: JSON.stringify([{ branch }, { branch: otherBranch }]),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^pact: ${other} version \\S+ on branch ${otherBranch} \\(pending\\)$`, 'm'),
      );
      expect(run.stdout.split('\n').filter((line) => line.startsWith('PEND '))).toHaveLength(1);
      const each = (committedPact()['interactions'] as JsonObject[]).length;
      expect(run.stdout).toContain(
        `Verification PASSED: ${2 * each - 1} of ${2 * each} interactions passed; 1 failed in pending pacts`,
      );
    });

    it('comes as a work-in-progress pact when the selectors do not name it', async () => {
      const run = await verifyAndPublish('none', unique('nango'), { PACT_INCLUDE_WIP_PACTS_SINCE: '2020-01-01' });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^pact: ${other} on branch ${otherBranch} \\(pending, work in progress\\)$`, 'm'),
      );
    });
  });

  it('publishes a failure for an answer that breaks the spec where Pact alone would have passed it', async () => {
    const providerVersion = unique('nango');
    const run = await verifyAndPublish('extra-property', providerVersion);
    expect(run.code).toBe(1);
    const row = reportRow(run.stdout, 'answers 404 for a session that has already been deleted');
    expect(row.line).toMatch(/^FAIL .* 404 +404 +FAIL +FAIL/);
    expect(row.reasons).toEqual([
      "pact: published as a failure: the response broke the spec, so Pact's verifier was shown a 599 stand-in",
      "schema: 404 body: /error must NOT have additional property 'payload'",
    ]);
    expect(await latestVerification()).toEqual({ providerVersion, success: false });
  });

  describe('known findings, while publishing results', () => {
    const knownFindings = (entries: string[]): string => {
      const file = join(scratchDir('known'), 'known.yaml');
      writeFileSync(file, entries.join('\n'));
      return file;
    };

    it("leave the broker with Pact's own verdict for an accepted schema objection: the run and the broker both pass", async () => {
      const file = knownFindings([
        '- {check: schema, matching: "additional property .payload.", reason: reported upstream}',
      ]);
      const providerVersion = unique('nango');
      const run = await verifyAndPublish('extra-property', providerVersion, { KNOWN_FINDINGS_FILE: file });
      expect(run.code).toBe(0);
      expect(reportRow(run.stdout, 'answers 404 for a session that has already been deleted').line).toMatch(
        /^KNOW .* 404 +404 +pass +known /,
      );
      expect(run.stdout).toMatch(/Verification PASSED: (\d+) of \1 interactions passed \(\d accepted as known\)/);
      // The stand-in status as a word: a port such as 33599 is no stand-in.
      expect(run.stdout).not.toMatch(/\b599\b/);
      expect(await latestVerification()).toEqual({ providerVersion, success: true });
    });

    it('still publish an accepted status drift as the failure Pact saw, and the report says the broker was told so', async () => {
      const file = knownFindings([
        '- {check: pact, status: 401, matching: "expected 404 but was 401", reason: reported upstream}',
      ]);
      const providerVersion = unique('nango');
      const run = await verifyAndPublish('no-404', providerVersion, { KNOWN_FINDINGS_FILE: file });
      expect(run.code).toBe(0);
      const row = reportRow(run.stdout, 'answers 404 for a session that has already been deleted');
      expect(row.line).toMatch(/^KNOW .* 404 +401 +known +pass /);
      expect(row.reasons).toContain('broker told: failure (Pact: status: expected 404 but was 401)');
      expect(await latestVerification()).toEqual({ providerVersion, success: false });
    });
  });
});
