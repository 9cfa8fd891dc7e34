/**
 * Request bodies from the spec's schemas: every positive body the mapper makes for POST /connect/sessions and
 * POST /connect/sessions/reconnect validates with Ajv against the operation's own schema, and every negative one
 * fails it; the negatives are labelled by the one rule they break and where; the positives reach the bounds, the
 * deprecated fields and the empty object; a failing property shrinks to a small body; and a schema the mapper
 * cannot judge stops it, naming the keyword and where.
 */
import fc from 'fast-check';
import { bodyArbitraries, requestBodyPointer, SchemaMappingError } from '../../contracts/hostile/bodyArbitraries';
import type { JsonObject, JsonValue } from '../../contracts/json';
import { nangoSpec } from '../../contracts/nangoApi';
import { CREATE_SESSION, nangoValidators, RECONNECT_SESSION } from '../../contracts/cases';
import { ajvForDocument } from '../../contracts/openapi/ajv';

const validators = nangoValidators();
const { root } = nangoSpec();

describe.each([CREATE_SESSION, RECONNECT_SESSION])('bodies for $method $path', (operation) => {
  const arbitraries = bodyArbitraries(root, requestBodyPointer(operation.method, operation.path));
  const problems = (body: JsonValue): string[] => validators.checkRequestBody(operation.method, operation.path, body);

  it('makes positive bodies that the schema allows, every one', () => {
    fc.assert(fc.property(arbitraries.positive, (body) => problems(body).length === 0), { seed: 24, numRuns: 400 });
  });

  it('makes complete bodies, every property present, that the schema allows', () => {
    fc.assert(fc.property(arbitraries.complete, (body) => problems(body).length === 0 && Object.keys(body as JsonObject).length >= 7), { seed: 24, numRuns: 100 });
  });

  it('makes negative bodies that the schema forbids, every one, whatever rule each breaks', () => {
    fc.assert(fc.property(arbitraries.negative, ({ body }) => problems(body).length > 0), { seed: 24, numRuns: 400 });
    for (const { label, arbitrary } of arbitraries.negatives) {
      for (const body of fc.sample(arbitrary, { seed: 7, numRuns: 8 })) expect([label, problems(body).length > 0]).toEqual([label, true]);
    }
  });
});

describe('labels of negative bodies', () => {
  const create = bodyArbitraries(root, requestBodyPointer(CREATE_SESSION.method, CREATE_SESSION.path));
  const reconnect = bodyArbitraries(root, requestBodyPointer(RECONNECT_SESSION.method, RECONNECT_SESSION.path));
  const labels = (arbitraries: typeof create): string[] => arbitraries.negatives.map(({ label }) => label);

  it('names each rule and where it is broken, each label once', () => {
    expect(labels(create)).toEqual(expect.arrayContaining([
      'body:wrong-type:(root)',
      'body:missing-required:end_user.id',
      'body:wrong-type:end_user.email',
      'body:over-max-length:end_user.tags.*',
      'body:missing-required:organization.id',
      'body:over-max-properties:tags',
      'body:over-max-length:tags.*',
      'body:wrong-type:allowed_integrations[]',
      'body:extra-property:integrations_config_defaults.*',
      'body:extra-property:overrides.*',
    ]));
    expect(new Set(labels(create)).size).toBe(labels(create).length);
    expect(labels(reconnect)).toEqual(expect.arrayContaining(['body:missing-required:connection_id', 'body:missing-required:integration_id', 'body:wrong-type:connection_id', 'body:over-max-properties:tags']));
  });

  it('breaks the rule its label names, at the place it names', () => {
    const byLabel = new Map(create.negatives.map(({ label, arbitrary }) => [label, arbitrary]));
    const sampleOf = (label: string): JsonObject => fc.sample(byLabel.get(label) ?? fc.constant(null), { seed: 3, numRuns: 1 })[0] as JsonObject;
    expect(validators.checkRequestBody('post', CREATE_SESSION.path, sampleOf('body:missing-required:end_user.id'))).toContain("request body: /end_user must have required property 'id'");
    expect(validators.checkRequestBody('post', CREATE_SESSION.path, sampleOf('body:over-max-properties:tags'))).toContain('request body: /tags must NOT have more than 10 properties');
    expect(validators.checkRequestBody('post', CREATE_SESSION.path, sampleOf('body:wrong-type:end_user.email'))).toContain('request body: /end_user/email must be string');
  });

  it('draws every label from the one negative arbitrary', () => {
    // 33 labels: this seed has drawn them all by the 287th body.
    const drawn = new Set(fc.sample(create.negative, { seed: 11, numRuns: 600 }).map(({ label }) => label));
    expect([...drawn].sort()).toEqual(labels(create).sort());
  });
});

describe('positive bodies', () => {
  const create = bodyArbitraries(root, requestBodyPointer(CREATE_SESSION.method, CREATE_SESSION.path));
  const drawn = fc.sample(create.positive, { seed: 5, numRuns: 2_000 }) as JsonObject[];
  const tagsOf = (body: JsonObject): JsonObject | undefined => (typeof body['tags'] === 'object' && body['tags'] !== null && !Array.isArray(body['tags']) ? body['tags'] : undefined);

  it('are sometimes the empty object, where nothing is required', () => {
    expect(drawn.some((body) => Object.keys(body).length === 0)).toBe(true);
  });

  it('carry the deprecated end_user and organization sometimes, and leave them out sometimes', () => {
    expect(drawn.some((body) => 'end_user' in body)).toBe(true);
    expect(drawn.some((body) => 'organization' in body)).toBe(true);
    expect(drawn.some((body) => !('end_user' in body))).toBe(true);
  });

  it('reach maxProperties of tags and maxLength of a tag value', () => {
    expect(drawn.some((body) => Object.keys(tagsOf(body) ?? {}).length === 10)).toBe(true);
    expect(drawn.some((body) => Object.values(tagsOf(body) ?? {}).some((value) => typeof value === 'string' && [...value].length === 255))).toBe(true);
  });

  it('are the same for the same seed', () => {
    expect(fc.sample(create.positive, { seed: 5, numRuns: 50 })).toEqual(drawn.slice(0, 50));
  });

  it('shrink: a property that fails on any end_user is shown the smallest body with one', () => {
    const details = fc.check(fc.property(create.positive, (body) => !(typeof body === 'object' && body !== null && 'end_user' in body)), { seed: 9, numRuns: 500 });
    expect(details.counterexample).toEqual([{ end_user: { id: '' } }]);
  });
});

describe('schemas the mapper is given', () => {
  const document = (schema: JsonValue): JsonObject => ({ openapi: '3.1.0', paths: {}, components: { schemas: { Body: schema } } });
  const pointer = '/components/schemas/Body';
  const validate = (doc: JsonObject) => {
    const ajv = ajvForDocument(doc);
    const check = ajv.getSchema(`spec#${pointer}`);
    if (!check) throw new Error('no schema');
    return (body: JsonValue): boolean => check(body) === true;
  };

  it('maps OpenAPI 3.0 nullable and 3.1 type lists, enums and bounded arrays, positives valid and negatives not', () => {
    const doc = document({
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { type: 'string', enum: ['a', 'b'] }, note: { type: ['string', 'null'], minLength: 2 }, list: { type: 'array', maxItems: 2, items: { type: 'integer' } } },
    });
    const valid = validate(doc);
    const mapped = bodyArbitraries(doc, pointer);
    fc.assert(fc.property(mapped.positive, (body) => valid(body)), { seed: 1, numRuns: 300 });
    fc.assert(fc.property(mapped.negative, ({ body }) => !valid(body)), { seed: 1, numRuns: 300 });
    expect(mapped.negatives.map(({ label }) => label)).toEqual(expect.arrayContaining(['body:not-in-enum:kind', 'body:over-max-items:list', 'body:wrong-type:list[]', 'body:extra-property:(root)']));
  });

  it('stops at a keyword it does not know, naming it and where', () => {
    const doc = document({ type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^a' } } });
    expect(() => bodyArbitraries(doc, pointer)).toThrow(new SchemaMappingError('the schema at /components/schemas/Body/properties/id uses pattern, which the body mapper does not know'));
  });

  it('leaves out of every body an optional property whose schema uses a keyword it does not know (POST /integrations\' credentials: oneOf)', () => {
    const doc = document({ type: 'object', required: ['id'], properties: { id: { type: 'string' }, credentials: { oneOf: [{ type: 'object' }, { type: 'string' }] } } });
    const { positive, complete, negatives } = bodyArbitraries(doc, pointer);
    for (const body of [...fc.sample(positive, { seed: 1, numRuns: 50 }), ...fc.sample(complete, { seed: 1, numRuns: 50 })]) expect(body).not.toHaveProperty('credentials');
    expect(negatives.map(({ label }) => label).filter((label) => label.includes('credentials'))).toEqual([]);
  });

  it('stops at a schema that refers to itself', () => {
    const doc = document({ type: 'object', properties: { child: { $ref: '#/components/schemas/Body' } } });
    expect(() => bodyArbitraries(doc, pointer)).toThrow(SchemaMappingError);
  });
});
