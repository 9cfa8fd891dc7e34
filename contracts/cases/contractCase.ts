import type { JsonObject, JsonValue } from '../json';
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

/** A path parameter or query value: as written, or handed back by the provider state (`${name}` in the pact). */
export type CaseValue = string | FromState;

/**
 * The documented answer of a case: its status, and the example body the consumer's mock server gives (none for a
 * 204). The pact matches an example by type, never by value, except where a value has a format a live answer
 * keeps: a connect session token by its regex, a date-time as RFC 3339. What kind of body it is (a session, a
 * connection, an integration, `{success}`, an error) is the spec's schema for the status: the checks validate the
 * example against it. In an error body the consumer relies on `code` (and `message` where Nango documents one):
 * Nango's `errors[]` items are documented as bare objects, so a contract relying on their fields would promise more
 * than the spec does (PactFlow's bi-directional check rejects it).
 */
export interface ExpectedAnswer {
  readonly status: number;
  readonly body?: JsonObject;
}

export interface ContractCase {
  /** Sentence-style name, used by the tests and the report. */
  readonly name: string;
  /** The Pact interaction description; unique across operations. */
  readonly description: string;
  readonly state?: ProviderStateName;
  readonly request: {
    readonly credential: Credential;
    /** A value for each of the operation's path parameters (`{connectionId}`). */
    readonly pathParams?: Readonly<Record<string, CaseValue>>;
    readonly query?: Readonly<Record<string, CaseValue>>;
    readonly body?: CaseBody;
  };
  readonly response: ExpectedAnswer;
}

/** What a run creates and must delete: connect sessions, connections, integrations. */
export type Resource = 'session' | 'connection' | 'integration';

/**
 * One operation of the Connect flow, as data: where the spec documents it, how it authenticates, its documented
 * cases (at least one per documented status), and what its answers create or remove that a run must account for.
 */
export interface LifecycleOperation {
  /** A stable id results and reports carry: `createSession`. */
  readonly id: string;
  readonly operation: OperationRef;
  /** The JSON pointer of the operation in the spec: `/paths/~1connect~1sessions/post`. */
  readonly specPointer: string;
  /**
   * Secret key or connect session token. Nango's spec gives every operation one global `bearerAuth` (the
   * environment's key), wrong for the session-token routes: the table says which, and why where it differs.
   */
  readonly auth: 'secret-key' | 'session-token';
  readonly cases: readonly ContractCase[];
  /** A 2xx answer made a resource: its id (a session's token, an integration's key) is at this pointer in the body. */
  readonly creates?: { readonly resource: Resource; readonly at: string };
  /**
   * An answer of this status removed a resource: the session whose token the request carried, or the one the path
   * parameter `param` names (a connection's id, an integration's key). The run need not delete it again.
   */
  readonly removes?: { readonly resource: Resource; readonly on: number; readonly param?: string };
  /** Nango's Node SDK has a method for it: the consumer tests drive that method for every case (sdkBinding.ts). */
  readonly sdk?: SdkBinding;
}

export function isFromState(value: unknown): value is FromState {
  return typeof value === 'object' && value !== null && 'fromState' in value && 'example' in value;
}

/** The value the consumer sends: the example where the provider state puts in the real one. */
export function exampleValue(value: CaseValue): string {
  return typeof value === 'string' ? value : value.example;
}

/** Path parameters or query values as the consumer sends them: each value from a state replaced by its example. */
export function exampleValues(values: Readonly<Record<string, CaseValue>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, exampleValue(value)]));
}

/** The body the consumer sends: every value from a state replaced by its example. */
export function exampleBody(body: CaseBody): JsonObject {
  const example = (value: JsonValue | FromState | CaseBody): JsonValue => {
    if (isFromState(value)) return value.example;
    if (Array.isArray(value) || typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, example(child)]));
  };
  return example(body) as JsonObject;
}
