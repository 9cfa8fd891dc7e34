import { operationAt, SETUP } from '../cases';
import { isJsonObject, textOf, type JsonObject, type JsonValue } from '../json';
import { operationLabel } from '../nangoApi';
import { escapeToken, resolvePointer } from '../openapi/jsonPointer';
import { essenceOf, isJsonMediaType, matchMediaType } from '../openapi/mediaType';
import type { ResponseValidators } from '../openapi/responseValidators';
import type { SpecDocument } from '../openapi/specDocument';
import { stdErrorCode } from '../nangoApi';
import { refusedFields, rootCauseOf } from '../hostile/rootCause';
import type { RecordedAnswer } from './recorded';

/** One action of an OpenAPI Overlay 1.0 document: `update` merged into every node `target` selects. */
export interface OverlayAction {
  readonly target: string;
  readonly description: string;
  readonly update: JsonObject;
}

/** What is to be done with a finding: patch the spec, report a server defect, or neither (a note). */
export type Disposition =
  | { readonly kind: 'patch'; readonly actions: readonly OverlayAction[]; readonly why: string }
  | { readonly kind: 'defect'; readonly why: string }
  | { readonly kind: 'note'; readonly why: string };

/** `GET /connection/{connectionId}`: the documented operation an answer is of (a concrete path under its template), or its method and path. */
function operationOf(answer: RecordedAnswer): string {
  const documented = operationAt(answer.method, answer.path);
  return documented ? operationLabel(documented.operation) : `${answer.method.toUpperCase()} ${answer.path}`;
}

/** Where a finding was seen: one recorded answer, its operation, what met it, and what it objected to. */
export interface Sighting {
  readonly id: string;
  /** `POST /connect/sessions`. */
  readonly operation: string;
  /** The hostile check, `pact` (Pact's own matching) or the conformance check the spec's objection is of. */
  readonly by: string;
  readonly problem: string;
}

/**
 * One root cause (rootCause.ts states the grouping rule): what is wrong, the spec's clause about it, the answer
 * that shows it most simply (the shortest repro), every answer that shows it, and what to do.
 */
export interface Finding {
  /** `C1`, `C2`, …: in the order first recorded. */
  readonly id: string;
  readonly key: string;
  readonly title: string;
  /** The spec's clause: a JSON pointer into the spec, and the node there. */
  readonly clause: { readonly pointer: string; readonly node: JsonValue | undefined };
  readonly answer: RecordedAnswer;
  /** Other recorded answers that show the same finding. */
  readonly alsoIn: readonly string[];
  /** Every sighting, the representative answer's among them, in the order recorded. */
  readonly seen: readonly Sighting[];
  readonly disposition: Disposition;
}

/** Actions on one target as one: their updates merged (objects deeply, lists joined, differing texts both kept), their descriptions all named. */
export function mergeActions(actions: readonly OverlayAction[]): OverlayAction[] {
  const byTarget = new Map<string, OverlayAction>();
  for (const action of actions) {
    const earlier = byTarget.get(action.target);
    if (!earlier) byTarget.set(action.target, action);
    else {
      const descriptions = earlier.description.split('; ').includes(action.description) ? earlier.description : `${earlier.description}; ${action.description}`;
      byTarget.set(action.target, { target: action.target, description: descriptions, update: mergeJson(earlier.update, action.update) as JsonObject });
    }
  }
  return [...byTarget.values()];
}

function mergeJson(a: JsonValue, b: JsonValue): JsonValue {
  if (isJsonObject(a) && isJsonObject(b)) {
    const merged: Record<string, JsonValue> = { ...a };
    for (const [key, value] of Object.entries(b)) merged[key] = key in a ? mergeJson(a[key] ?? null, value) : value;
    return merged;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const seen = new Set(a.map((item) => JSON.stringify(item)));
    return [...a, ...b.filter((item) => !seen.has(JSON.stringify(item)))];
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  return typeof a === 'string' && typeof b === 'string' ? `${a} ${b}` : b;
}

/** How long a repro is: the representative of a cause is its shortest (one without a repro, last). */
const reproLength = (answer: RecordedAnswer): number => answer.curl?.length ?? Number.MAX_SAFE_INTEGER;

/** Two dispositions of one cause as one: a defect outranks a patch, a patch a note; patches' actions merged. */
function mergeDisposition(a: Disposition, b: Disposition): Disposition {
  if (a.kind === 'patch' && b.kind === 'patch') return { ...a, actions: mergeActions([...a.actions, ...b.actions]) };
  const rank: Record<Disposition['kind'], number> = { defect: 2, patch: 1, note: 0 };
  return rank[b.kind] > rank[a.kind] ? b : a;
}


/** A JSON pointer as the JSONPath expression (bracket notation, RFC 9535) the overlay library evaluates. */
export function jsonPathOf(pointer: string): string {
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  return `$${tokens.map((token) => `['${token.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`).join('')}`;
}

/** A local `$ref` followed (repeatedly) to the pointer of what it names. */
function followRefs(root: JsonObject, pointer: string): string {
  let current = pointer;
  for (let hops = 0; hops < 20; hops += 1) {
    const node = resolvePointer(root, current);
    const ref = isJsonObject(node) ? node['$ref'] : undefined;
    if (typeof ref !== 'string' || !ref.startsWith('#')) return current;
    current = decodeURIComponent(ref.slice(1));
  }
  return current;
}

/** The pointer of the response documented for `status` (exact, then `4XX`), its `$ref`s followed. */
function responsePointer(root: JsonObject, operation: string, status: number): string | undefined {
  const responses = resolvePointer(root, `${operation}/responses`);
  if (!isJsonObject(responses)) return undefined;
  const key = [String(status), `${Math.floor(status / 100)}XX`, 'default'].find((candidate) => candidate in responses);
  return key === undefined ? undefined : followRefs(root, `${operation}/responses/${escapeToken(key)}`);
}

/** The pointer of the schema node an instance path lands on, from a response's schema: `$ref`, `properties`, `items` followed. */
function schemaPointerAt(root: JsonObject, schemaPointer: string, instancePath: string): string | undefined {
  let pointer = followRefs(root, schemaPointer);
  for (const segment of instancePath.split('/').slice(1)) {
    const node = resolvePointer(root, pointer);
    if (!isJsonObject(node)) return undefined;
    const properties = node['properties'];
    if (/^\d+$/.test(segment) && node['items'] !== undefined) pointer = followRefs(root, `${pointer}/items`);
    else if (isJsonObject(properties) && segment in properties) pointer = followRefs(root, `${pointer}/properties/${escapeToken(segment)}`);
    else return undefined;
  }
  return pointer;
}

/** The narrowest schema the evidence allows for a value: its type, nothing more. */
function schemaOf(value: JsonValue | undefined): JsonObject {
  if (value === null) return { type: 'null' };
  if (Array.isArray(value)) return { type: 'array' };
  if (typeof value === 'object') return { type: 'object' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  return { type: 'string' };
}

function parsed(body: string): JsonValue | undefined {
  try {
    return JSON.parse(body) as JsonValue;
  } catch {
    // Not JSON: undefined says there is no body to read; the finding keeps the body's text.
    return undefined;
  }
}

/** The value at an instance path (`/error/payload`) of a JSON body. */
function valueAt(body: JsonValue | undefined, path: string): JsonValue | undefined {
  return resolvePointer(body ?? null, path === '(root)' ? '' : path);
}

/** The media type and schema to document an answer with: `StdError` for a JSON error body, else its type alone. */
function contentFor(root: JsonObject, answer: RecordedAnswer): JsonObject | undefined {
  if (answer.body === '') return undefined;
  const mediaType = essenceOf(answer.contentType ?? 'application/octet-stream');
  const body = isJsonMediaType(mediaType) ? parsed(answer.body) : undefined;
  const error = isJsonObject(body) ? body['error'] : undefined;
  const stdError = isJsonObject(resolvePointer(root, '/components/schemas/StdError')) && isJsonObject(error) && typeof error['code'] === 'string';
  return { [mediaType]: { schema: stdError ? { $ref: '#/components/schemas/StdError' } : body === undefined ? { type: 'string' } : schemaOf(body) } };
}

/** Hostile checks whose failures no spec change should absorb, and why. */
const DEFECTS: Readonly<Record<string, string>> = {
  not_a_server_error: 'a request made the server fail (or go silent): no spec should document that',
  ignored_auth: 'the route took a missing or wrong credential, or a token outside the Bearer scheme: a security defect',
  use_after_free: "a deleted session's token was accepted again: a security defect",
  session_deleted_only_by_204: 'a session went without a 204, or stayed after one: the server does not do what it answered',
  negative_data_rejection: 'a request the spec does not allow was accepted instead of refused',
  created_session_answers_get: `a 201 said it created a session that ${operationLabel(SETUP.getSession)} does not know: the server does not do what it answered`,
  max_response_time: 'an answer came slower than the bound set (HOSTILE_MAX_RESPONSE_MS)',
};

const ADDITIONAL = /^\d+ body: (\S+) must NOT have additional property '([^']+)'$/;
const STATUS_SWAP = /^status: expected (\d+) but was (\d+)$/;
const STAND_IN = /^published as a failure: /;

/**
 * The findings in the recorded answers, judged afresh against `spec` (the committed one, or another version):
 * each distinct, with what to do. What the spec does not document (a status, a media type, a property a closed
 * schema refuses), a status other than the documented one for a case, and a security scheme the route does not
 * use become overlay actions, as narrow as the evidence allows; a 5xx, a session deleted by a refused request, a
 * use after free and their like are server defects, never patched into the spec.
 */
export function classify(answers: readonly RecordedAnswer[], spec: SpecDocument, validators: ResponseValidators): Finding[] {
  const { root } = spec;
  const found = new Map<string, Finding>();
  /** One sighting of a cause (by `check`, objecting `problem`): a new finding, or one more answer of an earlier one. */
  const add = (check: string | undefined, problem: string, finding: Omit<Finding, 'id' | 'key' | 'alsoIn' | 'seen' | 'title'> & { readonly title?: string }): void => {
    const { answer } = finding;
    const cause = rootCauseOf({ check, method: answer.method, path: answer.path, status: answer.status, code: stdErrorCode(answer.body), contentType: answer.contentType, problem, kinds: answer.kinds, body: answer.body });
    const sighting: Sighting = { id: answer.id, operation: operationOf(answer), by: check ?? 'pact', problem };
    const earlier = found.get(cause.key);
    if (!earlier) {
      found.set(cause.key, { ...finding, id: `C${found.size + 1}`, key: cause.key, title: finding.title ?? cause.title, alsoIn: [], seen: [sighting] });
      return;
    }
    const representative = reproLength(answer) < reproLength(earlier.answer) ? answer : earlier.answer;
    const ids = [...new Set([earlier.answer.id, ...earlier.alsoIn, answer.id])].filter((id) => id !== representative.id);
    found.set(cause.key, { ...earlier, answer: representative, alsoIn: ids, seen: [...earlier.seen, sighting], disposition: mergeDisposition(earlier.disposition, finding.disposition) });
  };
  for (const answer of answers) {
    const { status } = answer;
    // A concrete path (`/connection/abc`) is judged by its operation's clauses, under its template.
    const path = operationAt(answer.method, answer.path)?.operation.path ?? answer.path;
    const method = answer.method.toLowerCase();
    const operation = `/paths/${escapeToken(path)}/${method}`;
    const responses = `${operation}/responses`;
    if (status >= 500) {
      add(answer.check ?? 'not_a_server_error', answer.check ? answer.message : `answered ${status}`, { clause: { pointer: responses, node: resolvePointer(root, responses) }, answer, disposition: { kind: 'defect', why: DEFECTS['not_a_server_error'] ?? '' } });
      continue;
    }
    if (answer.check === 'unsupported_method') {
      const ok = status >= 200 && status < 300;
      add('unsupported_method', answer.message, {
        clause: { pointer: `/paths/${escapeToken(path)}`, node: resolvePointer(root, `/paths/${escapeToken(path)}`) },
        answer,
        disposition: ok
          ? { kind: 'note', why: `the server serves ${answer.method}, which this spec does not document: the spec of the whole path would (for this suite, documented elsewhere)` }
          : { kind: 'defect', why: 'RFC 9110 §15.5.6: a method the resource does not support is answered 405 with an Allow header' },
      });
      continue;
    }
    const defect = answer.check === undefined ? undefined : DEFECTS[answer.check];
    if (defect) {
      add(answer.check, answer.message, { clause: { pointer: operation, node: resolvePointer(root, operation) }, answer, disposition: { kind: 'defect', why: defect } });
      continue;
    }
    if (answer.check === 'positive_data_acceptance') {
      const security = resolvePointer(root, `${operation}/security`);
      const secretKey = answer.kinds.includes('auth:secret-key');
      // Only an authentication refusal says which credential the route takes: a refused body, a 404, a 5xx never do.
      if (secretKey && security === undefined && (status === 401 || status === 403)) {
        add('positive_data_acceptance', answer.message, {
          title: "the route refuses the secret key the spec's security scheme names, and takes the connect session token",
          clause: { pointer: '/components/securitySchemes', node: resolvePointer(root, '/components/securitySchemes') },
          answer,
          disposition: {
            kind: 'patch',
            why: 'the security scheme the spec names for this route is not the one the server uses',
            actions: [
              {
                target: jsonPathOf('/components/securitySchemes'),
                description: "the route is authenticated with the connect session token, not the environment's secret key",
                update: { connectSessionToken: { type: 'http', scheme: 'bearer', description: `The connect session token (nango_connect_session_ followed by 64 lowercase hex digits), from ${operationLabel(SETUP.createSession)}.` } },
              },
              { target: jsonPathOf(operation), description: `${answer.method} ${path} takes the connect session token`, update: { security: [{ connectSessionToken: [] }] } },
            ],
          },
        });
      } else {
        const fields = refusedFields(answer.body);
        if (fields.length) {
          const body = `${operation}/requestBody/content/application~1json/schema`;
          const allowed = fields.map((field) => `\`${field}\`: the spec allows ${describeSchema(requestSchemaAt(root, body, field))}`).join('; ');
          add('positive_data_acceptance', answer.message, {
            clause: { pointer: followRefs(root, body), node: resolvePointer(root, followRefs(root, body)) },
            answer,
            disposition: { kind: 'defect', why: `the server refuses a body the spec allows (${allowed}; the server's own words: ${refusalWords(answer.body)}): the server should take it, or the spec say what the server requires` },
          });
        } else {
          add('positive_data_acceptance', answer.message, { clause: { pointer: '/components/securitySchemes', node: resolvePointer(root, '/components/securitySchemes') }, answer, disposition: { kind: 'defect', why: secretKey ? `a request the spec allows, with the secret key its security scheme names, was answered ${status}` : 'a request the spec and HTTP allow was refused (the Bearer scheme is case-insensitive, RFC 9110 §11.1, and takes 1*SP, RFC 6750 §2.1)' } });
        }
      }
      continue;
    }
    if (!validators.documentedMethods(path).some((documented) => documented === method)) continue;
    const conformance = validators.conformance(method, path, { status, contentType: answer.contentType, bodyText: answer.body });
    if (conformance.status.length) {
      const content = contentFor(root, answer);
      add('status_code_conformance', conformance.status[0] ?? '', {
        clause: { pointer: responses, node: resolvePointer(root, responses) },
        answer,
        disposition: {
          kind: 'patch',
          why: 'the server answers a status the spec does not document',
          actions: [{ target: jsonPathOf(responses), description: `document ${status}, as the server answers it`, update: { [String(status)]: { description: `Observed: ${answer.message}`, ...(content ? { content } : {}) } } }],
        },
      });
    }
    for (const problem of conformance.contentType) {
      const pointer = responsePointer(root, operation, status);
      const content = contentFor(root, answer);
      const documentsNoBody = problem.includes('the spec documents no body');
      add('content_type_conformance', problem, {
        clause: { pointer: pointer ?? responses, node: resolvePointer(root, pointer ?? responses) },
        answer,
        disposition:
          documentsNoBody || !pointer || !content
            ? { kind: 'defect', why: 'the answer has a body, or lacks the content type, where the spec documents what it must be' }
            : { kind: 'patch', why: 'the server answers a media type the spec does not document for this status', actions: [{ target: jsonPathOf(pointer), description: `document ${essenceOf(answer.contentType ?? '')} for ${status}`, update: { content } }] },
      });
    }
    for (const problem of conformance.schema) {
      const additional = ADDITIONAL.exec(problem);
      const pointer = responsePointer(root, operation, status);
      const mediaTypes = pointer ? resolvePointer(root, `${pointer}/content`) : undefined;
      const mediaType = isJsonObject(mediaTypes) ? matchMediaType(Object.keys(mediaTypes), answer.contentType ?? '') : undefined;
      const parent = additional && pointer && mediaType ? schemaPointerAt(root, `${pointer}/content/${escapeToken(mediaType)}/schema`, additional[1] === '(root)' ? '' : (additional[1] ?? '')) : undefined;
      if (additional && parent) {
        const [, at = '', property = ''] = additional;
        const value = valueAt(parsed(answer.body), `${at === '(root)' ? '' : at}/${escapeToken(property)}`);
        add('response_schema_conformance', problem, {
          clause: { pointer: parent, node: resolvePointer(root, parent) },
          answer,
          disposition: {
            kind: 'patch',
            why: `a closed schema refuses the property ${property} the server sends`,
            actions: [{ target: jsonPathOf(parent), description: `allow ${property}, as the server sends it (${textOf(schemaOf(value)['type'])})`, update: { properties: { [property]: schemaOf(value) } } }],
          },
        });
      } else {
        add('response_schema_conformance', problem, { clause: { pointer: pointer ?? responses, node: resolvePointer(root, pointer ?? responses) }, answer, disposition: { kind: 'defect', why: 'the answer breaks a requirement the spec states: documenting it would weaken the contract' } });
      }
    }
    // Where results were published, a spec-breaking answer reached Pact as a stand-in: that is no finding of its own.
    for (const problem of answer.pactProblems.filter((text) => !STAND_IN.test(text))) {
      const swap = STATUS_SWAP.exec(problem);
      const actual = swap ? Number(swap[2]) : undefined;
      const pointer = actual === undefined ? undefined : responsePointer(root, operation, actual);
      const node = pointer ? resolvePointer(root, pointer) : undefined;
      if (swap && pointer && isJsonObject(node) && !conformance.status.length) {
        const expected = swap[1] ?? '';
        const description = typeof node['description'] === 'string' ? node['description'] : '';
        add(undefined, problem, {
          clause: { pointer, node },
          answer,
          disposition: {
            kind: 'patch',
            why: `the server answers ${actual} for a case the spec documents as ${expected}`,
            actions: [{ target: jsonPathOf(pointer), description: `say when ${actual} is answered instead of ${expected} (${answer.method} ${path}: ${answer.message})`, update: { description: `${description}. Also answered where ${expected} is documented.` } }],
          },
        });
      } else if (!swap) {
        add(undefined, problem, { clause: { pointer: operation, node: resolvePointer(root, operation) }, answer, disposition: { kind: 'note', why: "a consumer's expectation the spec does not state: the pact's to settle with the provider, no spec change" } });
      }
    }
  }
  return [...found.values()];
}

/** The request schema's node for a dotted field (`end_user.email`), through `$ref`s, `properties` and `allOf`. */
function requestSchemaAt(root: JsonObject, schemaPointer: string, field: string): JsonValue | undefined {
  let node = resolvePointer(root, followRefs(root, schemaPointer));
  for (const segment of field.split('.')) {
    node = propertyOf(root, node, segment);
    if (node === undefined) return undefined;
  }
  return node;
}

function propertyOf(root: JsonObject, node: JsonValue | undefined, name: string): JsonValue | undefined {
  const resolved = isJsonObject(node) && typeof node['$ref'] === 'string' ? resolvePointer(root, followRefs(root, decodeURIComponent(node['$ref'].slice(1)))) : node;
  if (!isJsonObject(resolved)) return undefined;
  const properties = resolved['properties'];
  if (isJsonObject(properties) && name in properties) {
    const found = properties[name];
    return isJsonObject(found) && typeof found['$ref'] === 'string' ? resolvePointer(root, followRefs(root, decodeURIComponent(found['$ref'].slice(1)))) : found;
  }
  const allOf = resolved['allOf'];
  return Array.isArray(allOf) ? allOf.map((member) => propertyOf(root, member, name)).find((found) => found !== undefined) : undefined;
}

/** A schema in a few words: `any string`, `an optional object`, or its JSON. */
function describeSchema(node: JsonValue | undefined): string {
  if (!isJsonObject(node)) return 'it (no schema restricts it)';
  const { type, format, enum: values, pattern } = node;
  if (typeof type === 'string' && format === undefined && values === undefined && pattern === undefined) return `any ${type}${type === 'string' ? ' (no format, pattern or length)' : ''}, and leaving it out`;
  return JSON.stringify(node).slice(0, 200);
}

/** What the refusal says of each field: `end_user.email: Invalid email (invalid_string)`. */
function refusalWords(body: string): string {
  const parsed = (() => {
    try {
      return JSON.parse(body) as JsonValue;
    } catch {
      // Not JSON: the refusal names no field, and the finding quotes the body itself.
      return null;
    }
  })();
  const error = isJsonObject(parsed) ? parsed['error'] : undefined;
  const errors = isJsonObject(error) && Array.isArray(error['errors']) ? error['errors'] : [];
  return errors
    .flatMap((entry) => (isJsonObject(entry) && Array.isArray(entry['path']) ? [`${entry['path'].map(String).join('.')}: ${textOf(entry['message'])} (${textOf(entry['code'])})`] : []))
    .join(', ');
}
