import type { JsonValue } from '../json';
import { operationLabel } from '../nangoApi';
import { resolvePointer } from '../openapi/jsonPointer';
import { isConnectSessionToken } from '../sessionToken';
import type { ContractCase, Credential, LifecycleOperation } from './contractCase';
import { CREATE_SESSION_CASES } from './createSession';
import { DELETE_SESSION_CASES } from './deleteSession';
import { GET_SESSION_CASES } from './getSession';
import { RECONNECT_SESSION_CASES } from './reconnectSession';

/**
 * The documented behaviour of the connect-session lifecycle, as data: one case table per operation. The consumer
 * tests turn each case into a Pact interaction; the provider verification sets up its state, and reports on it by
 * name, grouped by operation. A new operation is a new table here, its spec pointer and its states.
 */
export * from './contractCase';
export * from './sdkBinding';
export * from './states';

export const CONSUMER = 'NangoConnectSessionClient';
export const PROVIDER = 'NangoAPI';

/** The lifecycle in the order a session lives it; the report follows this order. */
export const OPERATIONS: readonly LifecycleOperation[] = [CREATE_SESSION_CASES, RECONNECT_SESSION_CASES, GET_SESSION_CASES, DELETE_SESSION_CASES];

export const CASES: readonly ContractCase[] = OPERATIONS.flatMap((operation) => operation.cases);

/**
 * The environment's secret key as the pact holds it: a placeholder, never a key. The verifier's request filter
 * puts the run's real key in its place, so a pact can be published anywhere.
 */
export const SECRET_KEY_PLACEHOLDER = 'NANGO_SECRET_KEY';

/** The documented case a pact interaction was written from, by its description; undefined for others' pacts. */
export function caseByDescription(description: string | undefined): ContractCase | undefined {
  return CASES.find((candidate) => candidate.description === description);
}

/** The operation a case belongs to. */
export function operationOfCase(contractCase: ContractCase): LifecycleOperation {
  const found = OPERATIONS.find((operation) => operation.cases.includes(contractCase));
  if (!found) throw new Error(`the case "${contractCase.name}" is in no operation's table`);
  return found;
}

/** The lifecycle operation of a method and path, if it is one. */
export function operationAt(method: string, path: string): LifecycleOperation | undefined {
  return OPERATIONS.find(({ operation }) => operation.method === method.toLowerCase() && operation.path === path);
}

/** How reports head an operation's rows: `POST /connect/sessions`. */
export function operationHeading(operation: LifecycleOperation): string {
  return operationLabel(operation.operation);
}

/** Where a case stands in CASES (the report's order); after them all when it is none of them. */
export function caseRank(description: string): number {
  const index = CASES.findIndex((candidate) => candidate.description === description);
  return index === -1 ? CASES.length : index;
}

/** The credential the consumer sends for a case (the example value where the provider puts in the real one). */
export function credentialSentBy(credential: Credential): string | undefined {
  switch (credential.kind) {
    case 'none':
      return undefined;
    case 'literal':
      return credential.value;
    case 'secret-key':
      return SECRET_KEY_PLACEHOLDER;
    default:
      return credential.example;
  }
}

/** Authorization values the cases send as written (malformed tokens, unknown keys): a request shape keeps them. */
export function literalAuthorizations(): string[] {
  return CASES.flatMap((contractCase) => (contractCase.request.credential.kind === 'literal' ? [`Bearer ${contractCase.request.credential.value}`] : []));
}

/**
 * The token of the session an answer of a creating operation made, where its case table says its 201 puts it
 * (`/data/token`); undefined for another operation, a body that is not JSON, or no connect session token there.
 */
export function createdSessionToken(method: string, path: string, bodyText: string): string | undefined {
  const at = operationAt(method, path)?.createsSessionAt;
  if (at === undefined) return undefined;
  let body: JsonValue;
  try {
    body = JSON.parse(bodyText) as JsonValue;
  } catch {
    return undefined;
  }
  const token = resolvePointer(body, at);
  return typeof token === 'string' && isConnectSessionToken(token) ? token : undefined;
}
