import type { ErrorObject, ValidateFunction } from 'ajv';
import { isJsonObject, type JsonObject } from '../json';
import { ajvForDocument } from './ajv';
import { escapeToken, resolvePointer } from './jsonPointer';
import { isJsonMediaType, matchMediaType } from './mediaType';
import { loadSpecFile, SpecError, type SpecDocument } from './specDocument';
import { undocumentedProperties } from './undocumentedProperties';

/** The methods an OpenAPI 3.1 Path Item can document. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Validates a parsed body; returns readable problems such as `401 body: /error must have required property 'code'`. */
export type BodyValidator = (body: unknown) => string[];

/** A compiled schema; its problems name the JSON pointer but not yet the status (a `4XX` schema serves many). */
type SchemaCheck = (body: unknown) => string[];

/** A response as it crossed the wire: the raw body text ('' when there was none). */
export interface ObservedResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly bodyText: string;
}

/** What the spec says of a response, by subject: its status, its content type (or body presence), its body. */
export interface ResponseConformance {
  readonly status: readonly string[];
  readonly contentType: readonly string[];
  readonly schema: readonly string[];
}

interface DocumentedResponse {
  /** The key under `responses`: `204`, `4XX` or `default`. */
  readonly key: string;
  /** Media type key → compiled schema; empty when the spec documents no body. */
  readonly content: ReadonlyMap<string, SchemaCheck>;
  /** Media type key → where its schema is in the document (media types with one). */
  readonly schemas: ReadonlyMap<string, string>;
}

/** An operation by its method and path, as the spec keys it. */
export interface OperationRef {
  readonly method: HttpMethod;
  readonly path: string;
}

interface Operation {
  readonly method: HttpMethod;
  /** The path template, as the spec keys it. */
  readonly path: string;
  readonly label: string;
  readonly responses: ReadonlyMap<string, DocumentedResponse>;
  /** The JSON request body's schema, compiled; undefined when the operation documents none. */
  readonly requestBody: SchemaCheck | undefined;
  /** Its query parameters, by name: whether required, and its schema compiled. */
  readonly query: ReadonlyMap<string, { readonly required: boolean; readonly check: SchemaCheck }>;
}

/**
 * The response schemas of the spec's operations, compiled once by Ajv straight from the YAML document:
 * one validator per (method, path, status, media type). Only the operations asked for are compiled, with what
 * their `$ref`s reach: a whole vendor document may hold schemas elsewhere that a strict validator refuses.
 */
export class ResponseValidators {
  private constructor(
    readonly source: string,
    private readonly operations: ReadonlyMap<string, Operation>,
    private readonly root: JsonObject,
  ) {}

  static fromFile(file: string, only?: readonly OperationRef[]): ResponseValidators {
    return ResponseValidators.fromDocument(loadSpecFile(file), only);
  }

  /** `only`: the operations to compile (every one the document has when not given); one the spec lacks fails here. */
  static fromDocument(spec: SpecDocument, only?: readonly OperationRef[]): ResponseValidators {
    const ajv = ajvForDocument(spec.root);
    const compile = (pointer: string): SchemaCheck => {
      let validate: ValidateFunction | undefined;
      try {
        validate = ajv.getSchema(`spec#${pointer}`);
      } catch (error) {
        throw new SpecError(spec.source, `schema at ${pointer} does not compile: ${(error as Error).message}`);
      }
      if (!validate) throw new SpecError(spec.source, `schema at ${pointer} could not be found by Ajv`);
      const check = validate;
      return (body) => {
        if (check(body)) return [];
        // Stryker disable next-line ArrayDeclaration: Ajv sets errors whenever a schema fails, so the fallback is never read.
        return (check.errors ?? []).map(describe);
      };
    };

    const operations = new Map<string, Operation>();
    const paths = spec.root['paths'] as JsonObject;
    for (const [path, pathItem] of Object.entries(paths)) {
      if (!isJsonObject(pathItem)) continue;
      for (const method of HTTP_METHODS) {
        const operation = pathItem[method];
        if (!isJsonObject(operation)) continue;
        if (only && !only.some((wanted) => wanted.method === method && wanted.path === path)) continue;
        const label = `${method.toUpperCase()} ${path}`;
        const operationPointer = `/paths/${escapeToken(path)}/${method}`;
        const responses = new Map<string, DocumentedResponse>();
        const documented = operation['responses'];
        if (!isJsonObject(documented)) throw new SpecError(spec.source, `${label} documents no responses`);
        for (const key of Object.keys(documented)) {
          const pointer = followResponseRefs(spec, `${operationPointer}/responses/${escapeToken(key)}`);
          const response = resolvePointer(spec.root, pointer);
          const content = isJsonObject(response) ? response['content'] : undefined;
          const validators = new Map<string, SchemaCheck>();
          const schemas = new Map<string, string>();
          if (isJsonObject(content)) {
            for (const [mediaType, media] of Object.entries(content)) {
              const schemaPointer = `${pointer}/content/${escapeToken(mediaType)}/schema`;
              // A media type without a schema accepts any body of that type.
              const accept: SchemaCheck = () => [];
              validators.set(mediaType, isJsonObject(media) && 'schema' in media ? compile(schemaPointer) : accept);
              // Where it would be: a media type without a schema resolves to none, and names nothing undocumented.
              schemas.set(mediaType, schemaPointer);
            }
          }
          responses.set(key, { key, content: validators, schemas });
        }
        const requestSchema = `${operationPointer}/requestBody/content/application~1json/schema`;
        const requestBody = resolvePointer(spec.root, requestSchema) === undefined ? undefined : compile(requestSchema);
        const query = new Map<string, { readonly required: boolean; readonly check: SchemaCheck }>();
        const declared = [pathItem['parameters'], operation['parameters']].flatMap((list, at) =>
          Array.isArray(list) ? list.map((_item, index) => (at === 0 ? `/paths/${escapeToken(path)}/parameters/${index}` : `${operationPointer}/parameters/${index}`)) : [],
        );
        for (const declaredAt of declared) {
          const parameterAt = followResponseRefs(spec, declaredAt);
          const parameter = resolvePointer(spec.root, parameterAt);
          if (!isJsonObject(parameter) || parameter['in'] !== 'query' || typeof parameter['name'] !== 'string') continue;
          const accept: SchemaCheck = () => [];
          query.set(parameter['name'], { required: parameter['required'] === true, check: 'schema' in parameter ? compile(`${parameterAt}/schema`) : accept });
        }
        operations.set(operationKey(method, path), { method, path, label, responses, requestBody, query });
      }
    }
    const missing = (only ?? []).filter((wanted) => !operations.has(operationKey(wanted.method, wanted.path)));
    if (missing.length > 0) {
      throw new SpecError(spec.source, `documents no operation ${missing.map((op) => `${op.method.toUpperCase()} ${op.path}`).join(', ')}`);
    }
    return new ResponseValidators(spec.source, operations, spec.root);
  }

  /** The methods the spec documents for a path or a concrete path of a template (lower case, in OpenAPI's order); none for a path it does not name. */
  documentedMethods(path: string): HttpMethod[] {
    return HTTP_METHODS.filter((method) => this.templateOf(method, path) !== undefined);
  }

  /** The keys under `responses` (`204`, `4XX`, `default`) for one operation. */
  documentedStatuses(method: string, path: string): string[] {
    return [...this.operation(method, path).responses.keys()];
  }

  /** The `responses` key that documents a status (exact, then `4XX`-style range, then `default`), if any. */
  documentedKeyFor(method: string, path: string, status: number): string | undefined {
    return this.documentedResponse(this.operation(method, path), status)?.key;
  }

  /** Throws a SpecError naming the file when the spec lacks the path, method, status or media type. */
  validatorFor(method: string, path: string, status: number, mediaType: string): BodyValidator {
    const operation = this.operation(method, path);
    const response = this.documentedResponse(operation, status);
    if (!response) {
      throw new SpecError(this.source, `${operation.label} does not document status ${status} (documented: ${[...operation.responses.keys()].join(', ')})`);
    }
    const key = matchMediaType([...response.content.keys()], mediaType);
    // Stryker disable next-line ConditionalExpression: the media-type keys are strings, so get(undefined) is undefined too (`true` the tests kill).
    const schemaCheck = key === undefined ? undefined : response.content.get(key);
    if (!schemaCheck) {
      const documented = [...response.content.keys()];
      throw new SpecError(
        this.source,
        `${operation.label} ${status} documents ${documented.length ? `only ${documented.join(', ')}` : 'no body'}, not ${mediaType}`,
      );
    }
    return (body) => schemaCheck(body).map((problem) => `${status} body: ${problem}`);
  }

  /** Whether the operation documents a JSON request body. */
  documentsRequestBody(method: string, path: string): boolean {
    return this.operation(method, path).requestBody !== undefined;
  }

  /**
   * What the spec's JSON request body schema says of a body (`request body: /allowed_integrations must be array`);
   * for an operation that documents no request body, only a missing body passes.
   */
  checkRequestBody(method: string, path: string, body: unknown): string[] {
    const { requestBody } = this.operation(method, path);
    if (!requestBody) return body === undefined ? [] : ['request body: the spec documents none'];
    return requestBody(body).map((problem) => `request body: ${problem}`);
  }

  /**
   * What the spec's query parameters say of a request's query (`query: unexpected is not a parameter the spec
   * documents`, `query: provider_config_key is required`, `query: force_refresh must be boolean`): each value is
   * read as JSON where its schema wants no string (`true`, `3`), as a query string carries every value as text.
   */
  checkQuery(method: string, path: string, query: URLSearchParams): string[] {
    const { query: documented } = this.operation(method, path);
    const names = [...new Set(query.keys())];
    const unknown = names.filter((name) => !documented.has(name)).map((name) => `query: ${name} is not a parameter the spec documents`);
    const missing = [...documented].filter(([name, { required }]) => required && !query.has(name)).map(([name]) => `query: ${name} is required`);
    const invalid = names.flatMap((name) => {
      const parameter = documented.get(name);
      if (!parameter) return [];
      const text = query.get(name) ?? '';
      const asText = parameter.check(text);
      if (asText.length === 0) return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: the value is judged as the text it is, and its problems are those of the text.
        return asText.map((problem) => `query: ${name} ${problem.replace(/^\(root\) /, '')}`);
      }
      return parameter.check(parsed).map((problem) => `query: ${name} ${problem.replace(/^\(root\) /, '')}`);
    });
    return [...unknown, ...missing, ...invalid];
  }

  /**
   * Everything wrong with one observed response according to the spec: an undocumented status, a body where
   * none is documented, an undocumented content type, a body that is not JSON, or one that breaks the schema.
   * An empty list means the response conforms.
   */
  checkResponse(method: string, path: string, response: ObservedResponse): string[] {
    const { status, contentType, schema } = this.conformance(method, path, response);
    return [...status, ...contentType, ...schema];
  }

  /** The same problems as `checkResponse`, sorted by what they are about (Schemathesis's checks are named so). */
  conformance(method: string, path: string, response: ObservedResponse): ResponseConformance {
    const none: ResponseConformance = { status: [], contentType: [], schema: [] };
    const operation = this.operation(method, path);
    const { status, contentType, bodyText } = response;
    const documented = this.documentedResponse(operation, status);
    if (!documented) {
      return { ...none, status: [`${status} is not a status the spec documents for ${operation.label} (documented: ${[...operation.responses.keys()].join(', ')})`] };
    }
    const mediaTypes = [...documented.content.keys()];
    if (mediaTypes.length === 0) {
      return bodyText.length === 0 ? none : { ...none, contentType: [`${status} body: the spec documents no body, but got ${Buffer.byteLength(bodyText)} bytes (${contentType ?? 'no content type'})`] };
    }
    if (contentType === undefined) return { ...none, contentType: [`${status} content type: missing (documented: ${mediaTypes.join(', ')})`] };
    if (matchMediaType(mediaTypes, contentType) === undefined) {
      return { ...none, contentType: [`${status} content type: ${contentType} is not documented (documented: ${mediaTypes.join(', ')})`] };
    }
    const validate = this.validatorFor(method, path, status, contentType);
    if (!isJsonMediaType(contentType)) return { ...none, schema: validate(bodyText) };
    try {
      return { ...none, schema: validate(JSON.parse(bodyText)) };
    } catch (error) {
      return { ...none, schema: [`${status} body: not valid JSON (${(error as Error).message})`] };
    }
  }

  /**
   * Properties of a JSON answer's body that its schema does not name, where the schema lists its properties and
   * says nothing of others (`201 body: /data/extra is a property the spec does not name`): allowed by an open
   * schema, so found only when asked for (SPEC_CLOSED_RESPONSES). Nothing for an answer the spec does not
   * document, a body that is not JSON, or a media type without a schema: conformance says those.
   */
  undocumentedProperties(method: string, path: string, response: ObservedResponse): string[] {
    const documented = this.documentedResponse(this.operation(method, path), response.status);
    const { contentType } = response;
    if (!documented || contentType === undefined || !isJsonMediaType(contentType)) return [];
    const key = matchMediaType([...documented.schemas.keys()], contentType);
    // Stryker disable next-line ConditionalExpression: the media-type keys are strings, so get(undefined) is undefined too.
    const pointer = key === undefined ? undefined : documented.schemas.get(key);
    if (pointer === undefined) return [];
    let body: unknown;
    try {
      body = JSON.parse(response.bodyText);
    } catch {
      // Not JSON: no properties to read (conformance says what is wrong with it).
    }
    return undocumentedProperties(this.root, resolvePointer(this.root, pointer), body).map((at) => `${response.status} body: ${at} is a property the spec does not name`);
  }

  /**
   * The path template the spec keys an operation under for a concrete path (`/connection/abc` →
   * `/connection/{connectionId}`): the path itself when the spec names it; undefined when no compiled operation's
   * template matches. A literal segment wins over a parameter (`/connect/sessions` is not `/connect/{x}`).
   */
  templateOf(method: string, path: string): string | undefined {
    if (this.operations.has(operationKey(method, path))) return path;
    const templates = [...this.operations.values()].filter((operation) => operation.method === method.toLowerCase() && templateMatches(operation.path, path));
    return templates.sort((a, b) => parameterCount(a.path) - parameterCount(b.path))[0]?.path;
  }

  /** Every path template the compiled operations have, for any method. */
  templates(): string[] {
    return [...new Set([...this.operations.values()].map((operation) => operation.path))];
  }

  private operation(method: string, path: string): Operation {
    const operation = this.operations.get(operationKey(method, path)) ?? this.operations.get(operationKey(method, this.templateOf(method, path) ?? path));
    if (!operation) {
      const known = [...this.operations.values()].map((op) => op.label).join(', ');
      throw new SpecError(this.source, `documents no operation ${method.toUpperCase()} ${path} (documented: ${known || 'none'})`);
    }
    return operation;
  }

  private documentedResponse(operation: Operation, status: number): DocumentedResponse | undefined {
    const { responses } = operation;
    return responses.get(String(status)) ?? responses.get(`${Math.floor(status / 100)}XX`) ?? responses.get('default');
  }
}

/** A concrete path instantiates a template: each `{name}` stands for one non-empty segment. */
export function templateMatches(template: string, path: string): boolean {
  const pattern = template.split('/').map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${pattern}$`).test(path);
}

/** The path parameters of a concrete path of a template, decoded: `{ connectionId: 'abc' }`. */
export function pathParameters(template: string, path: string): Record<string, string> {
  const names = template.split('/');
  const values = path.split('/');
  const parameters: Record<string, string> = {};
  names.forEach((segment, at) => {
    const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (name !== undefined) parameters[name] = decodeURIComponent(values[at] ?? '');
  });
  return parameters;
}

const parameterCount = (template: string): number => (template.match(/\{/g) ?? []).length;

function operationKey(method: string, path: string): string {
  // Stryker disable next-line MethodExpression: keys are only made here, so upper case would match every method as lower case does.
  return `${method.toLowerCase()} ${path}`;
}

/** A response may be a `$ref` to `#/components/responses/...` (possibly chained); returns the final pointer. */
function followResponseRefs(spec: SpecDocument, pointer: string): string {
  const seen = new Set<string>();
  let current = pointer;
  for (;;) {
    const node = resolvePointer(spec.root, current);
    const ref = isJsonObject(node) ? node['$ref'] : undefined;
    if (typeof ref !== 'string') return current;
    if (seen.has(current)) throw new SpecError(spec.source, `$ref cycle through ${current}`);
    seen.add(current);
    current = decodeURIComponent(ref.slice(1));
  }
}

/** Ajv's message, with the offending property named where Ajv keeps it in params. */
function describe(error: ErrorObject): string {
  const at = error.instancePath || '(root)';
  if (error.keyword === 'additionalProperties') {
    return `${at} must NOT have additional property '${String(error.params['additionalProperty'])}'`;
  }
  return `${at} ${error.message ?? error.keyword}`;
}
