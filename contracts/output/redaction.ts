import { CONNECT_SESSION_TOKEN_PREFIX } from '../sessionToken';

export const REDACTED = '[REDACTED]';
/** A connect session token, or anything close: the prefix (even one letter short) and eight or more letters or digits. */
const TOKEN_LIKE = new RegExp(`${CONNECT_SESSION_TOKEN_PREFIX.slice(0, -2)}[a-z_]*[0-9A-Za-z]{8,}`, 'g');
/** How long a piece of a secret may be before it counts as the secret: sixteen characters. */
export const SECRET_PIECE = 16;
/** A run of characters a secret or token is made of; one holding any piece of a secret is removed whole. */
const SECRET_RUN = new RegExp(`[A-Za-z0-9_\\-.~+/=%]{${SECRET_PIECE},}`, 'g');

export type Redact = (text: string) => string;

/**
 * Removes from text the given secrets (as written, JSON-escaped and URL-encoded), any run of characters holding a
 * piece of one (16 characters or more: a token one character off, a truncated key), and every connect session
 * token or near-token. Tokens are matched by format too: a run creates them in another process, faster than it
 * could tell us.
 */
export function redactor(secrets: readonly string[]): Redact {
  const forms = [
    ...new Set(
      secrets
        .filter((secret) => secret.length >= 4)
        .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]),
    ),
  ]
    // Longest first, so a secret that contains another is removed whole.
    .sort((a, b) => b.length - a.length);
  // Pact masks credentials in its trace logs as their first four characters and stars (`Token(SEKR*******)`).
  const masked = secrets
    .filter((secret) => secret.length >= 8)
    .map((secret) => new RegExp(`${secret.slice(0, 4).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*{3,}`, 'g'));
  // A token's prefix is public: a piece of it alone (`connect_session_`) gives nothing away.
  const publicPrefix = CONNECT_SESSION_TOKEN_PREFIX.toLowerCase();
  const pieces = new Set(
    secrets.flatMap((secret) =>
      Array.from(
        // Stryker disable next-line ArithmeticOperator: more windows only add slices shorter than 16, which no 16-character window equals.
        { length: Math.max(0, secret.length - SECRET_PIECE + 1) },
        (_, at) => secret.slice(at, at + SECRET_PIECE).toLowerCase(),
      ).filter((piece) => !publicPrefix.includes(piece)),
    ),
  );
  const holdsPiece = (run: string): boolean => {
    const lower = run.toLowerCase();
    // Stryker disable next-line ArithmeticOperator: windows past the end are shorter than 16, never a piece.
    for (let at = 0; at + SECRET_PIECE <= lower.length; at += 1) {
      if (pieces.has(lower.slice(at, at + SECRET_PIECE))) return true;
    }
    return false;
  };
  return (text) => {
    const whole = forms.reduce((result, form) => result.split(form).join(REDACTED), text);
    const unmasked = masked.reduce((result, pattern) => result.replace(pattern, REDACTED), whole);
    const tokenless = unmasked.replace(TOKEN_LIKE, `${CONNECT_SESSION_TOKEN_PREFIX}${REDACTED}`);
    // Stryker disable next-line ConditionalExpression: with no pieces no run holds one; the test only saves the scan.
    return pieces.size === 0 ? tokenless : tokenless.replace(SECRET_RUN, (run) => (holdsPiece(run) ? REDACTED : run));
  };
}
