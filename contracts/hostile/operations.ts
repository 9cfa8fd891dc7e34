import fc from 'fast-check';
import { OPERATIONS, removesSession, sessionPointer, type LifecycleOperation } from '../cases';
import { isJsonObject, type JsonObject } from '../json';
import { operationLabel } from '../nangoApi';
import type { OperationRef } from '../openapi/responseValidators';
import { followRefs, resolvePointer } from '../openapi/jsonPointer';
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
 * The lifecycle's operations as the hostile run sees them, all from data: the case tables (contracts/cases) say
 * how each authenticates and where its 201 puts the session it made; the spec's request schema, where it has one,
 * gives its bodies (bodyArbitraries.ts).
 */
export interface HostileOperation {
  readonly operation: OperationRef;
  /** `POST /connect/sessions`. */
  readonly label: string;
  readonly auth: 'secret-key' | 'session-token';
  /** Where a 2xx answer's body holds the token of the session it made (`/data/token`). */
  readonly createsSessionAt: string | undefined;
  /** Its JSON request body's arbitraries; undefined when the spec documents no request body. */
  readonly bodies: BodyArbitraries | undefined;
  /** Its body names a connection (`connection_id` and `integration_id`): the run puts in one of its own. */
  readonly bodyNamesConnection: boolean;
}

/**
 * The tables the hostile run can drive: those with no path parameter, whose success creates nothing but a session.
 * An operation on a connection or an integration needs one of the run's own in its path, and a valid `POST
 * /integrations` would create integrations under names the run did not choose: not driven yet.
 */
export function hostileTables(tables: readonly LifecycleOperation[] = OPERATIONS): LifecycleOperation[] {
  return tables.filter((table) => !table.operation.path.includes('{') && (table.creates === undefined || table.creates.resource === 'session'));
}

/** The hostile run's view of the tables (those it can drive, by default), their bodies from the spec's schemas in `root`. */
export function hostileOperations(root: JsonObject, tables: readonly LifecycleOperation[] = hostileTables()): HostileOperation[] {
  return tables.map((table) => {
    const { operation, auth } = table;
    const createsSessionAt = sessionPointer(table);
    const pointer = requestBodyPointer(operation.method, operation.path);
    return {
      operation,
      label: operationLabel(operation),
      auth,
      createsSessionAt,
      bodies: resolvePointer(root, pointer) === undefined ? undefined : bodyArbitraries(root, pointer),
      bodyNamesConnection: ['connection_id', 'integration_id'].every((name) => requiredOf(root, pointer).includes(name)),
    };
  });
}

/** The properties the schema at `pointer` requires (through its `$ref`s). */
function requiredOf(root: JsonObject, pointer: string): string[] {
  const node = followRefs(root, resolvePointer(root, pointer));
  const required = isJsonObject(node) ? node['required'] : undefined;
  return Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [];
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
