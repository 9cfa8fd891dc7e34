import { ConfigurationError } from './configurationError';

/**
 * Reading settings from the environment, one way for every variable: values are trimmed, and an empty one is
 * the same as one not set. A value that does not parse is refused by the variable's name, in one line.
 */

/** The variable's value, trimmed; undefined when unset or blank. */
export function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/** `true` or `false`, in any case (`TRUE`, `False`); `fallback` when unset. */
export function booleanFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = read(env, name);
  if (value === undefined) return fallback;
  switch (value.toLowerCase()) {
    case 'true':
      return true;
    case 'false':
      return false;
    default:
      throw new ConfigurationError(`${name} must be true or false (got ${JSON.stringify(value)})`);
  }
}

/** A whole number (digits, an optional minus), at least `minimum`; `fallback` when unset. */
export function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  minimum: number,
  unit = 'milliseconds',
): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < minimum) {
    const range = minimum > 0 ? ' above 0' : minimum === 0 ? ', 0 or more' : '';
    throw new ConfigurationError(`${name} must be a whole number of ${unit}${range} (got ${JSON.stringify(value)})`);
  }
  return number;
}

export interface HttpUrlRules {
  /** Shown after "expected", e.g. `http://localhost:3003 or https://api.nango.dev`. */
  readonly example?: string;
  /** Why credentials in the URL are refused, and where they go instead. */
  readonly credentialsHint?: string;
  /** A query and a fragment are refused unless allowed (a pact URL may carry them). */
  readonly queryAllowed?: boolean;
}

/**
 * An absolute http(s) URL from the variable `name`, without credentials (they would be printed wherever the URL
 * is). Returned as `URL#href`; the caller trims a trailing slash where it joins paths.
 */
export function httpUrl(name: string, value: string, rules: HttpUrlRules = {}): string {
  const expected = rules.example ? `: expected e.g. ${rules.example}` : '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The URL parser's wording adds nothing to the line below, which names the variable and the value.
    throw new ConfigurationError(`${name} ${JSON.stringify(value)} is not a URL${expected}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigurationError(`${name} ${JSON.stringify(value)} must use http:// or https://`);
  if (url.username || url.password) {
    throw new ConfigurationError(
      `${name} must not carry credentials${rules.credentialsHint ? `: ${rules.credentialsHint}` : ''}`,
    );
  }
  if (!rules.queryAllowed && (url.search || url.hash))
    throw new ConfigurationError(`${name} ${JSON.stringify(value)} must not carry a query or a fragment`);
  return url.href;
}

/** `httpUrl` of the variable, when it is set. */
export function httpUrlFrom(env: NodeJS.ProcessEnv, name: string, rules: HttpUrlRules = {}): string | undefined {
  const value = read(env, name);
  return value === undefined ? undefined : httpUrl(name, value, rules);
}
