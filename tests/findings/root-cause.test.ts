/**
 * The grouping rule (contracts/hostile/rootCause.ts), symptom by symptom: one cause across operations, checks and
 * statuses where the server did one thing wrong; apart where it did different things. And the overlay's merge:
 * one action per target, naming every finding.
 */
import { mergeActions } from '../../contracts/findings/classify';
import { rootCauseOf, type Symptom } from '../../contracts/hostile/rootCause';

const symptom = (more: Partial<Symptom>): Symptom => ({
  check: undefined,
  method: 'DELETE',
  path: '/connect/session',
  status: 401,
  code: undefined,
  contentType: 'application/json',
  problem: '',
  kinds: [],
  body: '',
  ...more,
});
const key = (more: Partial<Symptom>): string => rootCauseOf(symptom(more)).key;

it('makes a property a closed schema refuses one cause on every operation, status and source', () => {
  const payload = "body: /error must NOT have additional property 'payload'";
  expect(
    new Set([
      key({ problem: `401 ${payload}` }),
      key({
        method: 'POST',
        path: '/connect/sessions',
        status: 400,
        check: 'response_schema_conformance',
        problem: `400 ${payload}`,
      }),
    ]).size,
  ).toBe(1);
  expect(key({ problem: `401 ${payload}` })).not.toBe(
    key({ problem: "401 body: /error must NOT have additional property 'trace'" }),
  );
});

it('makes an undocumented status one cause across operations and error codes, apart by status', () => {
  const on = (method: string, path: string, code: string) =>
    key({
      check: 'status_code_conformance',
      method,
      path,
      status: 415,
      code,
      problem: `415 is not a status the spec documents for ${method} ${path}`,
    });
  expect(on('GET', '/connect/session', 'unsupported_media_type')).toBe(
    on('POST', '/connect/sessions', 'unsupported_media_type'),
  );
  expect(on('GET', '/connect/session', 'unsupported_media_type')).toBe(on('GET', '/connect/session', 'other'));
  expect(on('GET', '/connect/session', 'unsupported_media_type')).not.toBe(
    key({
      check: 'status_code_conformance',
      method: 'GET',
      path: '/connect/session',
      status: 418,
      code: 'unsupported_media_type',
      problem: '418 is not a status the spec documents for GET /connect/session',
    }),
  );
});

it('makes a bare token accepted one cause, whichever check, credential and operation met it', () => {
  const ignored = key({ check: 'ignored_auth', status: 204, kinds: ['auth:session:bare'] });
  const negative = key({
    check: 'negative_data_rejection',
    method: 'POST',
    path: '/connect/sessions/reconnect',
    status: 201,
    kinds: [
      'operation:POST /connect/sessions/reconnect',
      'auth:secret-key:bare',
      'body:valid',
      'content-type:application/json',
    ],
  });
  expect(ignored).toBe(negative);
  expect(ignored).not.toBe(key({ check: 'ignored_auth', status: 204, kinds: ['auth:none'] }));
  expect(
    key({
      check: 'negative_data_rejection',
      status: 201,
      kinds: ['auth:secret-key', 'body:over-max-properties', 'body:over-max-properties:tags'],
    }),
  ).toBe('accepted body:over-max-properties:tags');
});

it('tells refusals apart by the fields the server names, else by its code', () => {
  const refused = (fields: string[][]) =>
    key({
      check: 'positive_data_acceptance',
      method: 'POST',
      path: '/connect/sessions',
      status: 400,
      code: 'invalid_body',
      body: JSON.stringify({ error: { code: 'invalid_body', errors: fields.map((path) => ({ path })) } }),
    });
  expect(refused([['end_user', 'email']])).not.toBe(refused([['end_user']]));
  expect(refused([['end_user', 'email']])).toBe('refused 400 `end_user.email`');
  expect(key({ check: 'positive_data_acceptance', code: 'malformed_auth_header' })).toBe(
    key({ check: 'positive_data_acceptance', method: 'GET', code: 'malformed_auth_header' }),
  );
});

it("makes a 5xx the route's, whichever check met it; a Pact status swap one cause across operations", () => {
  expect(key({ check: 'not_a_server_error', method: 'GET', path: '/connect/sessions', status: 500 })).toBe(
    key({ check: 'unsupported_method', method: 'GET', path: '/connect/sessions', status: 500 }),
  );
  expect(key({ method: 'GET', path: '/connect/sessions', status: 500 })).not.toBe(key({ status: 500 }));
  expect(key({ problem: 'status: expected 404 but was 401' })).toBe(
    key({ method: 'GET', problem: 'status: expected 404 but was 401' }),
  );
});

it("makes a body missing what its schema requires and Pact's body mismatch of it one cause of its operation and status", () => {
  const schema = key({
    method: 'GET',
    status: 200,
    check: 'response_schema_conformance',
    problem: "200 body: /data must have required property 'token'",
  });
  expect(schema).toBe(
    key({
      method: 'GET',
      status: 200,
      problem: '$.data -> Actual map is missing the following keys: expires_at, token',
    }),
  );
  expect(schema).not.toBe(
    key({
      method: 'POST',
      path: '/connect/sessions/reconnect',
      status: 201,
      check: 'response_schema_conformance',
      problem: "201 body: /data must have required property 'expires_at'",
    }),
  );
});

it('merges actions on one target into one, naming every finding, their updates merged', () => {
  const merged = mergeActions([
    { target: '$.a', description: 'C1: allow payload', update: { properties: { payload: { type: 'object' } } } },
    { target: '$.b', description: 'C2: document 415', update: { '415': { description: 'x' } } },
    { target: '$.a', description: 'C3: allow trace', update: { properties: { trace: { type: 'string' } } } },
    { target: '$.a', description: 'C3: allow trace', update: { properties: { trace: { type: 'string' } } } },
  ]);
  expect(merged).toEqual([
    {
      target: '$.a',
      description: 'C1: allow payload; C3: allow trace',
      update: { properties: { payload: { type: 'object' }, trace: { type: 'string' } } },
    },
    { target: '$.b', description: 'C2: document 415', update: { '415': { description: 'x' } } },
  ]);
});
