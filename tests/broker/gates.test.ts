/**
 * `npm run can-i-deploy` and `npm run record-deployment` against the Pact Broker test double, through the
 * official CLI: the broker's yes/no becomes exit code 0/1 with the reason printed, the defaults ask about this
 * repo's consumer at its current version in production, options given are passed through, and the deployment
 * is recorded where the broker says. The token never shows.
 */
import { readFileSync } from 'node:fs';
import { CONSUMER, PROVIDER } from '../../contracts/cases';
import type { JsonObject } from '../../contracts/json';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { startBrokerDouble, type BrokerDouble } from '../support/brokerDouble';
import { runInProcess } from '../support/inProcess';
import { runCli } from '../support/runCli';

const TOKEN = 'broker-token-for-gate-tests';
let broker: BrokerDouble;
beforeEach(async () => {
  broker = await startBrokerDouble({ token: TOKEN });
});
afterEach(() => broker.close());

const env = (more: Record<string, string> = {}) => ({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN, PACT_CONSUMER_VERSION: 'c1', ...more });
/** Our pact at c1, and a Nango version deployed to production that verified it (or failed to). */
function deployedProviderVerified(providerVersion: string, success: boolean): void {
  const pact = broker.seedPact(JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject, 'c1', 'main');
  broker.recordDeployment(PROVIDER, providerVersion, 'production');
  broker.seedVerification(pact, providerVersion, 'main', success);
}
const matrixQueries = () => broker.requests.filter((request) => request.url.startsWith('/matrix')).map((request) => new URL(request.url, 'http://x').searchParams);

describe('npm run can-i-deploy', () => {
  it('answers yes with exit 0 when the deployed provider verified this consumer version, and says why', async () => {
    deployedProviderVerified('nango-1', true);
    const run = await runCli('can-i-deploy', env());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('All required verification results are published and successful');
    expect(run.stdout).toContain('Computer says yes');
    const [query] = matrixQueries();
    expect([query?.get('q[][pacticipant]'), query?.get('q[][version]'), query?.get('environment')]).toEqual([CONSUMER, 'c1', 'production']);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('answers no with exit 1 after a failed verification, and says why', async () => {
    deployedProviderVerified('nango-2', false);
    const run = await runInProcess('can-i-deploy', env());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('One or more of the verification results failed');
    expect(run.stdout).toContain('Computer says no');
  });

  it('passes the options it is given through, e.g. to ask about the provider in another environment', async () => {
    const run = await runInProcess('can-i-deploy', env(), { args: ['--pacticipant', PROVIDER, '--version', 'nango-3', '--to-environment', 'test'] });
    expect(run.code).toBe(0);
    const [query] = matrixQueries();
    expect([query?.get('q[][pacticipant]'), query?.get('q[][version]'), query?.get('environment')]).toEqual([PROVIDER, 'nango-3', 'test']);
  });
});

describe('npm run record-deployment', () => {
  it('records this consumer version as deployed to PACT_ENVIRONMENT', async () => {
    broker.seedPact(JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject, 'c1', 'main');
    const run = await runCli('record-deployment', env({ PACT_ENVIRONMENT: 'test' }));
    expect(run.code).toBe(0);
    expect(broker.deployments).toEqual([{ pacticipant: CONSUMER, version: 'c1', environment: 'test' }]);
    expect(run.stdout).toContain(`Recorded deployment of ${CONSUMER} version c1 to test environment`);
  });

  it('could not answer (exit 2) with the broker reason in one line when the version is unknown', async () => {
    const run = await runInProcess('record-deployment', env(), { args: ['--pacticipant', PROVIDER, '--version', 'never-published'] });
    expect(run.code).toBe(2);
    expect(broker.deployments).toEqual([]);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^record-deployment could not run: the Pact Broker at \S+ has no version never-published of NangoAPI: publish it first/)]);
  });
});
