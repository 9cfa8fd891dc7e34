import { anySessionToken, CONNECT_SESSION_TOKEN_PREFIX } from '../sessionToken';

export const REDACTED = '[REDACTED]';
const ANY_SESSION_TOKEN = anySessionToken();

export type Redact = (text: string) => string;

/**
 * Removes the given secrets (as written, JSON-escaped and URL-encoded) and every connect session token from
 * text. Tokens are matched by format: the run creates them in another process, faster than it could tell us.
 */
export function redactor(secrets: readonly string[]): Redact {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= 4).flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]))]
    // Longest first, so a secret that contains another is removed whole.
    .sort((a, b) => b.length - a.length);
  // Pact masks credentials in its trace logs as their first four characters and stars (`Token(SEKR*******)`).
  const masked = secrets
    .filter((secret) => secret.length >= 8)
    .map((secret) => new RegExp(`${secret.slice(0, 4).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*{3,}`, 'g'));
  return (text) =>
    masked
      .reduce((result, pattern) => result.replace(pattern, REDACTED), forms.reduce((result, form) => result.split(form).join(REDACTED), text))
      .replace(ANY_SESSION_TOKEN, `${CONNECT_SESSION_TOKEN_PREFIX}${REDACTED}`);
}
