import { ConfigurationError } from '../configurationError';
import { httpUrlFrom, read, wholeNumber } from '../env';
import type { TestConnection } from './sessionLedger';

/**
 * Where requests go: the embedded reference provider, or a real/local Nango, with the connection the user named
 * for reconnecting (NANGO_TEST_CONNECTION), if any: then the run creates no integration or connection.
 */
export type ProviderTarget =
  | { readonly kind: 'embedded' }
  | {
      readonly kind: 'remote';
      readonly baseUrl: string;
      readonly secretKey: string;
      readonly testConnection?: TestConnection;
    };

/** What every run against a live target reads from the environment (NANGO_*), verification and the hostile run alike. */
export interface LiveSettings {
  readonly target: ProviderTarget;
  /** Bound on every request: state set-up, each interaction or hostile request, clean-up. */
  readonly timeoutMs: number;
  /** The most the run waits out rate limits (429) in all. */
  readonly rateLimitWaitMs: number;
}

/** NANGO_TIMEOUT_MS: a real Nango answers in well under a second; ten leave room for a slow network. */
export const DEFAULT_VERIFY_TIMEOUT_MS = 10_000;
/** NANGO_RATE_LIMIT_WAIT_MS: real Nango allows 200 requests a minute per account, so two minutes cover a full window, twice. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 120_000;

export function liveSettingsFromEnv(env: NodeJS.ProcessEnv): LiveSettings {
  return {
    target: targetFrom(env),
    timeoutMs: wholeNumber(env, 'NANGO_TIMEOUT_MS', DEFAULT_VERIFY_TIMEOUT_MS, 1),
    rateLimitWaitMs: wholeNumber(env, 'NANGO_RATE_LIMIT_WAIT_MS', DEFAULT_RATE_LIMIT_WAIT_MS, 0),
  };
}

/** NANGO_BASE_URL and NANGO_SECRET_KEY, both or neither (the embedded reference provider). */
export function targetFrom(env: NodeJS.ProcessEnv): ProviderTarget {
  const given = read(env, 'NANGO_BASE_URL');
  const secretKey = read(env, 'NANGO_SECRET_KEY');
  if (given === undefined && secretKey === undefined) {
    if (read(env, 'NANGO_TEST_CONNECTION') !== undefined)
      throw new ConfigurationError(
        'NANGO_TEST_CONNECTION names a connection on a real Nango: set NANGO_BASE_URL and NANGO_SECRET_KEY too, or unset it to use the embedded reference provider',
      );
    return { kind: 'embedded' };
  }
  if (given === undefined) {
    throw new ConfigurationError(
      'NANGO_SECRET_KEY is set but NANGO_BASE_URL is not: set NANGO_BASE_URL (e.g. http://localhost:3003 or https://api.nango.dev) to verify a real Nango, or unset NANGO_SECRET_KEY to use the embedded reference provider',
    );
  }
  if (secretKey === undefined) {
    throw new ConfigurationError(
      `NANGO_BASE_URL is set but NANGO_SECRET_KEY is not: the suite needs the environment's secret key to create connect sessions on ${given}`,
    );
  }
  const baseUrl =
    httpUrlFrom(env, 'NANGO_BASE_URL', {
      example: 'http://localhost:3003 or https://api.nango.dev',
      credentialsHint: 'the secret key goes in NANGO_SECRET_KEY',
    }) ?? given;
  const testConnection = testConnectionFrom(env);
  return {
    kind: 'remote',
    baseUrl: baseUrl.replace(/\/$/, ''),
    secretKey,
    ...(testConnection ? { testConnection } : {}),
  };
}

/** NANGO_TEST_CONNECTION: `<integration>/<connection id>` of a connection made through a connect session. */
function testConnectionFrom(env: NodeJS.ProcessEnv): TestConnection | undefined {
  const value = read(env, 'NANGO_TEST_CONNECTION');
  if (value === undefined) return undefined;
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new ConfigurationError(
      `NANGO_TEST_CONNECTION must be <integration>/<connection id> of a connection made through a connect session (got ${JSON.stringify(value)})`,
    );
  }
  return { integrationId: match[1], connectionId: match[2] };
}
