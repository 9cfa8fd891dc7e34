import { readGitFacts, type GitFacts, type VersionInfo } from '../broker/versionInfo';
import { ConfigurationError } from '../configurationError';
import { logLevelFrom, type LogLevel } from '../pact/logLevel';
import { pactSourceFromEnv, publishingFromEnv, type PactSourceSettings } from './pactSourceSettings';

/** Where the pact is replayed: the embedded reference provider, or a real/local Nango. */
export type ProviderTarget = { readonly kind: 'embedded' } | { readonly kind: 'remote'; readonly baseUrl: string; readonly secretKey: string };

export interface VerificationSettings {
  readonly target: ProviderTarget;
  /** Bound on every request: state set-up, each interaction, clean-up. */
  readonly timeoutMs: number;
  readonly logLevel: LogLevel;
  /** The most the run waits out rate limits (429) in all. */
  readonly rateLimitWaitMs: number;
  readonly source: PactSourceSettings;
  /** Set when results are to be published to the broker (PACT_PUBLISH_VERIFICATION_RESULTS=true). */
  readonly publish: VersionInfo | undefined;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 10_000;
/** Real Nango allows 200 requests a minute per account: two minutes of waiting covers a full window, twice. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 120_000;

/** Every verification setting, checked; git is read only when a setting needs it (broker mode, publishing). */
export function settingsFromEnv(env: NodeJS.ProcessEnv, git: () => GitFacts = () => readGitFacts(process.cwd())): VerificationSettings {
  const baseUrl = env['NANGO_BASE_URL']?.trim() || undefined;
  const secretKey = env['NANGO_SECRET_KEY']?.trim() || undefined;
  let logLevel: LogLevel;
  try {
    logLevel = logLevelFrom(env);
  } catch (error) {
    throw new ConfigurationError((error as Error).message);
  }
  const target = targetFrom(baseUrl, secretKey);
  let facts: GitFacts | undefined;
  const gitOnce = () => (facts ??= git());
  const source = pactSourceFromEnv(env, gitOnce);
  const publish = publishingFromEnv(env, source, target.kind === 'embedded', gitOnce);
  const timeoutMs = wholeNumber(env, 'NANGO_TIMEOUT_MS', DEFAULT_VERIFY_TIMEOUT_MS, 1);
  const rateLimitWaitMs = wholeNumber(env, 'NANGO_RATE_LIMIT_WAIT_MS', DEFAULT_RATE_LIMIT_WAIT_MS, 0);
  return { target, timeoutMs, logLevel, rateLimitWaitMs, source, publish };
}

export function targetFrom(baseUrl: string | undefined, secretKey: string | undefined): ProviderTarget {
  if (baseUrl === undefined && secretKey === undefined) return { kind: 'embedded' };
  if (baseUrl === undefined) {
    throw new ConfigurationError(
      'NANGO_SECRET_KEY is set but NANGO_BASE_URL is not: set NANGO_BASE_URL (e.g. http://localhost:3003 or https://api.nango.dev) to verify a real Nango, or unset NANGO_SECRET_KEY to use the embedded reference provider',
    );
  }
  if (secretKey === undefined) {
    throw new ConfigurationError(`NANGO_BASE_URL is set but NANGO_SECRET_KEY is not: the provider states need the environment's secret key to create connect sessions on ${baseUrl}`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`NANGO_BASE_URL ${JSON.stringify(baseUrl)} is not a URL: expected e.g. http://localhost:3003 or https://api.nango.dev`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`NANGO_BASE_URL ${JSON.stringify(baseUrl)} must use http:// or https://`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigurationError(`NANGO_BASE_URL ${JSON.stringify(baseUrl)} must not carry credentials, a query or a fragment`);
  }
  return { kind: 'remote', baseUrl: url.href.replace(/\/$/, ''), secretKey };
}

/** A whole number from the environment (`fallback` when unset), at least `minimum`; anything else refused by name. */
export function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number, unit = 'milliseconds'): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < minimum) {
    throw new ConfigurationError(`${name} must be a whole number of ${unit}${minimum > 0 ? ' above 0' : ', 0 or more'} (got ${JSON.stringify(value)})`);
  }
  return ms;
}
