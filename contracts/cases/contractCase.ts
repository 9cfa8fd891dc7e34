import type { JsonObject, JsonValue } from '../json';
import type { ErrorStatus } from '../nangoApi';
import type { OperationRef } from '../openapi/responseValidators';
import type { SdkBinding } from './sdkBinding';
import type { ProviderStateName, StateValueName } from './states';

/**
 * How a case authenticates. `example` is what the consumer test sends and the pact records where the provider
 * puts in the real value: the environment's secret key (the verifier's request filter, so no secret is ever in a
 * pact), or a session token its provider state hands back.
 */
export type Credential =
  | { readonly kind: 'secret-key' }
  | { readonly kind: 'token-from-state'; readonly example: string }
  | { readonly kind: 'well-formed-token'; readonly example: string }
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'none' };

/** A request body value the provider state hands back (`${name}` in the pact), with the example the consumer sends. */
export interface FromState {
  readonly fromState: StateValueName;
  readonly example: string;
}

/** A JSON body whose leaves may come from the provider state. */
export type CaseBody = { readonly [key: string]: JsonValue | FromState | CaseBody };

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

/** A 200 or 201 whose body is `{ data: ConnectSession }`: the token, link and expiry matched by format, not value. */
export interface SessionAnswer {
  readonly status: 200 | 201;
  readonly session: { readonly token: string; readonly connect_link: string; readonly expires_at: string };
}

export interface ContractCase {
  /** Sentence-style name, used by the tests and the report. */
  readonly name: string;
  /** The Pact interaction description; unique across operations. */
  readonly description: string;
  readonly state?: ProviderStateName;
  readonly request: {
    readonly credential: Credential;
    readonly query?: Readonly<Record<string, string>>;
    readonly body?: CaseBody;
  };
  readonly response: { readonly status: 204 } | SessionAnswer | { readonly status: ErrorStatus; readonly error: ExpectedError };
}

/**
 * One operation of the lifecycle, as data: where the spec documents it, how it authenticates, its documented
 * cases (at least one per documented status), and what its successful answer creates that a run must delete.
 */
export interface LifecycleOperation {
  readonly operation: OperationRef;
  /** The JSON pointer of the operation in the spec: `/paths/~1connect~1sessions/post`. */
  readonly specPointer: string;
  readonly auth: 'secret-key' | 'session-token';
  readonly cases: readonly ContractCase[];
  /** A 2xx answer made a connect session: its token is at this pointer in the body. */
  readonly createsSessionAt?: string;
  /** An answer of this status ended the session whose token the request carried: the run need not delete it again. */
  readonly endsSessionOn?: number;
  /** Nango's Node SDK has a method for it: the consumer tests drive that method for every case (sdkBinding.ts). */
  readonly sdk?: SdkBinding;
}

export function isFromState(value: unknown): value is FromState {
  return typeof value === 'object' && value !== null && 'fromState' in value && 'example' in value;
}

/** The body the consumer sends: every value from a state replaced by its example. */
export function exampleBody(body: CaseBody): JsonObject {
  const example = (value: JsonValue | FromState | CaseBody): JsonValue => {
    if (isFromState(value)) return value.example;
    if (Array.isArray(value) || typeof value !== 'object' || value === null) return value as JsonValue;
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, example(child)]));
  };
  return example(body) as JsonObject;
}
