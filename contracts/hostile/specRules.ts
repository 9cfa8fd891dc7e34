import type { AuthSpec, HostileCase } from './hostileCases';

/**
 * How a case's credential counts. `valid`: the token exactly as Nango takes it; `spec-documented`: what the spec's
 * security scheme names (the secret key); `invalid`: missing or wrong; `ambiguous`: a live token written in a form
 * HTTP allows but a server may refuse (scheme case, extra space), which no check judges.
 */
export type CredentialKind = 'valid' | 'spec-documented' | 'invalid' | 'ambiguous';

export function credentialOf(auth: AuthSpec): CredentialKind {
  if (auth.kind === 'secret-key') return 'spec-documented';
  if (auth.kind === 'session') return auth.form === 'bearer' ? 'valid' : auth.form === 'bare' ? 'invalid' : 'ambiguous';
  return 'invalid';
}

/** What about the request the spec does not allow (it documents no parameters, no request body, a bearer credential); '' when nothing. */
export function whyNotAllowed(hostile: HostileCase & { kind: 'single' }, authorization: string | undefined): string {
  const reasons: string[] = [];
  if (hostile.query.length > 0) reasons.push('a query parameter');
  if (hostile.body.kind !== 'none') reasons.push('a body');
  if (authorization === undefined || !/^Bearer [^\s]+$/i.test(authorization)) reasons.push('no bearer credential');
  return reasons.join(', ');
}

export function describeAuth(auth: AuthSpec): string {
  switch (auth.kind) {
    case 'none':
      return 'no Authorization header';
    case 'raw':
      return `Authorization ${JSON.stringify(auth.value.length > 40 ? `${auth.value.slice(0, 40)}…` : auth.value)}`;
    case 'session':
      return `a live session's token (${auth.form})`;
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
