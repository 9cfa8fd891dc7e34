/**
 * Properties of a body its schema does not name (SPEC_CLOSED_RESPONSES): found only where the schema lists an
 * object's properties and says nothing of others, through `$ref`s, nested objects and array items; left alone
 * where `additionalProperties` or `patternProperties` allow others, or a composition may name them elsewhere. And
 * the validators' verdict on an answer: which answers have a schema to read, in the words of the report.
 */
import type { JsonObject } from '../../contracts/json';
import { ResponseValidators } from '../../contracts/openapi/responseValidators';
import { parseSpecText } from '../../contracts/openapi/specDocument';
import { undocumentedProperties } from '../../contracts/openapi/undocumentedProperties';

const session: JsonObject = {
  type: 'object',
  properties: { token: { type: 'string' }, expires_at: { type: 'string' } },
};
const root: JsonObject = {
  components: {
    schemas: {
      Session: session,
      Alias: { $ref: '#/components/schemas/Session' },
      Envelope: {
        type: 'object',
        properties: {
          data: { $ref: '#/components/schemas/Alias' },
          list: { type: 'array', items: { $ref: '#/components/schemas/Session' } },
        },
      },
    },
  },
};
const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

describe('undocumented properties', () => {
  it('are the properties a schema that lists its own does not name, as JSON pointers into the body', () => {
    expect(undocumentedProperties(root, session, { token: 't', extra: 1, 'a/b~c': 2 })).toEqual(['/extra', '/a~1b~0c']);
    expect(undocumentedProperties(root, session, { token: 't', expires_at: 'x' })).toEqual([]);
  });

  it('are found through $ref chains, nested objects and array items', () => {
    const body = { data: { token: 't', end_user: {} }, list: [{ token: 'a' }, { token: 'b', more: true }], other: 0 };
    expect(undocumentedProperties(root, ref('Envelope'), body)).toEqual(['/data/end_user', '/list/1/more', '/other']);
  });

  it('are none where additionalProperties or patternProperties allow others, and looked for inside an additionalProperties schema', () => {
    expect(undocumentedProperties(root, { ...session, additionalProperties: true }, { extra: 1 })).toEqual([]);
    expect(undocumentedProperties(root, { ...session, patternProperties: { '^x-': {} } }, { extra: 1 })).toEqual([]);
    expect(undocumentedProperties(root, { ...session, additionalProperties: false }, { extra: 1 })).toEqual(['/extra']);
    expect(
      undocumentedProperties(
        root,
        { type: 'object', properties: {}, additionalProperties: ref('Session') },
        { any: { token: 't', odd: 1 } },
      ),
    ).toEqual(['/any/odd']);
  });

  it('are none where a composition may name them elsewhere, or where the schema lists no properties', () => {
    for (const keyword of ['allOf', 'anyOf', 'oneOf'])
      expect(undocumentedProperties(root, { ...session, [keyword]: [session] }, { extra: 1 })).toEqual([]);
    expect(undocumentedProperties(root, { type: 'object' }, { extra: 1 })).toEqual([]);
    expect(undocumentedProperties(root, true, { extra: 1 })).toEqual([]);
    expect(undocumentedProperties(root, { $ref: '#/components/schemas/Missing' }, { extra: 1 })).toEqual([]);
    expect(undocumentedProperties(root, { $ref: 'other.yaml#/Session' }, { extra: 1 })).toEqual([]);
  });

  it('are none in a body that is no object, and in an array without an item schema', () => {
    expect(undocumentedProperties(root, session, 'text')).toEqual([]);
    expect(undocumentedProperties(root, session, null)).toEqual([]);
    expect(undocumentedProperties(root, { type: 'array' }, [{ extra: 1 }])).toEqual([]);
  });

  it('stop at a $ref cycle instead of following it for ever', () => {
    const cyclic: JsonObject = {
      components: { schemas: { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } } },
    };
    expect(undocumentedProperties(cyclic, { $ref: '#/components/schemas/A' }, { extra: 1 })).toEqual([]);
  });
});

describe('the validators on an answer with properties its schema does not name', () => {
  const validators = ResponseValidators.fromDocument(
    parseSpecText(
      JSON.stringify({
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: {
          '/s': {
            get: {
              responses: {
                '200': { content: { 'application/json': { schema: ref('Envelope') }, 'text/plain': {} } },
                '204': { description: 'none' },
              },
            },
          },
        },
        components: root['components'],
      }),
      'tiny.yaml',
    ),
  );
  const answer = (status: number, contentType: string | undefined, bodyText: string) =>
    validators.undocumentedProperties('get', '/s', { status, contentType, bodyText });

  it('name each, with the status, in the words of the report', () => {
    expect(
      answer(200, 'application/json; charset=utf-8', JSON.stringify({ data: { token: 't', end_user: {} } })),
    ).toEqual(['200 body: /data/end_user is a property the spec does not name']);
    expect(answer(200, 'application/json', JSON.stringify({ data: { token: 't' } }))).toEqual([]);
  });

  it('name none for an answer without a schema to read: undocumented status, no content type, not JSON, a media type without a schema, a body that does not parse', () => {
    const extra = JSON.stringify({ extra: 1 });
    expect(answer(500, 'application/json', extra)).toEqual([]);
    expect(answer(204, 'application/json', extra)).toEqual([]);
    expect(answer(200, undefined, extra)).toEqual([]);
    expect(answer(200, 'text/plain', extra)).toEqual([]);
    expect(answer(200, 'application/json', '{not json')).toEqual([]);
  });
});
