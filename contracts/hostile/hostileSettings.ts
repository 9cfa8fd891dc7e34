import { randomInt } from 'node:crypto';
import { ConfigurationError } from '../configurationError';
import { booleanFrom, read, wholeNumber } from '../env';
import { liveSettingsFromEnv, type LiveSettings } from '../live/target';

export interface HostileSettings extends LiveSettings {
  readonly seed: number;
  readonly runs: number;
  readonly timeLimitMs: number;
  readonly replayPath: string | undefined;
  /** HOSTILE_MAX_RESPONSE_MS: max_response_time fails an answer slower than this; unset (no bound) by default. */
  readonly maxResponseMs: number | undefined;
  /** SPEC_CLOSED_RESPONSES=true: response_schema_conformance fails a property the spec does not name, as verification does. */
  readonly closedResponses: boolean;
}

/**
 * HOSTILE_RUNS. Embedded: a thousand cases in seconds. Remote: the coverage pass's 203 (every kind of request of
 * the eight operations and the undocumented methods of their paths) and 15 more, about 600 HTTP requests with the
 * connections and integrations the cases need, the look-ups and clean-up: three minutes at Nango's 200 a minute per
 * account, the rate-limit budget waiting between (HOSTILE_TIME_LIMIT_MS leaves room for it).
 */
export const DEFAULT_RUNS = { embedded: 1_000, remote: 220 } as const;
export const DEFAULT_TIME_LIMIT_MS = { embedded: 60_000, remote: 420_000 } as const;

/** The same provider settings as verification (NANGO_*), and HOSTILE_SEED / _RUNS / _TIME_LIMIT_MS / _PATH / _MAX_RESPONSE_MS. */
export function hostileSettingsFromEnv(env: NodeJS.ProcessEnv): HostileSettings {
  const live = liveSettingsFromEnv(env);
  const seedText = read(env, 'HOSTILE_SEED');
  const path = read(env, 'HOSTILE_PATH');
  if (seedText !== undefined && !/^-?\d+$/.test(seedText))
    throw new ConfigurationError(`HOSTILE_SEED must be a whole number (got ${JSON.stringify(seedText)})`);
  if (path !== undefined && seedText === undefined)
    throw new ConfigurationError(
      'HOSTILE_PATH replays a failure of one seed: set HOSTILE_SEED too, as the failure report prints it',
    );
  if (path !== undefined && !/^\d+(:\d+)*$/.test(path))
    throw new ConfigurationError(
      `HOSTILE_PATH must be the path a failure report prints, such as 12:0:3 (got ${JSON.stringify(path)})`,
    );
  return {
    ...live,
    seed: seedText === undefined ? randomInt(2 ** 31) : Number(seedText),
    runs: wholeNumber(env, 'HOSTILE_RUNS', DEFAULT_RUNS[live.target.kind], 1, 'cases'),
    timeLimitMs: wholeNumber(env, 'HOSTILE_TIME_LIMIT_MS', DEFAULT_TIME_LIMIT_MS[live.target.kind], 1),
    replayPath: path,
    maxResponseMs:
      read(env, 'HOSTILE_MAX_RESPONSE_MS') === undefined
        ? undefined
        : wholeNumber(env, 'HOSTILE_MAX_RESPONSE_MS', 0, 1),
    closedResponses: booleanFrom(env, 'SPEC_CLOSED_RESPONSES', false),
  };
}
