import type { OperationRef, ResponseValidators } from '../openapi/responseValidators';
import type { AuthSpec, HostileCase, SessionTokenForm } from './hostileCases';

/**
 * How a case's credential counts. `valid`: a live token under the Bearer scheme in any form HTTP allows (scheme in
 * any case, RFC 9110 §11.1; one or more spaces, RFC 6750 §2.1); `spec-documented`: what the spec's security scheme
 * names (the secret key); `invalid`: missing, wrong, or a live token not under the Bearer scheme.
 */
export type CredentialKind = 'valid' | 'spec-documented' | 'invalid';

/** The forms that carry a live token under the Bearer scheme, as HTTP allows. */
const BEARER_FORMS: ReadonlySet<SessionTokenForm> = new Set(['bearer', 'lowercase-scheme', 'double-space']);

/**
 * `takes`: what the operation authenticates with (its case table says): the session token for GET and DELETE
 * /connect/session, where the secret key is what the spec's security scheme names; the secret key for the POSTs,
 * where it is both.
 */
export function credentialOf(auth: AuthSpec, takes: 'secret-key' | 'session-token' = 'session-token'): CredentialKind {
  if (takes === 'secret-key')
    return auth.kind === 'secret-key' && BEARER_FORMS.has(auth.form ?? 'bearer') ? 'valid' : 'invalid';
  if (auth.kind === 'secret-key')
    return auth.form === undefined || auth.form === 'bearer' ? 'spec-documented' : 'invalid';
  if (auth.kind === 'session') return BEARER_FORMS.has(auth.form) ? 'valid' : 'invalid';
  return 'invalid';
}

/**
 * What about a request to an operation with a JSON request body the spec does not allow ('' when nothing): a
 * query parameter (the lifecycle documents none), no body or one its schema refuses, no bearer credential.
 * undefined when the spec does not say: a body sent as another media type than application/json, or 10 kB and
 * more of padding, which the schema allows and a server may still refuse for its size.
 */
export function whyNotAllowedWithBody(
  hostile: HostileCase & { kind: 'single' },
  operation: OperationRef,
  authorization: string | undefined,
  validators: ResponseValidators,
): string | undefined {
  const reasons: string[] = [];
  if (hostile.query.length > 0) reasons.push('a query parameter');
  const { body } = hostile;
  if (body.kind === 'large') return undefined;
  if (body.kind === 'none') reasons.push('no body');
  else if (body.kind === 'invalid') reasons.push(`a body its schema forbids (${body.label})`);
  else {
    const value = body.kind === 'valid' ? body.value : parsed(body.text);
    const problems =
      value === undefined ? ['not JSON'] : validators.checkRequestBody(operation.method, operation.path, value);
    if (problems.length > 0) reasons.push(`a body its schema forbids (${problems[0] ?? ''})`);
  }
  // The spec documents application/json alone: what a server makes of another media type it does not say (it may
  // read the body anyway, refuse it, or read none), so such a request is judged by neither rule.
  if (body.kind !== 'none' && !/^application\/json\s*(;|$)/i.test(hostile.contentType ?? '')) return undefined;
  if (authorization === undefined || !/^Bearer +[^\s]+$/i.test(authorization)) reasons.push('no bearer credential');
  return reasons.join(', ');
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: undefined, and the body is judged as text.
    return undefined;
  }
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
      return auth.form === undefined || auth.form === 'bearer'
        ? 'the environment secret key, as the security scheme documents'
        : `the environment secret key as ${SESSION_FORM_TEXT[auth.form].replace(/<token>/g, '<key>')}`;
    case 'wrong-secret-key':
      return `the environment secret key one character off (${auth.mutation})`;
  }
}
