import type { JsonObject } from './json';
import type { DocumentedStatus } from './nangoApi';
import { tokenOf } from './sessionToken';

/**
 * The documented behaviour of DELETE /connect/session, as data. The consumer tests turn each case into a
 * Pact interaction, the provider verification sets up its state and reports on it by name.
 */

export const CONSUMER = 'NangoConnectSessionClient';
export const PROVIDER = 'NangoAPI';


export const STATES = {
  sessionExists: 'a connect session exists',
  sessionDeleted: 'the connect session has been deleted',
} as const;
export type ProviderStateName = (typeof STATES)[keyof typeof STATES];

/** The variable a provider state hands over; the request reads it as `${connectSessionToken}`. */
export const TOKEN_FROM_STATE = 'connectSessionToken';

/** How a case authenticates. `example` is what the consumer test sends and the pact records. */
export type Credential =
  | { readonly kind: 'token-from-state'; readonly example: string }
  | { readonly kind: 'well-formed-token'; readonly example: string }
  | { readonly kind: 'literal-token'; readonly token: string }
  | { readonly kind: 'none' };

/**
 * What the consumer relies on in an error body, and only that: `code` (and `message` where Nango documents one
 * for the case). Nango also sends `errors[]` items with `code`, `message` and `path` on a 400, but the spec
 * documents those items as bare objects, so a contract relying on their fields would promise more than the spec
 * does (PactFlow's bi-directional check rejects it); the client does not need them.
 */
export interface ExpectedError {
  readonly code: string;
  readonly message?: string;
}

export interface ContractCase {
  /** Sentence-style name, used by the tests and the report. */
  readonly name: string;
  /** The Pact interaction description; unique. */
  readonly description: string;
  readonly state?: ProviderStateName;
  readonly request: {
    readonly credential: Credential;
    readonly query?: Readonly<Record<string, string>>;
    readonly body?: JsonObject;
  };
  readonly response: { readonly status: 204 } | { readonly status: Exclude<DocumentedStatus, 204>; readonly error: ExpectedError };
}

const sessionToken = { kind: 'token-from-state', example: tokenOf('5e') } as const;

export const CASES: readonly ContractCase[] = [
  {
    name: 'deletes an existing connect session',
    description: 'a request to delete the connect session',
    state: STATES.sessionExists,
    request: { credential: sessionToken },
    response: { status: 204 },
  },
  {
    name: 'rejects an unexpected query parameter',
    description: 'a request to delete the connect session with a query parameter',
    state: STATES.sessionExists,
    request: { credential: sessionToken, query: { unexpected: 'true' } },
    response: { status: 400, error: { code: 'invalid_query_params' } },
  },
  {
    name: 'rejects a non-empty body',
    description: 'a request to delete the connect session with a JSON body',
    state: STATES.sessionExists,
    request: { credential: sessionToken, body: { unexpected: true } },
    response: { status: 400, error: { code: 'invalid_body' } },
  },
  {
    name: 'rejects a request without an Authorization header',
    description: 'a request to delete a connect session without an Authorization header',
    request: { credential: { kind: 'none' } },
    response: { status: 401, error: { code: 'missing_auth_header', message: 'Authentication failed. The request is missing the Authorization header.' } },
  },
  {
    name: 'rejects a token that is not in the connect session token format',
    description: 'a request to delete a connect session with a malformed token',
    request: { credential: { kind: 'literal-token', token: 'not-a-connect-session-token' } },
    response: {
      status: 401,
      error: { code: 'invalid_connect_session_token_format', message: 'Invalid connect session token format' },
    },
  },
  {
    name: 'rejects a well-formed token that belongs to no session',
    description: 'a request to delete a connect session with an unknown token',
    request: { credential: { kind: 'well-formed-token', example: tokenOf('00') } },
    response: { status: 401, error: { code: 'unknown_connect_session_token', message: 'Unknown connect session token' } },
  },
  {
    name: 'answers 404 for a session that has already been deleted',
    description: 'a request to delete a connect session that has already been deleted',
    state: STATES.sessionDeleted,
    request: { credential: { kind: 'token-from-state', example: tokenOf('de') } },
    response: { status: 404, error: { code: 'not_found' } },
  },
];

/** The documented case a pact interaction was written from, by its description; undefined for others' pacts. */
export function caseByDescription(description: string | undefined): ContractCase | undefined {
  return CASES.find((candidate) => candidate.description === description);
}

/** Where a case stands in CASES (the report's order); after them all when it is none of them. */
export function caseRank(description: string): number {
  const index = CASES.findIndex((candidate) => candidate.description === description);
  return index === -1 ? CASES.length : index;
}

/** The token the consumer sends for a case (the example value where the provider injects the real one). */
export function tokenSentBy(credential: Credential): string | undefined {
  switch (credential.kind) {
    case 'none':
      return undefined;
    case 'literal-token':
      return credential.token;
    default:
      return credential.example;
  }
}
