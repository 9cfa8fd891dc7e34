/**
 * Choosing the provider and the pacts from the environment: nothing set means the embedded reference provider
 * and the committed pact; a real or local Nango needs both NANGO_BASE_URL and NANGO_SECRET_KEY; a broker URL
 * brings the broker's pacts through selectors (pending on), PACT_URL exactly one pact; publishing needs a
 * broker source and a real provider; every bad or contradictory value is refused by name.
 */
import type { GitFacts } from '../../contracts/broker/versionInfo';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { DEFAULT_CONSUMER_VERSION_SELECTORS } from '../../contracts/verification/pactSourceSettings';
import { DEFAULT_RATE_LIMIT_WAIT_MS, DEFAULT_VERIFY_TIMEOUT_MS } from '../../contracts/live/target';
import { settingsFromEnv } from '../../contracts/verification/settings';

const LOCAL = {
  source: { kind: 'file', file: COMMITTED_PACT },
  publish: undefined,
  rateLimitWaitMs: DEFAULT_RATE_LIMIT_WAIT_MS,
  closedResponses: false,
};

describe('settings from the environment', () => {
  it('default to the embedded reference provider and the committed pact', () => {
    expect(settingsFromEnv({})).toEqual({
      target: { kind: 'embedded' },
      timeoutMs: DEFAULT_VERIFY_TIMEOUT_MS,
      logLevel: 'warn',
      ...LOCAL,
    });
  });

  it('hold answers to the properties the spec names with SPEC_CLOSED_RESPONSES=true', () => {
    expect(settingsFromEnv({ SPEC_CLOSED_RESPONSES: 'true' }).closedResponses).toBe(true);
  });

  it('point at a real or local Nango with a base URL and a secret key', () => {
    expect(
      settingsFromEnv({
        NANGO_BASE_URL: 'https://api.nango.dev/',
        NANGO_SECRET_KEY: 'sk',
        NANGO_TIMEOUT_MS: '2500',
        LOG_LEVEL: 'DEBUG',
      }),
    ).toEqual({
      target: { kind: 'remote', baseUrl: 'https://api.nango.dev', secretKey: 'sk' },
      timeoutMs: 2500,
      logLevel: 'debug',
      ...LOCAL,
    });
    expect(settingsFromEnv({ NANGO_BASE_URL: 'http://localhost:3003', NANGO_SECRET_KEY: 'sk' }).target).toEqual({
      kind: 'remote',
      baseUrl: 'http://localhost:3003',
      secretKey: 'sk',
    });
  });

  it.each([
    [{ NANGO_BASE_URL: 'http://localhost:3003' }, 'NANGO_BASE_URL is set but NANGO_SECRET_KEY is not'],
    [{ NANGO_SECRET_KEY: 'sk' }, 'NANGO_SECRET_KEY is set but NANGO_BASE_URL is not'],
    [
      { NANGO_BASE_URL: 'localhost:3003', NANGO_SECRET_KEY: 'sk' },
      'NANGO_BASE_URL "localhost:3003" must use http:// or https://',
    ],
    [{ NANGO_BASE_URL: 'not a url', NANGO_SECRET_KEY: 'sk' }, 'NANGO_BASE_URL "not a url" is not a URL'],
    [
      { NANGO_BASE_URL: 'https://api.nango.dev?x=1', NANGO_SECRET_KEY: 'sk' },
      'NANGO_BASE_URL "https://api.nango.dev?x=1" must not carry a query or a fragment',
    ],
    [{ NANGO_TIMEOUT_MS: '-5' }, 'NANGO_TIMEOUT_MS must be a whole number of milliseconds above 0 (got "-5")'],
    [
      { NANGO_RATE_LIMIT_WAIT_MS: 'a minute' },
      'NANGO_RATE_LIMIT_WAIT_MS must be a whole number of milliseconds, 0 or more (got "a minute")',
    ],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of trace, debug, info, warn, error (got "loud")'],
  ])('refuse %j', (env, message) => {
    expect(() => settingsFromEnv(env)).toThrow(message);
  });

  const git = (): GitFacts => ({ commit: 'abc123', branch: 'feat/x', dirty: false });
  const BROKER = { PACT_BROKER_BASE_URL: 'https://broker.example/', PACT_BROKER_TOKEN: 't' };
  const NANGO = { NANGO_BASE_URL: 'http://localhost:3003', NANGO_SECRET_KEY: 'sk' };

  it('fetch pacts from a broker through the default selectors, pending on, with the provider branch', () => {
    expect(settingsFromEnv(BROKER, git).source).toEqual({
      kind: 'broker',
      broker: { baseUrl: 'https://broker.example', auth: { kind: 'token', token: 't' } },
      selectors: DEFAULT_CONSUMER_VERSION_SELECTORS,
      enablePending: true,
      includeWipPactsSince: undefined,
      providerBranch: 'feat/x',
    });
  });

  it('take selectors, pending, WIP and basic auth from the environment', () => {
    const env = {
      PACT_BROKER_BASE_URL: 'https://b',
      PACT_BROKER_USERNAME: 'u',
      PACT_BROKER_PASSWORD: 'p',
      PACT_CONSUMER_VERSION_SELECTORS: '[{"branch":"main"}]',
      PACT_ENABLE_PENDING: 'false',
      PACT_INCLUDE_WIP_PACTS_SINCE: '2026-01-01',
    };
    expect(settingsFromEnv(env, git).source).toMatchObject({
      broker: { auth: { kind: 'basic', username: 'u', password: 'p' } },
      selectors: [{ branch: 'main' }],
      enablePending: false,
      includeWipPactsSince: '2026-01-01',
    });
  });

  it('verify exactly the pact PACT_URL names, with the credentials of its broker', () => {
    expect(
      settingsFromEnv(
        { PACT_URL: 'https://b.example/pacts/provider/P/consumer/C/pact-version/1', PACT_BROKER_TOKEN: 't' },
        git,
      ).source,
    ).toEqual({
      kind: 'url',
      url: 'https://b.example/pacts/provider/P/consumer/C/pact-version/1',
      broker: { baseUrl: 'https://b.example', auth: { kind: 'token', token: 't' } },
    });
  });

  it('publish results under the provider version and branch, with a real provider and pacts from a broker', () => {
    expect(
      settingsFromEnv(
        { ...BROKER, ...NANGO, PACT_PUBLISH_VERIFICATION_RESULTS: 'true', PACT_PROVIDER_VERSION: '9' },
        git,
      ).publish,
    ).toEqual({ version: '9', branch: 'feat/x', buildUrl: undefined });
  });

  it.each([
    [{ ...BROKER, PACT_FILE: 'x.json' }, 'PACT_FILE and PACT_BROKER_BASE_URL are both set'],
    [{ PACT_URL: 'https://b/p', PACT_FILE: 'x.json' }, 'PACT_URL and PACT_FILE are both set'],
    [{ PACT_URL: 'ftp://b/p' }, 'PACT_URL "ftp://b/p" must use http:// or https://'],
    [
      { PACT_INCLUDE_WIP_PACTS_SINCE: '2026-01-01' },
      'PACT_INCLUDE_WIP_PACTS_SINCE only applies to pacts from a Pact Broker',
    ],
    [
      { ...BROKER, PACT_INCLUDE_WIP_PACTS_SINCE: 'last week' },
      'PACT_INCLUDE_WIP_PACTS_SINCE must be a date such as 2026-01-31 (got "last week")',
    ],
    [
      { ...BROKER, PACT_CONSUMER_VERSION_SELECTORS: '{"mainBranch":true}' },
      'PACT_CONSUMER_VERSION_SELECTORS must be a JSON array of selector objects',
    ],
    [{ ...BROKER, PACT_CONSUMER_VERSION_SELECTORS: '[main]' }, 'which is not JSON'],
    [{ ...BROKER, PACT_ENABLE_PENDING: 'yes' }, 'PACT_ENABLE_PENDING must be true or false (got "yes")'],
    [
      { ...BROKER, PACT_BROKER_USERNAME: 'u' },
      'set either PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD, not both',
    ],
    [
      { PACT_BROKER_BASE_URL: 'https://b', PACT_BROKER_USERNAME: 'u' },
      'PACT_BROKER_USERNAME is set but PACT_BROKER_PASSWORD is not',
    ],
    [{ PACT_BROKER_BASE_URL: 'https://u:p@b' }, 'PACT_BROKER_BASE_URL must not carry credentials'],
    [{ PACT_BROKER_TOKEN: 't' }, 'Pact Broker credentials are set but PACT_BROKER_BASE_URL is not'],
    [
      { ...NANGO, PACT_PUBLISH_VERIFICATION_RESULTS: 'true' },
      'PACT_PUBLISH_VERIFICATION_RESULTS=true needs pacts from a Pact Broker',
    ],
    [
      { ...BROKER, PACT_PUBLISH_VERIFICATION_RESULTS: 'true' },
      'PACT_PUBLISH_VERIFICATION_RESULTS=true needs a real or local Nango',
    ],
    [
      { ...BROKER, ...NANGO, PACT_PUBLISH_VERIFICATION_RESULTS: 'yes' },
      'PACT_PUBLISH_VERIFICATION_RESULTS must be true or false (got "yes")',
    ],
    [{ SPEC_CLOSED_RESPONSES: 'strict' }, 'SPEC_CLOSED_RESPONSES must be true or false (got "strict")'],
  ])('refuse %j', (env, message) => {
    expect(() => settingsFromEnv(env, git)).toThrow(message);
  });

  it('refuse to publish a commit version of a dirty tree', () => {
    expect(() =>
      settingsFromEnv({ ...BROKER, ...NANGO, PACT_PUBLISH_VERIFICATION_RESULTS: 'true' }, () => ({
        commit: 'abc123',
        branch: 'main',
        dirty: true,
      })),
    ).toThrow(
      'the working tree has uncommitted changes, so the provider version abc123 (its commit) would not describe it',
    );
  });
});
