import { ConfigurationError } from '../configurationError';
import { read } from '../env';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** At these levels a run prints Pact's own output in full, and what it otherwise keeps back. */
export function isVerbose(level: LogLevel): boolean {
  return level === 'info' || level === 'debug' || level === 'trace';
}

/** Pact's log level from LOG_LEVEL (default `warn`); anything else is refused by name. */
export function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const value = read(env, 'LOG_LEVEL') ?? 'warn';
  const level = LOG_LEVELS.find((known) => known === value.toLowerCase());
  if (!level)
    throw new ConfigurationError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`);
  return level;
}
