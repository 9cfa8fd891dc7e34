/**
 * `npm run pact:publish` against the Pact Broker test double: the official CLI sends one
 * `POST /contracts/publish` carrying the pact from pacts/, the consumer version (the commit, or
 * PACT_CONSUMER_VERSION), the branch (also on a CI's detached HEAD) and the build URL; a version that would
 * lie (uncommitted changes) is refused; missing settings, wrong credentials and a broker that is down each
 * give one line and a non-zero exit; the token never shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUMER } from '../../contracts/cases';
import { startBrokerDouble, type BrokerDouble } from '../support/brokerDouble';
import { gitCheckoutWithPact } from '../support/gitCheckout';
import { runInProcess } from '../support/inProcess';
import { runCli } from '../support/runCli';
import { refusedUrl, sendJson, startScriptedServer } from '../support/scriptedServer';

const TOKEN = 'broker-token-for-publish-tests';
let broker: BrokerDouble;
beforeEach(async () => {
  broker = await startBrokerDouble({ token: TOKEN });
});
afterEach(() => broker.close());

const brokerEnv = () => ({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
const publishRequests = () => broker.requests.filter((request) => request.method === 'POST' && request.url === '/contracts/publish');

describe('npm run pact:publish', () => {
  it('publishes the pact under the commit, the CI branch of a detached HEAD and the build URL', async () => {
    const checkout = gitCheckoutWithPact();
    checkout.git('checkout', '-q', '--detach');
    const run = await runCli(
      'pact:publish',
      { ...brokerEnv(), GITHUB_ACTIONS: 'true', GITHUB_HEAD_REF: 'feature/login', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '42' },
      { cwd: checkout.dir },
    );
    expect(run.code).toBe(0);
    expect(publishRequests()).toHaveLength(1);
    const body = JSON.parse(publishRequests()[0]?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      pacticipantName: CONSUMER,
      pacticipantVersionNumber: checkout.commit,
      branch: 'feature/login',
      buildUrl: 'https://github.com/acme/app/actions/runs/42',
    });
    const [contract] = body['contracts'] as Array<{ content: string; providerName: string }>;
    // The CLI re-serialises the pact and stamps its own library versions into the metadata.
    const sent = JSON.parse(Buffer.from(contract?.content ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
    const committed = JSON.parse(readFileSync(join(checkout.dir, 'pacts', `${CONSUMER}-NangoAPI.json`), 'utf8')) as Record<string, unknown>;
    expect({ ...sent, metadata: undefined }).toEqual({ ...committed, metadata: undefined });
    expect(contract?.providerName).toBe('NangoAPI');
    expect(run.stdout).toContain(`as ${CONSUMER} version ${checkout.commit} on branch feature/login`);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('takes the version and branch from PACT_CONSUMER_VERSION and PACT_CONSUMER_BRANCH, dirty tree or not', async () => {
    const checkout = gitCheckoutWithPact();
    checkout.makeDirty();
    const run = await runInProcess('pact:publish', { ...brokerEnv(), PACT_CONSUMER_VERSION: '1.4.0', PACT_CONSUMER_BRANCH: 'release' }, { cwd: checkout.dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(publishRequests()[0]?.body ?? '{}')).toMatchObject({ pacticipantVersionNumber: '1.4.0', branch: 'release' });
  });

  it('refuses to publish uncommitted changes under the commit, unless told to', async () => {
    const checkout = gitCheckoutWithPact();
    checkout.makeDirty();
    const refused = await runInProcess('pact:publish', brokerEnv(), { cwd: checkout.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      `pact:publish could not run: the working tree has uncommitted changes, so the consumer version ${checkout.commit} (its commit) would not describe it: commit them, set PACT_CONSUMER_VERSION, or set PACT_ALLOW_DIRTY=true`,
    );
    expect(broker.requests).toHaveLength(0);

    const allowed = await runInProcess('pact:publish', { ...brokerEnv(), PACT_ALLOW_DIRTY: 'true' }, { cwd: checkout.dir });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(publishRequests()[0]?.body ?? '{}')).toMatchObject({ pacticipantVersionNumber: checkout.commit, branch: 'main' });
  });

  it('refuses to publish without a branch, as on a detached HEAD outside any known CI', async () => {
    const checkout = gitCheckoutWithPact();
    checkout.git('checkout', '-q', '--detach');
    const run = await runInProcess('pact:publish', brokerEnv(), { cwd: checkout.dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('pact:publish could not run: cannot tell the consumer branch (a detached HEAD and no CI branch variable): set PACT_CONSUMER_BRANCH');
    expect(broker.requests).toHaveLength(0);
  });

  it('says in one line that PACT_BROKER_BASE_URL is missing, without a usage dump', async () => {
    const run = await runInProcess('pact:publish', { PACT_CONSUMER_VERSION: '1' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pact:publish could not run: PACT_BROKER_BASE_URL is not set: /)]);
  });

  it('says in one line that the broker refused the credentials, without printing them', async () => {
    const wrong = 'a-wrong-broker-token';
    const run = await runInProcess('pact:publish', { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: wrong, PACT_CONSUMER_VERSION: '1', PACT_CONSUMER_BRANCH: 'main' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([`pact:publish could not run: the Pact Broker at ${broker.url} refused the credentials (PACT_BROKER_TOKEN)`]);
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  it('says in one line that the broker cannot be reached', async () => {
    const down = await refusedUrl();
    const run = await runInProcess('pact:publish', { PACT_BROKER_BASE_URL: down, PACT_BROKER_TOKEN: TOKEN, PACT_CONSUMER_VERSION: '1', PACT_CONSUMER_BRANCH: 'main', PACT_BROKER_HTTP_RETRIES: '0' });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([`pact:publish could not run: cannot reach the Pact Broker at ${down}: no answer (is it up, and is PACT_BROKER_BASE_URL right?)`]);
  });

  it('says in one line, without a backtrace, when the server is no Pact Broker', async () => {
    const notABroker = await startScriptedServer((_request, response) => sendJson(response, 200, {}));
    try {
      const run = await runInProcess('pact:publish', { PACT_BROKER_BASE_URL: notABroker.url, PACT_BROKER_TOKEN: TOKEN, PACT_CONSUMER_VERSION: '1', PACT_CONSUMER_BRANCH: 'main' });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([`pact:publish could not run: the Pact CLI stopped on an answer it did not expect from ${notABroker.url}: is it a Pact Broker?`]);
    } finally {
      await notABroker.close();
    }
  });
});
