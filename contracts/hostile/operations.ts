import fc from 'fast-check';
import { isFromState, OPERATIONS, removesSession, sessionPointer, type LifecycleOperation, type StateValueName } from '../cases';
import type { JsonObject } from '../json';
import { operationLabel } from '../nangoApi';
import type { OperationRef } from '../openapi/responseValidators';
import { resolvePointer } from '../openapi/jsonPointer';
import { bodyArbitraries, requestBodyPointer, type BodyArbitraries } from './bodyArbitraries';
import {
  CONTENT_TYPES,
  sessionRemovalCases,
  looseBody,
  query,
  rawAuthorization,
  SECRET_MUTATIONS,
  SESSION_TOKEN_FORMS,
  sessionAuth,
  type AuthSpec,
  type BodySpec,
  type HostileCase,
  type SecretMutation,
  type SessionTokenForm,
} from './hostileCases';

/**
 * What fills a part of an operation's request that must name something of the run's (a path parameter, a required
 * query parameter, a body field): the state value its table's success case takes there (`connectionId`,
 * `integrationId`, `integrationKey`), which the run makes for the case itself (caseRunner.ts).
 */
export type Filled = Readonly<Record<string, StateValueName>>;

/**
 * The Connect flow's operations as the hostile run sees them, all from data: the case tables (contracts/cases) say
 * how each authenticates, what its success case names of the run's (path parameters, required query, body fields),
 * what its 2xx creates and what its answer removes; the spec's request schema, where it has one, gives its bodies
 * (bodyArbitraries.ts).
 */
export interface HostileOperation {
  readonly operation: OperationRef;
  /** `POST /connect/sessions`. */
  readonly label: string;
  readonly auth: 'secret-key' | 'session-token';
  /** Where a 2xx answer's body holds the token of the session it made (`/data/token`). */
  readonly createsSessionAt: string | undefined;
  /** What a 2xx answer made (a session, an integration), and where its body holds its id. */
  readonly creates: LifecycleOperation['creates'];
  /** What an answer of a status removes (the session its token names, or the connection or integration its path names). */
  readonly removes: LifecycleOperation['removes'];
  /** Its JSON request body's arbitraries; undefined when the spec documents no request body. */
  readonly bodies: BodyArbitraries | undefined;
  /** Its path parameters, each filled with what of the run's its success case names (`connectionId`). */
  readonly pathParams: Filled;
  /** The query its success case needs (`provider_config_key`), each filled with what of the run's it names. */
  readonly query: Filled;
  /** The body fields its success case names the run's by (`unique_key`: a key of the run's). */
  readonly bodyFields: Filled;
  /**
   * The body fields its success case gives a fixed string (`provider: unauthenticated`): a value the schema cannot
   * say must name something that exists (a provider Nango knows), so a generated string there is replaced by it.
   */
  readonly bodyFixed: Readonly<Record<string, string>>;
}

/** The tables the hostile run drives: every operation of the Connect flow (path parameters filled by the runner). */
export function hostileTables(tables: readonly LifecycleOperation[] = OPERATIONS): LifecycleOperation[] {
  return [...tables];
}

/** The hostile run's view of the tables (those it can drive, by default), their bodies from the spec's schemas in `root`. */
export function hostileOperations(root: JsonObject, tables: readonly LifecycleOperation[] = hostileTables()): HostileOperation[] {
  return tables.map((table) => {
    const { operation, auth } = table;
    const createsSessionAt = sessionPointer(table);
    const pointer = requestBodyPointer(operation.method, operation.path);
    const success = table.cases.find((contractCase) => contractCase.response.status >= 200 && contractCase.response.status < 300)?.request;
    return {
      operation,
      label: operationLabel(operation),
      auth,
      createsSessionAt,
      creates: table.creates,
      removes: table.removes,
      bodies: resolvePointer(root, pointer) === undefined ? undefined : bodyArbitraries(root, pointer),
      pathParams: filledBy(success?.pathParams ?? {}),
      query: filledBy(success?.query ?? {}),
      bodyFields: filledBy(success?.body ?? {}),
      bodyFixed: Object.fromEntries(Object.entries(success?.body ?? {}).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value] as const] : []))),
    };
  });
}

/** The values a success case takes from a state, by the name of the part they fill. */
function filledBy(values: Readonly<Record<string, unknown>>): Filled {
  return Object.fromEntries(Object.entries(values).flatMap(([name, value]) => (isFromState(value) ? [[name, value.fromState] as const] : [])));
}

/** The operation a single case goes to. */
export function operationOf(hostile: HostileCase & { kind: 'single' }): OperationRef {
  return hostile.operation;
}

/** Where a method case is sent. */
export function pathOf(hostile: HostileCase & { kind: 'method' }): string {
  return hostile.path;
}

/**
 * The operation that removes the session whose token it carries (DELETE /connect/session), as its table says: the
 * run's first, whose repeated and racing requests the run sends, and whose cases and kinds go unnamed (known
 * findings written for it match as before).
 */
export const isDeleteSession = (operation: OperationRef): boolean => removesSession(operation);

/** A path of an operation that removes a session (/connect/session): its method cases go unnamed, as the run's first path's. */
export const isSessionRemovalPath = (path: string): boolean => OPERATIONS.some((table) => table.operation.path === path && table.removes?.resource === 'session');

/** The operation of the tables that removes a session, among the hostile run's: its repeats and races go there. */
export function sessionRemoval(operations: readonly HostileOperation[]): HostileOperation {
  const found = operations.find(({ operation }) => removesSession(operation));
  if (!found) throw new Error('no operation of the tables removes a session: the hostile run has no sequence to send');
  return found;
}

/** The operation of a table by method and path. */
export function hostileOperationAt(operations: readonly HostileOperation[], operation: OperationRef): HostileOperation {
  const found = operations.find((candidate) => candidate.operation.method === operation.method && candidate.operation.path === operation.path);
  if (!found) throw new Error(`${operationLabel(operation)} is no lifecycle operation`);
  return found;
}

/** The credentials of an operation the secret key authenticates: mostly the key, in each form; wrong keys, none, a session token. */
const secretKeyAuth: fc.Arbitrary<AuthSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'secret-key' } as const) },
  { weight: 3, arbitrary: fc.constantFrom<SessionTokenForm>(...SESSION_TOKEN_FORMS).map((form): AuthSpec => ({ kind: 'secret-key', form })) },
  { weight: 1, arbitrary: fc.constantFrom<SecretMutation>(...SECRET_MUTATIONS).map((mutation): AuthSpec => ({ kind: 'wrong-secret-key', mutation })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' } as const) },
  { weight: 2, arbitrary: rawAuthorization.map((value): AuthSpec => ({ kind: 'raw', value })) },
  { weight: 1, arbitrary: fc.constant<AuthSpec>({ kind: 'session', form: 'bearer' }) },
);

/** Bodies of an operation with a request schema: mostly ones it allows or breaks one rule of, under its JSON media type. */
function schemaBodies(bodies: BodyArbitraries): fc.Arbitrary<{ readonly body: BodySpec; readonly contentType: string | undefined }> {
  const json = fc.oneof({ weight: 8, arbitrary: fc.constantFrom<string | undefined>('application/json', 'application/json; charset=utf-8') }, { weight: 1, arbitrary: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }) });
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ body: bodies.positive.map((value): BodySpec => ({ kind: 'valid', value })), contentType: json }) },
    { weight: 4, arbitrary: fc.record({ body: bodies.negative.map(({ label, body }): BodySpec => ({ kind: 'invalid', label, value: body })), contentType: json }) },
    { weight: 1, arbitrary: fc.record({ body: looseBody, contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }) }) },
  );
}

/** Every request of one operation, seeded and shrinkable. */
function casesOf(operation: HostileOperation): fc.Arbitrary<HostileCase> {
  if (isDeleteSession(operation.operation)) return sessionRemovalCases(operation.operation);
  const auth = operation.auth === 'secret-key' ? secretKeyAuth : sessionAuth;
  const payload = operation.bodies ? schemaBodies(operation.bodies) : fc.record({ body: looseBody, contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }) });
  const fewQueries = fc.oneof({ weight: 4, arbitrary: fc.constant([] as Array<readonly [string, string]>) }, { weight: 1, arbitrary: query });
  return fc.record({ auth, query: fewQueries, payload }).map(({ auth: credential, query: pairs, payload: { body, contentType } }): HostileCase => ({
    kind: 'single',
    operation: operation.operation,
    auth: credential,
    query: pairs,
    body,
    contentType,
  }));
}

/** Every request of the lifecycle: each operation as often as the others. */
export function lifecycleCase(operations: readonly HostileOperation[]): fc.Arbitrary<HostileCase> {
  return fc.oneof(...operations.map(casesOf));
}
