/**
 * What the verifier is told of where the pacts come from and where results go: a local file as a pact URL; a
 * broker with its selectors, pending, WIP and the provider branch, as the broker's pacts-for-verification query
 * needs them; a pact URL with its broker's credentials; never publishing, which the suite does itself. (The broker tests run these against a real Pact Broker; this pins what is sent.)
 */
import type { GitFacts } from '../../contracts/broker/versionInfo';
import { settingsFromEnv } from '../../contracts/verification/settings';
import { pactSourceConfig } from '../../contracts/verification/verifierConfig';

const git = (): GitFacts => ({ commit: 'abc123', branch: 'feat/x', dirty: false });
const configOf = (env: Record<string, string>) => {
  const settings = settingsFromEnv(env, git);
  return pactSourceConfig(settings.source);
};

it('gives a local pact as its file', () => {
  expect(configOf({})).toEqual({
    pactUrls: [expect.stringMatching(/pacts\/NangoConnectSessionClient-NangoAPI\.json$/)],
  });
});

it('asks a broker for the pacts of the selectors, pending on, with WIP pacts and the provider branch', () => {
  expect(
    configOf({
      PACT_BROKER_BASE_URL: 'https://b.example',
      PACT_BROKER_TOKEN: 't',
      PACT_CONSUMER_VERSION_SELECTORS: '[{"branch":"release"}]',
      PACT_INCLUDE_WIP_PACTS_SINCE: '2026-01-01',
    }),
  ).toEqual({
    pactBrokerUrl: 'https://b.example',
    pactBrokerToken: 't',
    consumerVersionSelectors: [{ branch: 'release' }],
    enablePending: true,
    includeWipPactsSince: '2026-01-01',
    providerVersionBranch: 'feat/x',
  });
});

it('fetches exactly the pact a URL names, with its broker credentials, and never asks the verifier to publish: the suite publishes its own verdict', () => {
  const env = {
    PACT_URL: 'https://b.example/pacts/1',
    PACT_BROKER_USERNAME: 'u',
    PACT_BROKER_PASSWORD: 'p',
    NANGO_BASE_URL: 'http://localhost:3003',
    NANGO_SECRET_KEY: 'sk',
  };
  expect(
    configOf({
      ...env,
      PACT_PUBLISH_VERIFICATION_RESULTS: 'TRUE',
      PACT_PROVIDER_VERSION: 'nango-1',
      PACT_BUILD_URL: 'https://ci/7',
    }),
  ).toEqual({
    pactUrls: ['https://b.example/pacts/1'],
    pactBrokerUsername: 'u',
    pactBrokerPassword: 'p',
  });
});
