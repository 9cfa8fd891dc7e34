import type { JsonValue } from '../json';
import { nangoSpec, operationLabel } from '../nangoApi';
import type { SpecDocument } from '../openapi/specDocument';
import { resolvePointer } from '../openapi/jsonPointer';
import { isConnectSessionToken } from '../sessionToken';
import type { ContractCase, Credential, LifecycleOperation, Resource } from './contractCase';
import { ResponseValidators, templateMatches, type OperationRef } from '../openapi/responseValidators';
import { CREATE_INTEGRATION_CASES } from './createIntegration';
import { CREATE_SESSION_CASES } from './createSession';
import { DELETE_CONNECTION_CASES } from './deleteConnection';
import { DELETE_INTEGRATION_CASES } from './deleteIntegration';
import { DELETE_SESSION_CASES } from './deleteSession';
import { GET_CONNECTION_CASES } from './getConnection';
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

/**
 * The Connect flow in the order a team lives it: the connect-session lifecycle, then the connection the Connect UI
 * made and the integration it belongs to. The report follows this order.
 */
export const OPERATIONS: readonly LifecycleOperation[] = [
  CREATE_SESSION_CASES,
  RECONNECT_SESSION_CASES,
  GET_SESSION_CASES,
  DELETE_SESSION_CASES,
  GET_CONNECTION_CASES,
  DELETE_CONNECTION_CASES,
  CREATE_INTEGRATION_CASES,
  DELETE_INTEGRATION_CASES,
];

export const CASES: readonly ContractCase[] = OPERATIONS.flatMap((operation) => operation.cases);

/** What the validators compile, in the order reports show them: every tabled operation. */
export const LIFECYCLE: readonly OperationRef[] = OPERATIONS.map(({ operation }) => operation);

/**
 * The operations the suite's own set-up and clean-up call (the provider states, the session admin), by role: the
 * one place outside the tables that says which operation does what for a run.
 */
export const SETUP = {
  createSession: CREATE_SESSION_CASES.operation,
  getSession: GET_SESSION_CASES.operation,
  deleteSession: DELETE_SESSION_CASES.operation,
  reconnectSession: RECONNECT_SESSION_CASES.operation,
  createIntegration: CREATE_INTEGRATION_CASES.operation,
  deleteIntegration: DELETE_INTEGRATION_CASES.operation,
  deleteConnection: DELETE_CONNECTION_CASES.operation,
  /**
   * Undocumented in Nango's spec: the Connect UI's own request that makes a connection of a provider without
   * credentials through a connect session (`?connect_session_token=`), answering `{connectionId, providerConfigKey}`.
   * The reconnect, GET and DELETE connection cases need a connection made through a connect session; Nango's public
   * API has no documented way to make one, so the states use it, and findings list it as a spec gap.
   */
  connectUnauthenticated: { method: 'post', path: '/auth/unauthenticated/{providerConfigKey}' },
} as const satisfies Readonly<Record<string, OperationRef>>;

/** Whether answers of the operation can remove the session whose token they carry (its table's `removes`). */
export function removesSession(operation: OperationRef): boolean {
  return operationAt(operation.method, operation.path)?.removes?.resource === 'session';
}

/** The operations of each kind the hostile run and reports still name as such (the run's first, DELETE /connect/session). */
export const DELETE_SESSION = DELETE_SESSION_CASES.operation;
export const CREATE_SESSION = CREATE_SESSION_CASES.operation;
export const GET_SESSION = GET_SESSION_CASES.operation;
export const RECONNECT_SESSION = RECONNECT_SESSION_CASES.operation;

let validators: ResponseValidators | undefined;

/** The tabled operations' validators compiled from a spec: the committed one, a newer version, a patched one. */
export function lifecycleValidators(
  document: SpecDocument,
  operations: readonly OperationRef[] = LIFECYCLE,
): ResponseValidators {
  return ResponseValidators.fromDocument(document, operations);
}

/** The spec's validators for the tabled operations, compiled once per process. */
export function nangoValidators(): ResponseValidators {
  validators ??= lifecycleValidators(nangoSpec());
  return validators;
}

/**
 * The environment's secret key as the pact holds it: a placeholder, never a key. The verifier's request filter
 * puts the run's real key in its place, so a pact can be published anywhere.
 */
export const SECRET_KEY_PLACEHOLDER = 'NANGO_SECRET_KEY';

/** A documented case's id, `${table id}:${index}` (`deleteSession:0`): what results carry once a pact's description was matched. */
export type CaseId = `${string}:${number}`;

/**
 * The case tables a run knows, asked by what a pact or an exchange carries: the committed tables (OPERATIONS) for
 * the CLIs, a fixture's for a test. Verification takes one as an input rather than reaching for the globals, so an
 * operation's table alone gets its interactions verified and reported.
 */
export interface CaseCatalogue {
  readonly operations: readonly LifecycleOperation[];
  readonly cases: readonly ContractCase[];
  /** The documented case a pact interaction was written from, by its description; undefined for others' pacts. */
  caseByDescription(description: string | undefined): ContractCase | undefined;
  /** The id of a documented case. */
  caseIdOf(contractCase: ContractCase): CaseId;
  /** The documented case of an id; undefined for one no table has (a report of another version). */
  caseById(id: string | undefined): ContractCase | undefined;
  /** The operation a case belongs to. */
  operationOfCase(contractCase: ContractCase): LifecycleOperation;
  /** Where a case stands in the tables (the report's order); after them all when it is none of them. */
  caseRank(id: string | undefined): number;
  /** The tabled operation of a method and a path (a template, or a concrete path of one), if it is one. */
  operationAt(method: string, path: string): LifecycleOperation | undefined;
  /** The Authorization values the cases send as written (malformed tokens, unknown keys). */
  literalAuthorizations(): string[];
  /** What an answer of a creating operation made, where its table says its 2xx puts the id (see createdResource). */
  createdResource(
    method: string,
    path: string,
    bodyText: string,
  ): { readonly resource: Resource; readonly id: string } | undefined;
}

export function caseCatalogue(operations: readonly LifecycleOperation[]): CaseCatalogue {
  const cases = operations.flatMap((operation) => operation.cases);
  const operationOfCase = (contractCase: ContractCase): LifecycleOperation => {
    const found = operations.find((operation) => operation.cases.includes(contractCase));
    if (!found) throw new Error(`the case "${contractCase.name}" is in no operation's table`);
    return found;
  };
  const caseById = (id: string | undefined): ContractCase | undefined => {
    if (id === undefined) return undefined;
    const [tableId, index] = id.split(':');
    return operations.find((table) => table.id === tableId)?.cases[Number(index)];
  };
  return {
    operations,
    cases,
    caseByDescription: (description) => cases.find((candidate) => candidate.description === description),
    caseIdOf: (contractCase) => {
      const table = operationOfCase(contractCase);
      return `${table.id}:${table.cases.indexOf(contractCase)}`;
    },
    caseById,
    operationOfCase,
    caseRank: (id) => {
      const contractCase = caseById(id);
      return contractCase === undefined ? cases.length : cases.indexOf(contractCase);
    },
    operationAt: (method, path) => operationAt(method, path, operations),
    literalAuthorizations: () =>
      cases.flatMap((contractCase) =>
        contractCase.request.credential.kind === 'literal' ? [`Bearer ${contractCase.request.credential.value}`] : [],
      ),
    createdResource: (method, path, bodyText) => createdResourceOf(operationAt(method, path, operations), bodyText),
  };
}

/** The committed tables' catalogue: what the CLIs verify with. */
export const NANGO_CATALOGUE: CaseCatalogue = caseCatalogue(OPERATIONS);

/** The documented case a pact interaction was written from, by its description; undefined for others' pacts. */
export function caseByDescription(description: string | undefined): ContractCase | undefined {
  return NANGO_CATALOGUE.caseByDescription(description);
}

/** The id of a documented case. */
export function caseIdOf(contractCase: ContractCase): CaseId {
  return NANGO_CATALOGUE.caseIdOf(contractCase);
}

/** The documented case of an id; undefined for one no table has (a report of another version). */
export function caseById(id: string | undefined): ContractCase | undefined {
  return NANGO_CATALOGUE.caseById(id);
}

/** The operation a case belongs to. */
export function operationOfCase(contractCase: ContractCase): LifecycleOperation {
  return NANGO_CATALOGUE.operationOfCase(contractCase);
}

/** The tabled operation of a method and a path (a template, or a concrete path of one), if it is one. */
export function operationAt(
  method: string,
  path: string,
  operations: readonly LifecycleOperation[] = OPERATIONS,
): LifecycleOperation | undefined {
  const ofMethod = operations.filter(({ operation }) => operation.method === method.toLowerCase());
  return (
    ofMethod.find(({ operation }) => operation.path === path) ??
    ofMethod.find(({ operation }) => templateMatches(operation.path, path))
  );
}

/** The concrete path of an operation for these path parameters (each encoded as one segment). */
export function concretePath(template: string, parameters: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`no value for the path parameter ${name} of ${template}`);
    return encodeURIComponent(value);
  });
}

/** How reports head an operation's rows: `POST /connect/sessions`. */
export function operationHeading(operation: LifecycleOperation): string {
  return operationLabel(operation.operation);
}

/** Where a case stands in CASES (the report's order); after them all when it is none of them. */
export function caseRank(id: string | undefined): number {
  return NANGO_CATALOGUE.caseRank(id);
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
  return NANGO_CATALOGUE.literalAuthorizations();
}

/**
 * What an answer of a creating operation made, where its case table says its 2xx puts the id (`/data/token`,
 * `/data/unique_key`); undefined for another operation, a body that is not JSON, or no id there (a session's
 * must be a connect session token).
 */
export function createdResource(
  method: string,
  path: string,
  bodyText: string,
): { readonly resource: Resource; readonly id: string } | undefined {
  return NANGO_CATALOGUE.createdResource(method, path, bodyText);
}

function createdResourceOf(
  operation: LifecycleOperation | undefined,
  bodyText: string,
): { readonly resource: Resource; readonly id: string } | undefined {
  const creates = operation?.creates;
  if (creates === undefined) return undefined;
  let body: JsonValue;
  try {
    body = JSON.parse(bodyText) as JsonValue;
  } catch {
    // Not JSON: undefined says there is no body to read; the parser's wording adds nothing.
    return undefined;
  }
  const id = resolvePointer(body, creates.at);
  if (typeof id !== 'string' || id.length === 0) return undefined;
  return creates.resource !== 'session' || isConnectSessionToken(id) ? { resource: creates.resource, id } : undefined;
}

/** The token of the session an answer made, where its operation's table says it is; undefined for anything else. */
export function createdSessionToken(method: string, path: string, bodyText: string): string | undefined {
  const created = createdResource(method, path, bodyText);
  return created?.resource === 'session' ? created.id : undefined;
}

/** Where a 2xx of the operation puts the token of the session it made; undefined when it makes none. */
export function sessionPointer(operation: LifecycleOperation): string | undefined {
  return operation.creates?.resource === 'session' ? operation.creates.at : undefined;
}
