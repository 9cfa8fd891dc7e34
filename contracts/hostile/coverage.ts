import fc from 'fast-check';
import { isJsonObject, type JsonValue } from '../json';
import { operationLabel } from '../nangoApi';
import { HTTP_METHODS, type OperationRef, type ResponseValidators } from '../openapi/responseValidators';
import type { AuthSpec, BodySpec, HostileCase } from './hostileCases';
import { isDeleteSession, isSessionRemovalPath, type HostileOperation } from './operations';
import { OFF_BY_ONE } from './placeholders';

/**
 * The kinds a case is of, one per dimension it sets: its credential (`auth:session:double-space`,
 * `auth:secret-key`, …), `query`, its body (`body:text`), its content type (`content-type:text/plain`,
 * `content-type:none` for a body sent without one), a sequence (`sequence:race`) or a method (`method:PUT`).
 * Known findings can name one, to match that kind of request only.
 */
export function kindsOf(hostile: HostileCase): string[] {
  switch (hostile.kind) {
    case 'single':
      return [
        // DELETE /connect/session, the run's first operation, goes unnamed: known findings written for it match as before.
        ...(!isDeleteSession(hostile.operation) ? [`operation:${operationLabel(hostile.operation)}`] : []),
        authKind(hostile.auth),
        ...(hostile.query.length > 0 ? ['query'] : []),
        ...bodyKinds(hostile.body),
        ...(hostile.contentType !== undefined
          ? [`content-type:${hostile.contentType}`]
          : hostile.body.kind === 'none'
            ? []
            : ['content-type:none']),
      ];
    case 'repeat':
      return ['sequence:repeat'];
    case 'race':
      return ['sequence:race'];
    case 'method':
      return [
        isSessionRemovalPath(hostile.path) ? `method:${hostile.method}` : `method:${hostile.method} ${hostile.path}`,
      ];
  }
}

/** `body:valid`; a body that breaks one rule is of that rule's kind and of its place's (`body:missing-required`, `body:missing-required:end_user.id`). */
function bodyKinds(body: BodySpec): string[] {
  if (body.kind === 'none') return [];
  // `{}` the schema allows is a kind of its own: the least body a client may send.
  if (body.kind === 'valid' && isJsonObject(body.value) && Object.keys(body.value).length === 0)
    return ['body:valid', 'body:empty'];
  if (body.kind !== 'invalid') return [`body:${body.kind}`];
  return [ruleOf(body.label), body.label];
}

const ruleOf = (label: string): string => label.split(':').slice(0, 2).join(':');

function authKind(auth: AuthSpec): string {
  switch (auth.kind) {
    case 'session':
      return `auth:session:${auth.form}`;
    case 'off-by-one':
      return `auth:off-by-one:${auth.mutation}`;
    case 'secret-key':
      return auth.form === undefined || auth.form === 'bearer' ? 'auth:secret-key' : `auth:secret-key:${auth.form}`;
    case 'wrong-secret-key':
      return `auth:wrong-secret-key:${auth.mutation}`;
    default:
      return `auth:${auth.kind}`;
  }
}

/** One case of the coverage pass, and the kind of request it stands for. */
export interface CoverageCase {
  readonly kind: string;
  readonly hostile: HostileCase;
}

const bearer: AuthSpec = { kind: 'session', form: 'bearer' };
/** What a single case says beside its operation and credential. */
type SingleCase = Omit<HostileCase & { kind: 'single' }, 'kind' | 'auth' | 'operation'>;
/** A single request of an operation: no query, no body, unless the case says otherwise. */
const requestTo = (operation: OperationRef, auth: AuthSpec, more: Partial<SingleCase> = {}): HostileCase => ({
  kind: 'single',
  operation,
  auth,
  query: [],
  body: { kind: 'none' },
  contentType: undefined,
  ...more,
});

/**
 * The coverage pass, sent first on every run (not when replaying a path), one case per kind of request, so a
 * finding never depends on what the random search happens to draw: each Authorization form, a query, each body
 * kind under each content type and without one, each content type without a body, repeated and racing deletes,
 * and each method the spec does not document for the path: DELETE /connect/session's 37 cases; then each other
 * operation's (24 for a POST, 20 for GET /connect/session), and the undocumented methods of the POSTs' paths.
 */
export function coverageCases(validators: ResponseValidators, operations: readonly HostileOperation[]): CoverageCase[] {
  const removal = operations.find((operation) => isDeleteSession(operation.operation));
  const others = operations.filter((operation) => operation !== removal);
  return [
    ...(removal ? removalCoverage(validators, removal.operation) : []),
    ...others.flatMap((operation) =>
      operation.auth === 'secret-key' ? secretKeyCoverage(operation) : sessionTokenCoverage(operation),
    ),
    ...[...new Set(others.map(({ operation }) => operation.path))]
      .filter((path) => path !== removal?.operation.path)
      .flatMap((path) => methodCoverage(validators, path)),
  ];
}

/** The cases of the operation that removes a session (DELETE /connect/session's 37), the first the run had. */
function removalCoverage(validators: ResponseValidators, operation: OperationRef): CoverageCase[] {
  const cases: HostileCase[] = [
    ...sessionRequests(operation),
    { kind: 'repeat', times: 2 },
    { kind: 'race', parallel: 3 },
  ];
  return [
    ...cases.map((hostile) => ({ kind: describeKind(hostile), hostile })),
    ...methodCoverage(validators, operation.path),
  ];
}

/** The requests of an operation the session token authenticates: each credential, a query, each body under each content type. */
function sessionRequests(operation: OperationRef): HostileCase[] {
  const request = (auth: AuthSpec, more: Partial<SingleCase> = {}): HostileCase => requestTo(operation, auth, more);
  const auths: AuthSpec[] = [
    bearer,
    { kind: 'session', form: 'lowercase-scheme' },
    { kind: 'session', form: 'double-space' },
    { kind: 'session', form: 'bare' },
    { kind: 'session', form: 'x-prefixed' },
    { kind: 'session', form: 'basic-bearer' },
    { kind: 'none' },
    { kind: 'raw', value: 'Bearer' },
    { kind: 'raw', value: 'Basic dXNlcjpwYXNz' },
    // Oversized, yet under the 8 kB many servers and proxies allow for all headers.
    { kind: 'raw', value: `Bearer ${'a'.repeat(4_000)}` },
    ...OFF_BY_ONE.map((mutation): AuthSpec => ({ kind: 'off-by-one', mutation })),
    { kind: 'unknown-token' },
    { kind: 'deleted-session' },
    { kind: 'secret-key' },
  ];
  return [
    ...auths.map((auth) => request(auth)),
    request(bearer, { query: [['unexpected', 'true']] }),
    request(bearer, { body: { kind: 'json', text: '{"unexpected":true}' }, contentType: 'application/json' }),
    request(bearer, { body: { kind: 'text', text: 'not json' }, contentType: 'text/plain' }),
    request(bearer, {
      body: { kind: 'text', text: 'unexpected=true' },
      contentType: 'application/x-www-form-urlencoded',
    }),
    request(bearer, {
      body: { kind: 'text', text: '--x\r\nContent-Disposition: form-data; name="unexpected"\r\n\r\ntrue\r\n--x--\r\n' },
      contentType: 'multipart/form-data; boundary=x',
    }),
    request(bearer, { body: { kind: 'json', text: '{}' } }),
    request(bearer, { body: { kind: 'large', bytes: 20_000 }, contentType: 'application/json' }),
    ...['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'].map(
      (contentType) => request(bearer, { contentType }),
    ),
  ];
}

/** The kind a coverage case stands for: what sets it apart from the plain request (`plain`: its kinds). */
function describeKind(hostile: HostileCase, plain: readonly string[] = ['auth:session:bearer']): string {
  const kinds = kindsOf(hostile);
  const own = kinds.filter((kind) => !plain.includes(kind) || kind.startsWith('operation:'));
  return (own.length ? own : kinds).join(' + ');
}

/** The same draw every run: the coverage pass sends what the search may not. */
const first = (arbitrary: fc.Arbitrary<JsonValue>, seed = 0): JsonValue =>
  fc.sample(arbitrary, { seed, numRuns: 1 })[0] ?? null;

/**
 * An operation the secret key authenticates, with a JSON body: a small valid body and a large one, each under the
 * key's RFC forms and the ones that are no Bearer credential, wrong keys, none, a session token; a body breaking
 * each kind of rule the schema has; valid bodies under other media types and none; no body; a query. 24 cases.
 */
/**
 * The credentials a secret-key operation gets beside the plain key: the key in each other RFC form, the forms that
 * are no Bearer credential, none, the key one character off both ways, and a session token.
 */
const SECRET_KEY_FORMS: readonly AuthSpec[] = [
  ...(['lowercase-scheme', 'double-space', 'bare', 'x-prefixed', 'basic-bearer'] as const).map((form): AuthSpec => ({
    kind: 'secret-key',
    form,
  })),
  { kind: 'none' },
  { kind: 'raw', value: 'Bearer' },
  { kind: 'raw', value: 'Basic dXNlcjpwYXNz' },
  { kind: 'wrong-secret-key', mutation: 'drop-last' },
  { kind: 'wrong-secret-key', mutation: 'add-hex' },
  { kind: 'session', form: 'bearer' },
];

function secretKeyCoverage(operation: HostileOperation): CoverageCase[] {
  const { bodies } = operation;
  if (!bodies) return secretKeyWithoutBodyCoverage(operation);
  const small = first(bodies.positive);
  // Every property the schema declares, deprecated ones too.
  const large = first(bodies.complete);
  const valid = (value: JsonValue): BodySpec => ({ kind: 'valid', value });
  const json = 'application/json';
  const to = (auth: AuthSpec, more: Partial<SingleCase> = {}): HostileCase =>
    requestTo(operation.operation, auth, { body: valid(small), contentType: json, ...more });
  const key: AuthSpec = { kind: 'secret-key' };
  const rules = [...new Map(bodies.negatives.map((negative) => [ruleOf(negative.label), negative])).values()];
  const cases: HostileCase[] = [
    to(key),
    to(key, { body: valid(large) }),
    // The least body the schema allows, where it requires no property: a server that insists on more is found here.
    ...(bodies.empty ? [to(key, { body: valid(bodies.empty) })] : []),
    ...SECRET_KEY_FORMS.map((auth) => to(auth)),
    ...rules.map(({ label, arbitrary }) => to(key, { body: { kind: 'invalid', label, value: first(arbitrary) } })),
    to(key, { contentType: 'application/json; charset=utf-8' }),
    to(key, { contentType: 'text/plain' }),
    to(key, { contentType: undefined }),
    to(key, { body: { kind: 'none' } }),
    to(key, { body: { kind: 'text', text: 'not json' } }),
    to(key, { query: [['unexpected', 'true']] }),
  ];
  const plain = kindsOf(to(key));
  return cases.map((hostile) => ({ kind: describeKind(hostile, plain), hostile }));
}

/**
 * An operation the secret key authenticates, without a request body (a GET or DELETE of a connection or an
 * integration): the key in each RFC form and the forms that are no Bearer credential, wrong keys, none, a session
 * token; a query; a JSON body and a text body it does not document.
 */
function secretKeyWithoutBodyCoverage(operation: HostileOperation): CoverageCase[] {
  const to = (auth: AuthSpec, more: Partial<SingleCase> = {}): HostileCase =>
    requestTo(operation.operation, auth, more);
  const key: AuthSpec = { kind: 'secret-key' };
  const cases: HostileCase[] = [
    to(key),
    ...SECRET_KEY_FORMS.map((auth) => to(auth)),
    to(key, { query: [['unexpected', 'true']] }),
    to(key, { body: { kind: 'json', text: '{"unexpected":true}' }, contentType: 'application/json' }),
    to(key, { body: { kind: 'text', text: 'not json' }, contentType: 'text/plain' }),
  ];
  const plain = kindsOf(to(key));
  return cases.map((hostile) => ({ kind: describeKind(hostile, plain), hostile }));
}

/** An operation the session token authenticates, without a body (GET /connect/session): each credential as DELETE's, a query, a body. */
function sessionTokenCoverage(operation: HostileOperation): CoverageCase[] {
  return sessionRequests(operation.operation)
    .filter(
      (hostile) =>
        hostile.kind === 'single' &&
        (hostile.body.kind === 'none' || hostile.body.kind === 'json') &&
        hostile.contentType === (hostile.body.kind === 'none' ? undefined : 'application/json'),
    )
    .map((hostile): HostileCase =>
      hostile.kind === 'single' ? { ...hostile, operation: operation.operation } : hostile,
    )
    .map((hostile) => ({ kind: describeKind(hostile), hostile }));
}

/** Each method the whole spec does not document for a tabled path (one it documents but no table covers is no hostile request). */
function methodCoverage(validators: ResponseValidators, path: string): CoverageCase[] {
  const documented = validators.specMethods(path);
  return HTTP_METHODS.filter((method) => !documented.includes(method)).map((method): CoverageCase => {
    const hostile: HostileCase = { kind: 'method', method: method.toUpperCase(), path };
    return { kind: describeKind(hostile), hostile };
  });
}
