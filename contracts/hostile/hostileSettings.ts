import { randomInt } from 'node:crypto';
import { ConfigurationError } from '../configurationError';
import { DEFAULT_RATE_LIMIT_WAIT_MS, DEFAULT_VERIFY_TIMEOUT_MS, targetFrom, wholeNumber, type ProviderTarget } from '../verification/settings';

export interface HostileSettings {
  readonly target: ProviderTarget;
  readonly timeoutMs: number;
  readonly rateLimitWaitMs: number;
  readonly seed: number;
  readonly runs: number;
  readonly timeLimitMs: number;
  readonly replayPath: string | undefined;
}

/** Embedded: a thousand cases in seconds. Remote: about 160 requests, inside Nango's 200 a minute per account. */
export const DEFAULT_RUNS = { embedded: 1_000, remote: 40 } as const;
export const DEFAULT_TIME_LIMIT_MS = { embedded: 60_000, remote: 180_000 } as const;

/** The same provider settings as verification (NANGO_*), and HOSTILE_SEED / _RUNS / _TIME_LIMIT_MS / _PATH. */
export function hostileSettingsFromEnv(env: NodeJS.ProcessEnv): HostileSettings {
  const target = targetFrom(env['NANGO_BASE_URL']?.trim() || undefined, env['NANGO_SECRET_KEY']?.trim() || undefined);
  const seedText = env['HOSTILE_SEED']?.trim();
  const path = env['HOSTILE_PATH']?.trim() || undefined;
  if (seedText !== undefined && seedText !== '' && !/^-?\d+$/.test(seedText)) throw new ConfigurationError(`HOSTILE_SEED must be a whole number (got ${JSON.stringify(seedText)})`);
  if (path !== undefined && !seedText) throw new ConfigurationError('HOSTILE_PATH replays a failure of one seed: set HOSTILE_SEED too, as the failure report prints it');
  if (path !== undefined && !/^\d+(:\d+)*$/.test(path)) throw new ConfigurationError(`HOSTILE_PATH must be the path a failure report prints, such as 12:0:3 (got ${JSON.stringify(path)})`);
  return {
    target,
    timeoutMs: wholeNumber(env, 'NANGO_TIMEOUT_MS', DEFAULT_VERIFY_TIMEOUT_MS, 1),
    rateLimitWaitMs: wholeNumber(env, 'NANGO_RATE_LIMIT_WAIT_MS', DEFAULT_RATE_LIMIT_WAIT_MS, 0),
    seed: seedText ? Number(seedText) : randomInt(2 ** 31),
    runs: wholeNumber(env, 'HOSTILE_RUNS', DEFAULT_RUNS[target.kind], 1, 'cases'),
    timeLimitMs: wholeNumber(env, 'HOSTILE_TIME_LIMIT_MS', DEFAULT_TIME_LIMIT_MS[target.kind], 1),
    replayPath: path,
  };
}
