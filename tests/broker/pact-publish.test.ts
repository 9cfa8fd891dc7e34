/**
 * `npm run pact:publish` refusing what it must not publish, and said in one line, against the Pact Broker test
 * double where a broker is needed at all: a commit version of uncommitted changes (unless allowed), no branch on
 * a detached HEAD outside any CI, no broker set, refused credentials, a broker that is down, a server that is no
 * broker. Publishing itself (the commit, a CI's branch and build URL, the version and branch given) runs against a
 * real Pact Broker in real-broker.test.ts. The token never shows.
 */
import { startBrokerDouble, type BrokerDouble } from '../support/brokerDouble';
import { gitCheckoutWithPact } from '../support/gitCheckout';
import { runInProcess } from '../support/inProcess';
import { refusedUrl, sendJson, startScriptedServer } from '../support/scriptedServer';

const TOKEN = 'broker-token-for-publish-tests';
let broker: BrokerDouble;
beforeEach(async () => {
  broker = await startBrokerDouble({ token: TOKEN });
});
afterEach(() => broker.close());

const brokerEnv = () => ({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
const publishRequests = () =>
  broker.requests.filter((request) => request.method === 'POST' && request.url === '/contracts/publish');

describe('npm run pact:publish', () => {
  it('refuses to publish uncommitted changes under the commit, unless told to', async () => {
    const checkout = gitCheckoutWithPact();
    checkout.makeDirty();
    const refused = await runInProcess('pact:publish', brokerEnv(), { cwd: checkout.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      `pact:publish could not run: the working tree has uncommitted changes, so the consumer version ${checkout.commit} (its commit) would not describe it: commit them, set PACT_CONSUMER_VERSION, or set PACT_ALLOW_DIRTY=true`,
    );
    expect(broker.requests).toHaveLength(0);

    const allowed = await runInProcess(
      'pact:publish',
      { ...brokerEnv(), PACT_ALLOW_DIRTY: 'true' },
      { cwd: checkout.dir },
    );
    expect(allowed.code).toBe(0);
    expect(JSON.parse(publishRequests()[0]?.body ?? '{}')).toMatchObject({
      pacticipantVersionNumber: checkout.commit,
      branch: 'main',
    });
  });

  it('refuses to publish without a branch, as on a detached HEAD outside any known CI', async () => {
    const checkout = gitCheckoutWithPact();
    checkout.git('checkout', '-q', '--detach');
    const run = await runInProcess('pact:publish', brokerEnv(), { cwd: checkout.dir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      'pact:publish could not run: cannot tell the consumer branch (a detached HEAD and no CI branch variable): set PACT_CONSUMER_BRANCH',
    );
    expect(broker.requests).toHaveLength(0);
  });

  it('says in one line that PACT_BROKER_BASE_URL is missing, without a usage dump', async () => {
    const run = await runInProcess('pact:publish', { PACT_CONSUMER_VERSION: '1' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^pact:publish could not run: PACT_BROKER_BASE_URL is not set: /),
    ]);
  });

  it('says in one line that the broker refused the credentials, without printing them', async () => {
    const wrong = 'a-wrong-broker-token';
    const run = await runInProcess('pact:publish', {
      PACT_BROKER_BASE_URL: broker.url,
      PACT_BROKER_TOKEN: wrong,
      PACT_CONSUMER_VERSION: '1',
      PACT_CONSUMER_BRANCH: 'main',
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      `pact:publish could not run: the Pact Broker at ${broker.url} refused the credentials (PACT_BROKER_TOKEN)`,
    ]);
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  it('says in one line that the broker cannot be reached', async () => {
    const down = await refusedUrl();
    const run = await runInProcess('pact:publish', {
      PACT_BROKER_BASE_URL: down,
      PACT_BROKER_TOKEN: TOKEN,
      PACT_CONSUMER_VERSION: '1',
      PACT_CONSUMER_BRANCH: 'main',
      PACT_BROKER_HTTP_RETRIES: '0',
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      `pact:publish could not run: cannot reach the Pact Broker at ${down}: no answer (is it up, and is PACT_BROKER_BASE_URL right?)`,
    ]);
  });

  it('says in one line, without a backtrace, when the server is no Pact Broker', async () => {
    const notABroker = await startScriptedServer((_request, response) => sendJson(response, 200, {}));
    try {
      const run = await runInProcess('pact:publish', {
        PACT_BROKER_BASE_URL: notABroker.url,
        PACT_BROKER_TOKEN: TOKEN,
        PACT_CONSUMER_VERSION: '1',
        PACT_CONSUMER_BRANCH: 'main',
      });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^pact:publish could not run: \S+ is not a Pact Broker: GET \S+ answered 200 application\/json, not the broker's index/,
        ),
      ]);
    } finally {
      await notABroker.close();
    }
  });
});
