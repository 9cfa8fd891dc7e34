/**
 * The coverage pass of the lifecycle, as data: one case per kind of request of each operation the hostile run
 * drives, and each method the spec does not document on each of their paths (GET /connect/sessions too); a POST's
 * cases carry bodies its schema allows, and one breaking each kind of rule it has. The counts are computed from the
 * spec and the tables: a new operation or a new rule in the spec moves them, not this file.
 */
import { coverageCases } from '../../contracts/hostile/coverage';
import { hostileOperations, hostileTables } from '../../contracts/hostile/operations';
import { OFF_BY_ONE } from '../../contracts/hostile/placeholders';
import { HTTP_METHODS } from '../../contracts/openapi/responseValidators';
import { nangoSpec } from '../../contracts/nangoApi';
import { nangoValidators } from '../../contracts/cases';

const validators = nangoValidators();
const cases = coverageCases(validators, hostileOperations(nangoSpec().root));
const kinds = cases.map(({ kind }) => kind);

const operations = hostileOperations(nangoSpec().root);
const paths = [...new Set(hostileTables().map(({ operation }) => operation.path))];
const undocumentedMethods = (path: string): number => HTTP_METHODS.length - validators.specMethods(path).length;
/** A secret-key operation with a body: 13 credentials (its plain and large body among them), 6 media-type, body and query variations, and one per kind of rule its schema has. */
const rulesOf = (path: string): number =>
  new Set(
    (operations.find(({ operation }) => operation.path === path)?.bodies?.negatives ?? []).map(({ label }) =>
      label.split(':').slice(0, 2).join(':'),
    ),
  ).size;
/** 1 where the operation's schema allows `{}` (it requires no property): the least body a client may send. */
const emptyBody = (path: string): number =>
  operations.find(({ operation }) => operation.path === path)?.bodies?.empty ? 1 : 0;
/** A session-token operation's credentials: 13 forms and wrong tokens, and each off-by-one mutation of a live token. */
const SESSION_CREDENTIALS = 13 + OFF_BY_ONE.length;
/** DELETE /connect/session's: each credential, a query, 6 bodies, 4 media types without a body, a repeat and a race. */
const DELETE_CASES = SESSION_CREDENTIALS + 1 + 6 + 4 + 2;
/** GET /connect/session's: each credential DELETE gets, a query and a JSON body. */
const GET_CASES = SESSION_CREDENTIALS + 1 + 1;
/** A secret-key operation without a body (GET and DELETE /connection/{connectionId}, DELETE /integrations/{uniqueKey}): 12 credentials, a query, a JSON and a text body. */
const SECRET_KEY_WITHOUT_BODY = 15;
const WITHOUT_BODY = [
  'GET /connection/{connectionId}',
  'DELETE /connection/{connectionId}',
  'DELETE /integrations/{uniqueKey}',
];
const WITH_BODY = ['/connect/sessions', '/connect/sessions/reconnect', '/integrations'];
const expectedTotal =
  DELETE_CASES +
  GET_CASES +
  WITH_BODY.reduce((sum, path) => sum + 13 + 6 + rulesOf(path) + emptyBody(path), 0) +
  WITHOUT_BODY.length * SECRET_KEY_WITHOUT_BODY +
  paths.reduce((sum, path) => sum + undocumentedMethods(path), 0);

it("sends a case per kind of each driven operation and each undocumented method of its paths, DELETE /connect/session's first, as before the lifecycle", () => {
  expect(cases).toHaveLength(expectedTotal);
  const first = DELETE_CASES + undocumentedMethods('/connect/session');
  expect(
    cases
      .slice(0, first)
      .every(
        ({ hostile }) =>
          hostile.kind !== 'single' ||
          (hostile.operation.method === 'delete' && hostile.operation.path === '/connect/session'),
      ),
  ).toBe(true);
});

it('sends no method the whole spec documents, though no table covers it (GET /integrations, GET and PATCH /integrations/{uniqueKey})', () => {
  for (const kind of [
    'method:GET /integrations',
    'method:GET /integrations/{uniqueKey}',
    'method:PATCH /integrations/{uniqueKey}',
  ])
    expect(kinds).not.toContain(kind);
});

it('sends every method the spec does not document on every path of the lifecycle', () => {
  expect(kinds.filter((kind) => kind.startsWith('method:'))).toEqual([
    ...['PUT', 'POST', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'].map((method) => `method:${method}`),
    ...['/connect/sessions', '/connect/sessions/reconnect'].flatMap((path) =>
      ['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'].map((method) => `method:${method} ${path}`),
    ),
    // The connection and integration operations' paths: each method the spec documents on none of them.
    ...paths
      .filter((path) => !path.startsWith('/connect/'))
      .flatMap((path) =>
        HTTP_METHODS.filter((method) => !validators.specMethods(path).includes(method)).map(
          (method) => `method:${method.toUpperCase()} ${path}`,
        ),
      ),
  ]);
  expect(kinds).toEqual(
    expect.arrayContaining([
      'method:PUT /connection/{connectionId}',
      'method:PUT /integrations',
      'method:PUT /integrations/{uniqueKey}',
    ]),
  );
});

it('sends `{}` to POST /connect/sessions, whose schema requires no property, and to no operation whose schema requires one', () => {
  expect(kinds).toContain('operation:POST /connect/sessions + body:empty');
  expect(kinds.filter((kind) => kind.endsWith('body:empty'))).toEqual([
    'operation:POST /connect/sessions + body:empty',
  ]);
});

it.each(['POST /connect/sessions', 'POST /connect/sessions/reconnect'])(
  'sends %s valid bodies, one of each rule broken, and each credential form',
  (operation) => {
    const own = cases.filter(
      ({ hostile }) =>
        hostile.kind === 'single' &&
        hostile.operation &&
        `${hostile.operation.method.toUpperCase()} ${hostile.operation.path}` === operation,
    );
    expect(own).toHaveLength(24 + emptyBody(operation.split(' ')[1] ?? ''));
    const bodies = own.map(({ hostile }) => (hostile.kind === 'single' ? hostile.body : undefined));
    for (const body of bodies)
      if (body?.kind === 'valid')
        expect(validators.checkRequestBody('post', operation.split(' ')[1] ?? '', body.value)).toEqual([]);
    for (const body of bodies)
      if (body?.kind === 'invalid')
        expect(validators.checkRequestBody('post', operation.split(' ')[1] ?? '', body.value)).not.toEqual([]);
    const rules = own
      .flatMap(({ kind }) => kind.split(' + '))
      .filter(
        (kind) => /^body:[a-z-]+$/.test(kind) && kind !== 'body:valid' && kind !== 'body:none' && kind !== 'body:text',
      );
    expect(rules).toEqual(
      expect.arrayContaining([
        'body:wrong-type',
        'body:missing-required',
        'body:extra-property',
        'body:over-max-length',
        'body:over-max-properties',
      ]),
    );
    expect(own.map(({ kind }) => kind)).toEqual(
      expect.arrayContaining([
        `operation:${operation}`,
        `operation:${operation} + auth:secret-key:bare`,
        `operation:${operation} + auth:wrong-secret-key:drop-last`,
        `operation:${operation} + auth:session:bearer`,
      ]),
    );
  },
);

it('sends GET /connect/session each credential DELETE gets, a query and a body', () => {
  const own = cases.filter(
    ({ hostile }) =>
      hostile.kind === 'single' && hostile.operation.method === 'get' && hostile.operation.path === '/connect/session',
  );
  expect(own).toHaveLength(20);
  expect(own.map(({ kind }) => kind)).toEqual(
    expect.arrayContaining([
      'operation:GET /connect/session + auth:deleted-session',
      'operation:GET /connect/session + query',
    ]),
  );
});

it.each(WITHOUT_BODY)(
  'sends %s with the secret key in each form, wrong keys, none, a session token, a query and bodies it does not document',
  (operation) => {
    const own = cases.filter(
      ({ hostile }) =>
        hostile.kind === 'single' &&
        `${hostile.operation.method.toUpperCase()} ${hostile.operation.path}` === operation,
    );
    expect(own).toHaveLength(SECRET_KEY_WITHOUT_BODY);
    expect(own.map(({ kind }) => kind)).toEqual(
      expect.arrayContaining([
        `operation:${operation}`,
        `operation:${operation} + auth:secret-key:bare`,
        `operation:${operation} + auth:wrong-secret-key:add-hex`,
        `operation:${operation} + auth:session:bearer`,
        `operation:${operation} + query`,
      ]),
    );
  },
);

it('sends POST /integrations valid bodies of its schema, one of each rule broken, each credential form, under keys of the run', () => {
  const own = cases.filter(
    ({ hostile }) =>
      hostile.kind === 'single' && hostile.operation.method === 'post' && hostile.operation.path === '/integrations',
  );
  expect(own).toHaveLength(13 + 6 + rulesOf('/integrations'));
  const bodies = own.map(({ hostile }) => (hostile.kind === 'single' ? hostile.body : undefined));
  for (const body of bodies)
    if (body?.kind === 'valid') expect(validators.checkRequestBody('post', '/integrations', body.value)).toEqual([]);
  for (const body of bodies)
    if (body?.kind === 'invalid')
      expect(validators.checkRequestBody('post', '/integrations', body.value)).not.toEqual([]);
  expect(own.flatMap(({ kind }) => kind.split(' + '))).toEqual(
    expect.arrayContaining(['body:missing-required', 'body:wrong-type']),
  );
  // What the run fills in: a key of its own (deleted by name at clean-up), the provider its table names.
  const table = operations.find(({ operation }) => operation.method === 'post' && operation.path === '/integrations');
  expect(table?.bodyFields).toEqual({ unique_key: 'integrationKey' });
  expect(table?.bodyFixed).toEqual({ provider: 'unauthenticated' });
});
