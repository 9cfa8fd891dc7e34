import { randomBytes } from 'node:crypto';

/**
 * Nango's connect session token, in one place: `nango_connect_session_` + 64 lowercase hex. What the route takes
 * as its credential, what the reference provider issues, what redaction finds in text.
 */
export const CONNECT_SESSION_TOKEN_PREFIX = 'nango_connect_session_';
/** The token's format as a regular expression's source (Pact matchers take it as text). */
export const CONNECT_SESSION_TOKEN_REGEX = `^${CONNECT_SESSION_TOKEN_PREFIX}[0-9a-f]{64}$`;

const TOKEN_FORMAT = new RegExp(CONNECT_SESSION_TOKEN_REGEX);

/** Every token in a text, for finding (and removing) them. */
export function anySessionToken(): RegExp {
  return new RegExp(CONNECT_SESSION_TOKEN_REGEX.slice(1, -1), 'g');
}

/** A token of the right format whose 64 hex digits repeat `hex` (an example, or a token no session has). */
export function tokenOf(hex: string): string {
  return `${CONNECT_SESSION_TOKEN_PREFIX}${hex.repeat(64 / hex.length)}`;
}

export function newConnectSessionToken(): string {
  return `${CONNECT_SESSION_TOKEN_PREFIX}${randomBytes(32).toString('hex')}`;
}

export function isConnectSessionToken(value: string): boolean {
  return TOKEN_FORMAT.test(value);
}
