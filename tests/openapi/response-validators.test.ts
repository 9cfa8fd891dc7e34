/**
 * The validators compiled from an OpenAPI 3.1 document, on small documents written here: which operations and
 * statuses they know, how a status and a media type find their schema (exact, range, default; exact, `type/*`,
 * `*\/*`), what each kind of non-conforming response is reported as, and the request body's schema.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../contracts/json';
import {
  HTTP_METHODS,
  ResponseValidators,
  type ObservedResponse,
  type OperationRef,
} from '../../contracts/openapi/responseValidators';
import { parseSpecText } from '../../contracts/openapi/specDocument';
import { scratchDir } from '../support/scratch';

const SOURCE = 'tiny.yaml';

const documentText = (paths: JsonObject, components: JsonObject = {}): string =>
  JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components });

/** An OpenAPI 3.1 document of these paths and components, parsed and checked as a spec file is. */
function compiled(paths: JsonObject, components: JsonObject = {}, only?: readonly OperationRef[]): ResponseValidators {
  return ResponseValidators.fromDocument(parseSpecText(documentText(paths, components), SOURCE), only);
}

const json = (schema: JsonObject | boolean): JsonObject => ({ content: { 'application/json': { schema } } });
const thing: JsonObject = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
  additionalProperties: false,
};
const error: JsonObject = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } },
};

/**
 * GET /things: 200 a Thing (JSON) or `ok` (text), 204 no body, 404 and 4XX an error, default any body of any type;
 * POST /things: a JSON request body, 201 a Thing under `application/*`, 422 an error. Compiled before the tests, so
 * a document it cannot compile fails them (not the loading of this file).
 */
let things: ResponseValidators;
beforeAll(() => {
  things = compiled(
    {
      '/things': {
        get: {
          responses: {
            '200': {
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Thing' } },
                'text/plain': { schema: { type: 'string', pattern: '^ok$' } },
              },
            },
            '204': { description: 'nothing' },
            '404': { $ref: '#/components/responses/NotFound' },
            '4XX': { $ref: '#/components/responses/Error' },
            default: { content: { '*/*': {} } },
          },
        },
        post: {
          requestBody: json({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }),
          responses: { '201': { content: { 'application/*': { schema: thing } } }, '422': json(error) },
        },
      },
    },
    {
      schemas: { Thing: thing },
      responses: { NotFound: { $ref: '#/components/responses/Error' }, Error: json(error) },
    },
  );
});

const answer = (status: number, contentType: string | undefined, bodyText: string): ObservedResponse => ({
  status,
  contentType,
  bodyText,
});
const asJson = (status: number, body: unknown, contentType = 'application/json'): ObservedResponse =>
  answer(status, contentType, JSON.stringify(body));
const checkGet = (response: ObservedResponse): string[] => things.checkResponse('get', '/things', response);

describe('the operations a document documents', () => {
  it('knows every method a Path Item can document, in OpenAPI order', () => {
    const operation = { responses: { '204': { description: 'done' } } };
    const every = Object.fromEntries([...HTTP_METHODS].reverse().map((method) => [method, operation]));
    expect(compiled({ '/all': every }).documentedMethods('/all')).toEqual([
      'get',
      'put',
      'post',
      'delete',
      'options',
      'head',
      'patch',
      'trace',
    ]);
  });

  it('knows no method of a path it does not name, or whose Path Item is empty', () => {
    const validators = compiled({ '/empty': null, '/things': { get: { responses: { '204': {} } } } });
    expect(validators.documentedMethods('/empty')).toEqual([]);
    expect(validators.documentedMethods('/other')).toEqual([]);
    expect(validators.documentedMethods('/things')).toEqual(['get']);
  });

  it('compiles only the operations asked for, so a schema elsewhere that does not compile is never reached', () => {
    const validators = compiled(
      {
        '/a': { get: { responses: { '204': {} } }, post: json({ type: 'strng' }) },
        '/b': { get: { responses: { '200': json({ type: 'strng' }) } } },
      },
      {},
      [{ method: 'get', path: '/a' }],
    );
    expect(validators.documentedMethods('/a')).toEqual(['get']);
    expect(validators.documentedMethods('/b')).toEqual([]);
  });

  it('names every operation asked for that the document lacks', () => {
    expect(() =>
      compiled({ '/a': { get: { responses: { '204': {} } } } }, {}, [
        { method: 'get', path: '/a' },
        { method: 'put', path: '/a' },
        { method: 'get', path: '/b' },
      ]),
    ).toThrow(`${SOURCE}: documents no operation PUT /a, GET /b`);
  });

  it('reads a document from its file, and names the file in what it reports', () => {
    const file = join(scratchDir('validators'), 'from-file.yaml');
    writeFileSync(
      file,
      documentText({ '/a': { get: { responses: { '204': {} } }, put: { responses: { '204': {} } } } }),
    );
    const validators = ResponseValidators.fromFile(file, [{ method: 'put', path: '/a' }]);
    expect(validators.documentedMethods('/a')).toEqual(['put']);
    expect(() => validators.documentedStatuses('get', '/a')).toThrow(
      `${file}: documents no operation GET /a (documented: PUT /a)`,
    );
  });

  it('names a schema that does not compile, where it is', () => {
    expect(() => compiled({ '/a': { get: { responses: { '200': json({ type: 'strng' }) } } } })).toThrow(
      new RegExp(
        `^${SOURCE}: schema at /paths/~1a/get/responses/200/content/application~1json/schema does not compile: .*strng`,
      ),
    );
  });

  it('refuses an operation that documents no responses, naming it', () => {
    expect(() => compiled({ '/a': { delete: { summary: 'no responses' } } })).toThrow(
      `${SOURCE}: DELETE /a documents no responses`,
    );
  });

  it('names a schema Ajv cannot reach by its pointer', () => {
    expect(() => compiled({ '/x%41': { get: { responses: { '200': json({ type: 'string' }) } } } })).toThrow(
      `${SOURCE}: schema at /paths/~1x%41/get/responses/200/content/application~1json/schema could not be found by Ajv`,
    );
  });

  it('names an operation it does not document, and those it does, whatever the case of the method', () => {
    expect(things.documentedStatuses('GET', '/things')).toEqual(['200', '204', '404', '4XX', 'default']);
    expect(() => things.documentedStatuses('delete', '/things')).toThrow(
      `${SOURCE}: documents no operation DELETE /things (documented: GET /things, POST /things)`,
    );
    expect(() => compiled({}).documentedStatuses('get', '/things')).toThrow(
      `${SOURCE}: documents no operation GET /things (documented: none)`,
    );
  });
});

describe('the response documented for a status', () => {
  it('is the exact status first, then its range, then default', () => {
    expect([404, 400, 499, 200, 500, 302].map((status) => things.documentedKeyFor('get', '/things', status))).toEqual([
      '404',
      '4XX',
      '4XX',
      '200',
      'default',
      'default',
    ]);
  });

  it('is none for a status neither listed, nor in a listed range, without default', () => {
    expect(things.documentedKeyFor('post', '/things', 500)).toBeUndefined();
    expect(things.documentedKeyFor('post', '/things', 201)).toBe('201');
  });

  it('follows a chain of $refs to components/responses, and refuses a cycle', () => {
    expect(checkGet(asJson(404, { error: {} }))).toEqual(["404 body: /error must have required property 'code'"]);
    expect(() =>
      compiled(
        { '/a': { get: { responses: { '200': { $ref: '#/components/responses/A' } } } } },
        { responses: { A: { $ref: '#/components/responses/B' }, B: { $ref: '#/components/responses/A' } } },
      ),
    ).toThrow(`${SOURCE}: $ref cycle through /components/responses/A`);
  });

  it('follows a $ref written with percent-escapes', () => {
    const validators = compiled({
      '/things/{id}': { get: { responses: { '200': json({ type: 'string' }) } } },
      '/other': { get: { responses: { '200': { $ref: '#/paths/~1things~1%7Bid%7D/get/responses/200' } } } },
    });
    expect(validators.checkResponse('get', '/other', asJson(200, 1))).toEqual(['200 body: (root) must be string']);
  });
});

describe('checking a response', () => {
  it('passes a body that validates against the schema of its status and media type', () => {
    expect(checkGet(asJson(200, { id: 'a' }))).toEqual([]);
    expect(checkGet(asJson(200, { id: 'a' }, 'Application/JSON; charset=utf-8'))).toEqual([]);
    expect(checkGet(answer(204, undefined, ''))).toEqual([]);
  });

  it("names each problem of a body with the status and where it is, (root) for the body's own", () => {
    expect(checkGet(asJson(200, { id: 1, extra: true }))).toEqual([
      "200 body: (root) must NOT have additional property 'extra'",
      '200 body: /id must be string',
    ]);
    expect(checkGet(asJson(200, []))).toEqual(['200 body: (root) must be object']);
  });

  it('allows an extra property where the schema leaves additionalProperties open', () => {
    expect(checkGet(asJson(418, { error: { code: 'teapot', detail: 'short and stout' }, trace: 'x' }))).toEqual([]);
  });

  it('validates a body of a media type that is not JSON as its text', () => {
    expect(checkGet(answer(200, 'text/plain', 'ok'))).toEqual([]);
    expect(checkGet(answer(200, 'text/plain', '{"id":"a"}'))).toEqual(['200 body: (root) must match pattern "^ok$"']);
  });

  it('parses a +json media type as JSON, matched by its type/* key', () => {
    expect(things.checkResponse('post', '/things', asJson(201, { id: 'a' }, 'application/problem+json'))).toEqual([]);
    expect(things.checkResponse('post', '/things', asJson(201, { id: 2 }, 'application/problem+json'))).toEqual([
      '201 body: /id must be string',
    ]);
  });

  it('accepts any body of a media type documented without a schema', () => {
    expect(checkGet(answer(500, 'text/html', '<h1>down</h1>'))).toEqual([]);
    const bare = compiled({ '/a': { get: { responses: { '200': { content: { 'application/json': null } } } } } });
    expect(bare.checkResponse('get', '/a', answer(200, 'application/json', '[1, "any"]'))).toEqual([]);
  });

  it('reports a status the spec does not document, with those it does', () => {
    expect(things.checkResponse('post', '/things', asJson(200, {}))).toEqual([
      '200 is not a status the spec documents for POST /things (documented: 201, 422)',
    ]);
  });

  it('reports a body where the spec documents none, in bytes, with its content type or the lack of one', () => {
    expect(checkGet(answer(204, 'text/plain', 'é'))).toEqual([
      '204 body: the spec documents no body, but got 2 bytes (text/plain)',
    ]);
    expect(checkGet(answer(204, undefined, 'x'))).toEqual([
      '204 body: the spec documents no body, but got 1 bytes (no content type)',
    ]);
    const nothing = compiled({ '/a': { get: { responses: { '200': null } } } });
    expect(nothing.checkResponse('get', '/a', answer(200, 'application/json', '{}'))).toEqual([
      '200 body: the spec documents no body, but got 2 bytes (application/json)',
    ]);
  });

  it('reports a missing content type and an undocumented one, with the documented ones', () => {
    expect(checkGet(answer(200, undefined, '{"id":"a"}'))).toEqual([
      '200 content type: missing (documented: application/json, text/plain)',
    ]);
    expect(checkGet(answer(200, 'text/html', '<p>'))).toEqual([
      '200 content type: text/html is not documented (documented: application/json, text/plain)',
    ]);
  });

  it('reports a JSON body that does not parse', () => {
    expect(checkGet(answer(200, 'application/json', '{"id":'))).toEqual([
      expect.stringMatching(/^200 body: not valid JSON \(.+\)$/),
    ]);
  });

  it('sorts the problems by what they are about', () => {
    const none = { status: [], contentType: [], schema: [] };
    expect(things.conformance('get', '/things', asJson(200, { id: 'a' }))).toEqual(none);
    expect(things.conformance('post', '/things', asJson(200, {}))).toEqual({
      ...none,
      status: ['200 is not a status the spec documents for POST /things (documented: 201, 422)'],
    });
    expect(things.conformance('get', '/things', answer(204, 'text/plain', 'x'))).toEqual({
      ...none,
      contentType: ['204 body: the spec documents no body, but got 1 bytes (text/plain)'],
    });
    expect(things.conformance('get', '/things', answer(200, undefined, ''))).toEqual({
      ...none,
      contentType: ['200 content type: missing (documented: application/json, text/plain)'],
    });
    expect(things.conformance('get', '/things', answer(200, 'image/png', ''))).toEqual({
      ...none,
      contentType: ['200 content type: image/png is not documented (documented: application/json, text/plain)'],
    });
    expect(things.conformance('get', '/things', answer(200, 'text/plain', 'no'))).toEqual({
      ...none,
      schema: ['200 body: (root) must match pattern "^ok$"'],
    });
    expect(things.conformance('get', '/things', answer(200, 'application/json', '{'))).toEqual({
      ...none,
      schema: [expect.stringMatching(/^200 body: not valid JSON/)],
    });
  });
});

describe('looking up the validator of a status and media type', () => {
  it('validates a parsed body, each problem prefixed by the status', () => {
    const validate = things.validatorFor('get', '/things', 200, 'application/json');
    expect(validate({ id: 'a' })).toEqual([]);
    expect(validate({})).toEqual(["200 body: (root) must have required property 'id'"]);
    expect(things.validatorFor('get', '/things', 409, 'application/json')({ error: { code: 7 } })).toEqual([
      '409 body: /error/code must be string',
    ]);
  });

  it('fails for a status the operation does not document, naming the file and the documented ones', () => {
    expect(() => things.validatorFor('post', '/things', 404, 'application/json')).toThrow(
      `${SOURCE}: POST /things does not document status 404 (documented: 201, 422)`,
    );
  });

  it('fails for a media type the status does not document, and for a status without a body', () => {
    expect(() => things.validatorFor('get', '/things', 200, 'text/html')).toThrow(
      `${SOURCE}: GET /things 200 documents only application/json, text/plain, not text/html`,
    );
    expect(() => things.validatorFor('get', '/things', 204, 'application/json')).toThrow(
      `${SOURCE}: GET /things 204 documents no body, not application/json`,
    );
  });
});

describe('checking a request body', () => {
  it('knows which operations document a JSON request body', () => {
    expect(things.documentsRequestBody('post', '/things')).toBe(true);
    expect(things.documentsRequestBody('get', '/things')).toBe(false);
  });

  it('validates it against the JSON request body schema the operation documents', () => {
    expect(things.checkRequestBody('post', '/things', { name: 'a' })).toEqual([]);
    expect(things.checkRequestBody('post', '/things', { name: 1 })).toEqual(['request body: /name must be string']);
    expect(things.checkRequestBody('post', '/things', undefined)).toEqual(['request body: (root) must be object']);
  });

  it('passes only a missing body where the operation documents none', () => {
    expect(things.checkRequestBody('get', '/things', undefined)).toEqual([]);
    expect(things.checkRequestBody('get', '/things', {})).toEqual(['request body: the spec documents none']);
  });
});
