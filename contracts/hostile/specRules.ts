import type { AuthSpec, HostileCase, SessionTokenForm } from './hostileCases';

/**
 * How a case's credential counts. `valid`: a live token under the Bearer scheme in any form HTTP allows (scheme in
 * any case, RFC 9110 §11.1; one or more spaces, RFC 6750 §2.1); `spec-documented`: what the spec's security scheme
 * names (the secret key); `invalid`: missing, wrong, or a live token not under the Bearer scheme.
 */
export type CredentialKind = 'valid' | 'spec-documented' | 'invalid';

/** The forms that carry a live token under the Bearer scheme, as HTTP allows. */
const BEARER_FORMS: ReadonlySet<SessionTokenForm> = new Set(['bearer', 'lowercase-scheme', 'double-space']);

export function credentialOf(auth: AuthSpec): CredentialKind {
  if (auth.kind === 'secret-key') return 'spec-documented';
  if (auth.kind === 'session') return BEARER_FORMS.has(auth.form) ? 'valid' : 'invalid';
  return 'invalid';
}

/** What about the request the spec does not allow (it documents no parameters, no request body, a bearer credential); '' when nothing. */
export function whyNotAllowed(hostile: HostileCase & { kind: 'single' }, authorization: string | undefined): string {
  const reasons: string[] = [];
  if (hostile.query.length > 0) reasons.push('a query parameter');
  if (hostile.body.kind !== 'none') reasons.push('a body');
  // RFC 6750 §2.1: `Bearer` (any case, RFC 9110 §11.1), 1*SP, the token.
  if (authorization === undefined || !/^Bearer +[^\s]+$/i.test(authorization)) reasons.push('no bearer credential');
  return reasons.join(', ');
}

const SESSION_FORM_TEXT: Readonly<Record<SessionTokenForm, string>> = {
  bearer: '`Bearer <token>`',
  'lowercase-scheme': '`bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1)',
  'double-space': '`Bearer  <token>` (RFC 6750 §2.1 allows 1*SP)',
  bare: 'the bare token, without the Bearer scheme',
  'x-prefixed': '`XBearer <token>`, not the Bearer scheme',
  'basic-bearer': '`Basic Bearer <token>`, the Basic scheme',
};

export function describeAuth(auth: AuthSpec): string {
  switch (auth.kind) {
    case 'none':
      return 'no Authorization header';
    case 'raw':
      return `Authorization ${JSON.stringify(auth.value.length > 40 ? `${auth.value.slice(0, 40)}…` : auth.value)}`;
    case 'session':
      return `a live session's token as ${SESSION_FORM_TEXT[auth.form]}`;
    case 'off-by-one':
      return `a live session's token one character off (${auth.mutation})`;
    case 'unknown-token':
      return 'a well-formed token of no session';
    case 'deleted-session':
      return "a deleted session's token";
    case 'secret-key':
      return 'the environment secret key, as the security scheme documents';
  }
}
