import fc from 'fast-check';
import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { refPointer, resolvePointer } from '../openapi/jsonPointer';
import { ContractsError } from '../errors';

/**
 * Request bodies from an operation's JSON Schema, as fast-check arbitraries: seeded, shrinkable. Written here, not
 * taken from a package: the one JSON-Schema-to-fast-check package on npm (json-schema-fast-check 0.0.6) makes valid
 * values only, predates fast-check 4 and labels nothing, and the hostile run needs each invalid body to say which
 * one rule it breaks. The mapper knows the keywords Nango's request schemas use (and a few near them); any other
 * keyword stops it, naming the keyword and where, so a new spec cannot make it generate bodies it misjudges.
 *
 * Positive bodies validate against the schema: required properties always, optional ones sometimes, deprecated
 * ones as often as the others, strings and objects at their `maxLength` / `maxProperties` bound, `{}` where
 * nothing is required. Negative bodies break one rule each, labelled by the rule and where it is broken:
 * `body:missing-required:end_user.id`, `body:wrong-type:end_user.email`, `body:extra-property:overrides.*`,
 * `body:over-max-length:tags.*`, `body:over-max-properties:tags` (`*`: a property under `additionalProperties`,
 * `[]`: an array item, `(root)`: the body itself); everything else in them is valid.
 */

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';
const JSON_TYPES: readonly JsonType[] = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];

/** A schema with its `$ref`s and `allOf`s resolved into one node. */
interface Shape {
  /** Undefined: any JSON value. */
  readonly types: readonly JsonType[] | undefined;
  readonly properties: ReadonlyArray<readonly [string, Shape]>;
  readonly required: readonly string[];
  /** `false`: no other property; a shape: what other properties hold; undefined: anything. */
  readonly additional: Shape | false | undefined;
  readonly items: Shape | undefined;
  readonly enumValues: readonly JsonValue[] | undefined;
  readonly minLength: number;
  readonly maxLength: number | undefined;
  readonly maxProperties: number | undefined;
  readonly minItems: number;
  readonly maxItems: number | undefined;
}

/** Words that say nothing a body must be. */
const ANNOTATIONS = new Set([
  'description',
  'deprecated',
  'title',
  'example',
  'examples',
  'default',
  'readOnly',
  'writeOnly',
  'externalDocs',
]);
const KNOWN = new Set([
  '$ref',
  'allOf',
  'type',
  'nullable',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'minLength',
  'maxLength',
  'maxProperties',
  'minItems',
  'maxItems',
]);

export class SchemaMappingError extends ContractsError {
  override name = 'SchemaMappingError';
}

/** One body that breaks one rule, and the rule with where (`body:missing-required:end_user.id`). */
export interface NegativeBody {
  readonly label: string;
  readonly body: JsonValue;
}

export interface BodyArbitraries {
  /** Bodies the schema allows. */
  readonly positive: fc.Arbitrary<JsonValue>;
  /** Bodies the schema allows with every property it declares at the top, deprecated ones too: what a coverage pass sends. */
  readonly complete: fc.Arbitrary<JsonValue>;
  /** Bodies that break one rule each, labelled. */
  readonly negative: fc.Arbitrary<NegativeBody>;
  /** Every label `negative` draws, each with its own arbitrary: what a coverage pass sends one of each of. */
  readonly negatives: ReadonlyArray<{ readonly label: string; readonly arbitrary: fc.Arbitrary<JsonValue> }>;
  /** `{}` where the schema allows an object with no property at all (it requires none): the least a client may send. */
  readonly empty: JsonObject | undefined;
}

/** The arbitraries of the schema at `pointer` (`/paths/~1connect~1sessions/post/requestBody/content/application~1json/schema`) in `root`. */
export function bodyArbitraries(root: JsonObject, pointer: string): BodyArbitraries {
  const shape = shapeAt(root, pointer);
  const negatives = negativesOf(shape, []);
  if (negatives.length === 0)
    throw new SchemaMappingError(`the schema at ${pointer} forbids nothing: no negative body can be made`);
  return {
    positive: positiveOf(shape),
    complete: shape.types?.includes('object')
      ? positiveObject({ ...shape, required: shape.properties.map(([name]) => name) })
      : positiveOf(shape),
    negative: fc.oneof(
      ...negatives.map(({ label, arbitrary }) => arbitrary.map((body): NegativeBody => ({ label, body }))),
    ),
    negatives,
    empty: shape.types?.includes('object') && shape.required.length === 0 ? {} : undefined,
  };
}

/** Where an operation's JSON request body schema is. */
export function requestBodyPointer(method: string, path: string): string {
  return `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
}

function shapeAt(root: JsonObject, pointer: string, chain: readonly string[] = []): Shape {
  if (chain.includes(pointer))
    throw new SchemaMappingError(`the schema at ${pointer} refers to itself: recursive schemas are not mapped`);
  const node = resolvePointer(root, pointer);
  if (node === true || (isJsonObject(node) && Object.keys(node).length === 0)) return anything();
  if (!isJsonObject(node)) throw new SchemaMappingError(`no schema at ${pointer}`);
  return shapeOf(root, node, pointer, [...chain, pointer]);
}

const anything = (): Shape => ({
  types: undefined,
  properties: [],
  required: [],
  additional: undefined,
  items: undefined,
  enumValues: undefined,
  minLength: 0,
  maxLength: undefined,
  maxProperties: undefined,
  minItems: 0,
  maxItems: undefined,
});

function shapeOf(root: JsonObject, node: JsonObject, at: string, chain: readonly string[]): Shape {
  const unknown = Object.keys(node).filter((key) => !KNOWN.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-'));
  if (unknown.length > 0)
    throw new SchemaMappingError(`the schema at ${at} uses ${unknown.join(', ')}, which the body mapper does not know`);
  const parts: Shape[] = [];
  const ref = node['$ref'];
  if (typeof ref === 'string') parts.push(shapeAt(root, refPointer(ref), chain));
  const allOf = node['allOf'];
  if (Array.isArray(allOf)) allOf.forEach((_part, index) => parts.push(shapeAt(root, `${at}/allOf/${index}`, chain)));
  const own = ownShape(root, node, at, chain);
  return parts.reduce((merged, part) => merge(merged, part, at), own);
}

function ownShape(root: JsonObject, node: JsonObject, at: string, chain: readonly string[]): Shape {
  const number = (key: string): number | undefined => (typeof node[key] === 'number' ? node[key] : undefined);
  const type = node['type'];
  const declared =
    type === undefined
      ? undefined
      : (Array.isArray(type) ? type : [type]).map((name) => {
          if (typeof name !== 'string' || !JSON_TYPES.includes(name as JsonType))
            throw new SchemaMappingError(`the schema at ${at} has type ${JSON.stringify(name)}`);
          return name as JsonType;
        });
  // OpenAPI 3.0's `nullable: true` is 3.1's `null` among the types.
  const types =
    declared && node['nullable'] === true && !declared.includes('null') ? [...declared, 'null' as const] : declared;
  const required = Array.isArray(node['required'])
    ? node['required'].filter((name): name is string => typeof name === 'string')
    : [];
  const properties = isJsonObject(node['properties'])
    ? Object.keys(node['properties']).flatMap((name) =>
        optionalShape(root, `${at}/properties/${escape(name)}`, chain, required.includes(name)).map(
          (shape) => [name, shape] as const,
        ),
      )
    : [];
  const extra = node['additionalProperties'];
  const additional =
    extra === false
      ? false
      : extra === undefined || extra === true
        ? undefined
        : shapeAt(root, `${at}/additionalProperties`, chain);
  return {
    types,
    properties,
    required,
    additional,
    items: node['items'] === undefined ? undefined : shapeAt(root, `${at}/items`, chain),
    enumValues: Array.isArray(node['enum']) ? node['enum'] : undefined,
    minLength: number('minLength') ?? 0,
    maxLength: number('maxLength'),
    maxProperties: number('maxProperties'),
    minItems: number('minItems') ?? 0,
    maxItems: number('maxItems'),
  };
}

/**
 * A property's shape; none for an optional one whose schema uses a keyword the mapper does not know (`oneOf`,
 * `anyOf`, `pattern`: POST /integrations' `credentials`): left out of every body, which stays one the schema allows.
 * A required one stops the mapper as any unknown keyword does.
 */
function optionalShape(root: JsonObject, pointer: string, chain: readonly string[], required: boolean): Shape[] {
  try {
    return [shapeAt(root, pointer, chain)];
  } catch (error) {
    if (
      required ||
      !(error instanceof SchemaMappingError) ||
      !/which the body mapper does not know/.test(error.message)
    )
      throw error;
    return [];
  }
}

const escape = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** Two schemas a value must both satisfy (`allOf`, `$ref` beside other words), as long as they do not overlap. */
function merge(a: Shape, b: Shape, at: string): Shape {
  const pick = <T>(x: T | undefined, y: T | undefined, what: string): T | undefined => {
    if (x !== undefined && y !== undefined && JSON.stringify(x) !== JSON.stringify(y))
      throw new SchemaMappingError(`the schema at ${at} sets ${what} twice (allOf): not mapped`);
    return x ?? y;
  };
  const names = new Set(a.properties.map(([name]) => name));
  if (b.properties.some(([name]) => names.has(name)))
    throw new SchemaMappingError(`the schema at ${at} defines a property twice (allOf): not mapped`);
  return {
    types: a.types && b.types ? a.types.filter((type) => b.types?.includes(type)) : (a.types ?? b.types),
    properties: [...a.properties, ...b.properties],
    required: [...new Set([...a.required, ...b.required])],
    additional:
      a.additional === false || b.additional === false
        ? false
        : (pick(a.additional, b.additional, 'additionalProperties') ?? undefined),
    items: pick(a.items, b.items, 'items'),
    enumValues: pick(a.enumValues, b.enumValues, 'enum'),
    minLength: Math.max(a.minLength, b.minLength),
    maxLength: pick(a.maxLength, b.maxLength, 'maxLength'),
    maxProperties: pick(a.maxProperties, b.maxProperties, 'maxProperties'),
    minItems: Math.max(a.minItems, b.minItems),
    maxItems: pick(a.maxItems, b.maxItems, 'maxItems'),
  };
}

/** How long unbounded strings and arrays get, and how many properties an unbounded object gets beside its own. */
const LOOSE_STRING = 24;
const LOOSE_ITEMS = 3;
const LOOSE_EXTRAS = 3;

/** Any JSON value, small. */
const anyJson: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<JsonValue>;

/**
 * One code point, any but a lone surrogate: built from integers, not fast-check's `binary` unit, which takes some
 * 14 ms to build each time and a second to map back the million code points when it shrinks.
 */
const anyCodePoint = fc
  .oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }))
  .map((point) => String.fromCodePoint(point));

/** Text of `min`..`max` code points (what JSON Schema's lengths count): printable ASCII or any code point. */
function text(min: number, max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ unit: anyCodePoint, minLength: min, maxLength: max }),
  );
}

function positiveOf(shape: Shape): fc.Arbitrary<JsonValue> {
  if (shape.enumValues) return fc.constantFrom(...shape.enumValues);
  const types = shape.types ?? JSON_TYPES;
  if (
    shape.types === undefined &&
    shape.properties.length === 0 &&
    shape.items === undefined &&
    shape.maxLength === undefined
  )
    return anyJson;
  return fc.oneof(...types.map((type) => positiveOfType(shape, type)));
}

function positiveOfType(shape: Shape, type: JsonType): fc.Arbitrary<JsonValue> {
  switch (type) {
    case 'string': {
      const max = shape.maxLength ?? Math.max(LOOSE_STRING, shape.minLength);
      // The bound itself, as often as anything under it.
      return shape.maxLength === undefined
        ? text(shape.minLength, max)
        : fc.oneof(text(shape.minLength, max), text(max, max));
    }
    case 'integer':
      return fc.integer({ min: -1_000, max: 1_000 });
    case 'number':
      return fc
        .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
        .map((value) => (Object.is(value, -0) ? 0 : value));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = shape.items ? positiveOf(shape.items) : anyJson;
      const max = shape.maxItems ?? Math.max(LOOSE_ITEMS, shape.minItems);
      return shape.maxItems === undefined
        ? fc.array(item, { minLength: shape.minItems, maxLength: max })
        : fc.oneof(
            fc.array(item, { minLength: shape.minItems, maxLength: max }),
            fc.array(item, { minLength: max, maxLength: max }),
          );
    }
    case 'object':
      return positiveObject(shape);
  }
}

/** Names no declared property has, and no prototype trap. */
function extraKey(shape: Shape): fc.Arbitrary<string> {
  const declared = new Set(shape.properties.map(([name]) => name));
  return fc.string({ minLength: 1, maxLength: 10 }).filter((key) => !declared.has(key) && key !== '__proto__');
}

/** Its declared properties (required always, optional sometimes), and others where the schema allows them, within maxProperties. */
function positiveObject(shape: Shape): fc.Arbitrary<JsonValue> {
  const declared = fc.record(Object.fromEntries(shape.properties.map(([name, child]) => [name, positiveOf(child)])), {
    requiredKeys: shape.required.filter((name) => shape.properties.some(([own]) => own === name)),
  });
  const max = shape.maxProperties;
  const extras = extrasOf(shape, max === undefined ? LOOSE_EXTRAS : max);
  const object = fc.tuple(declared, extras).map(([own, more]): JsonValue => fit({ ...more, ...own }, shape));
  // Where nothing is required, the empty object is a body of its own (fc.record leaves every key out only rarely).
  return shape.required.length > 0
    ? object
    : fc.oneof({ weight: 1, arbitrary: fc.constant<JsonValue>({}) }, { weight: 7, arbitrary: object });
}

/** Other properties: none where additionalProperties is false; up to `max` (and sometimes exactly `max`, the bound) otherwise. */
function extrasOf(shape: Shape, max: number): fc.Arbitrary<JsonObject> {
  if (shape.additional === false || max === 0) return fc.constant({});
  const value = shape.additional ? positiveOf(shape.additional) : anyJson;
  const some = fc.dictionary(extraKey(shape), value, { maxKeys: max, noNullPrototype: true });
  // Where the schema says what other properties hold, they are what the object is for: drawn more often.
  const none = { weight: shape.additional === undefined ? 3 : 1, arbitrary: fc.constant<JsonObject>({}) };
  if (shape.maxProperties === undefined) return fc.oneof(none, { weight: 1, arbitrary: some });
  return fc.oneof(
    none,
    { weight: 2, arbitrary: some },
    {
      weight: 1,
      arbitrary: fc.dictionary(extraKey(shape), value, { minKeys: max, maxKeys: max, noNullPrototype: true }),
    },
  );
}

/** The object cut down to maxProperties: other properties go first, then optional ones. */
function fit(object: JsonObject, shape: Shape): JsonObject {
  const max = shape.maxProperties;
  if (max === undefined || Object.keys(object).length <= max) return object;
  const declared = new Set(shape.properties.map(([name]) => name));
  const order = [
    ...Object.keys(object).filter((key) => !declared.has(key)),
    ...Object.keys(object).filter((key) => declared.has(key) && !shape.required.includes(key)),
  ];
  const result = { ...object };
  for (const key of order) {
    if (Object.keys(result).length <= max) break;
    delete result[key];
  }
  return result;
}

/** A value of each JSON type, and the types it counts as. */
const TYPE_SAMPLES: ReadonlyArray<readonly [JsonType, JsonValue]> = [
  ['string', 'x'],
  ['integer', 7],
  ['number', 1.5],
  ['boolean', true],
  ['null', null],
  ['array', []],
  ['object', {}],
];

type Negatives = Array<{ label: string; arbitrary: fc.Arbitrary<JsonValue> }>;

const where = (path: readonly string[]): string =>
  path.length === 0 ? '(root)' : path.join('.').replace(/\.\[\]/g, '[]');

/** Every way to break one rule of `shape` or of what it holds, each as a whole value at this place. */
function negativesOf(shape: Shape, path: readonly string[]): Negatives {
  const found: Negatives = [];
  const label = (rule: string): string => `body:${rule}:${where(path)}`;
  if (shape.types) {
    const wrong = TYPE_SAMPLES.filter(
      ([type]) => !shape.types?.includes(type) && !(type === 'integer' && shape.types?.includes('number')),
    ).map(([, value]) => value);
    if (wrong.length > 0) found.push({ label: label('wrong-type'), arbitrary: fc.constantFrom(...wrong) });
  }
  if (shape.enumValues) {
    const values = shape.enumValues.map((value) => JSON.stringify(value));
    found.push({
      label: label('not-in-enum'),
      arbitrary: fc.string({ maxLength: 8 }).filter((value) => !values.includes(JSON.stringify(value))),
    });
  }
  const only = (type: JsonType): boolean =>
    shape.types !== undefined && shape.types.length === 1 && shape.types[0] === type;
  if (only('string') && !shape.enumValues) {
    if (shape.maxLength !== undefined)
      found.push({
        label: label('over-max-length'),
        arbitrary: fc
          .integer({ min: shape.maxLength + 1, max: shape.maxLength + 8 })
          .chain((length) => text(length, length)),
      });
    if (shape.minLength > 0) found.push({ label: label('under-min-length'), arbitrary: text(0, shape.minLength - 1) });
  }
  if (only('array')) {
    const item = shape.items ? positiveOf(shape.items) : anyJson;
    if (shape.maxItems !== undefined)
      found.push({
        label: label('over-max-items'),
        arbitrary: fc.array(item, { minLength: shape.maxItems + 1, maxLength: shape.maxItems + 3 }),
      });
    if (shape.items) {
      for (const child of negativesOf(shape.items, [...path, '[]'])) {
        const room = shape.maxItems === undefined ? LOOSE_ITEMS : Math.max(0, shape.maxItems - 1);
        found.push({
          label: child.label,
          arbitrary: fc
            .tuple(fc.array(item, { maxLength: room }), child.arbitrary, fc.nat())
            .map(([items, bad, at]) => {
              const copy = [...items];
              copy.splice(at % (copy.length + 1), 0, bad);
              return copy;
            }),
        });
      }
    }
  }
  if (only('object')) found.push(...objectNegatives(shape, path, label));
  return found;
}

function objectNegatives(shape: Shape, path: readonly string[], label: (rule: string) => string): Negatives {
  const found: Negatives = [];
  const valid = positiveObject(shape);
  const asObject = (value: JsonValue): JsonObject => value as JsonObject;
  for (const name of shape.required) {
    found.push({
      label: `body:missing-required:${where([...path, name])}`,
      arbitrary: valid.map((value) => {
        const copy = { ...asObject(value) };
        delete copy[name];
        return copy;
      }),
    });
  }
  if (shape.additional === false) {
    found.push({
      label: label('extra-property'),
      arbitrary: fc
        .tuple(valid, extraKey(shape), anyJson)
        .map(([value, key, extra]) => ({ ...asObject(value), [key]: extra })),
    });
  }
  const max = shape.maxProperties;
  if (max !== undefined && shape.additional !== false) {
    const value = shape.additional ? positiveOf(shape.additional) : anyJson;
    const over = fc.dictionary(extraKey(shape), value, { minKeys: max + 1, maxKeys: max + 2, noNullPrototype: true });
    found.push({
      label: label('over-max-properties'),
      arbitrary: fc.tuple(valid, over).map(([own, more]) => ({ ...more, ...asObject(own) })),
    });
  }
  // One property broken, the rest of the object valid (and one place left for it under maxProperties).
  const withOne = (key: fc.Arbitrary<string>, bad: fc.Arbitrary<JsonValue>): fc.Arbitrary<JsonValue> =>
    fc.tuple(valid, key, bad).map(([value, name, broken]) => {
      const rest =
        max === undefined
          ? asObject(value)
          : fit(asObject(value), {
              ...shape,
              maxProperties: Math.max(0, max - 1),
              required: shape.required.filter((own) => own !== name),
            });
      return { ...rest, [name]: broken };
    });
  for (const [name, child] of shape.properties) {
    for (const broken of negativesOf(child, [...path, name]))
      found.push({ label: broken.label, arbitrary: withOne(fc.constant(name), broken.arbitrary) });
  }
  if (shape.additional) {
    for (const broken of negativesOf(shape.additional, [...path, '*']))
      found.push({ label: broken.label, arbitrary: withOne(extraKey(shape), broken.arbitrary) });
  }
  return found;
}
