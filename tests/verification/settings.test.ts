/**
 * Choosing the provider from the environment: nothing set means the embedded reference provider; a real or
 * local Nango needs both NANGO_BASE_URL and NANGO_SECRET_KEY; every bad value is refused by name.
 */
import { DEFAULT_VERIFY_TIMEOUT_MS, settingsFromEnv } from '../../contracts/verification/settings';

describe('settings from the environment', () => {
  it('default to the embedded reference provider', () => {
    expect(settingsFromEnv({})).toEqual({ target: { kind: 'embedded' }, timeoutMs: DEFAULT_VERIFY_TIMEOUT_MS, logLevel: 'warn' });
  });

  it('point at a real or local Nango with a base URL and a secret key', () => {
    expect(settingsFromEnv({ NANGO_BASE_URL: 'https://api.nango.dev/', NANGO_SECRET_KEY: 'sk', NANGO_TIMEOUT_MS: '2500', LOG_LEVEL: 'DEBUG' })).toEqual({
      target: { kind: 'remote', baseUrl: 'https://api.nango.dev', secretKey: 'sk' },
      timeoutMs: 2500,
      logLevel: 'debug',
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
    [{ NANGO_BASE_URL: 'localhost:3003', NANGO_SECRET_KEY: 'sk' }, 'NANGO_BASE_URL "localhost:3003" must use http:// or https://'],
    [{ NANGO_BASE_URL: 'not a url', NANGO_SECRET_KEY: 'sk' }, 'NANGO_BASE_URL "not a url" is not a URL'],
    [{ NANGO_BASE_URL: 'https://api.nango.dev?x=1', NANGO_SECRET_KEY: 'sk' }, 'must not carry credentials, a query or a fragment'],
    [{ NANGO_TIMEOUT_MS: '-5' }, 'NANGO_TIMEOUT_MS must be a whole number of milliseconds above 0 (got "-5")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of trace, debug, info, warn, error (got "loud")'],
  ])('refuse %j', (env, message) => {
    expect(() => settingsFromEnv(env)).toThrow(message);
  });
});
