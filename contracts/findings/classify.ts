import { SETUP } from '../cases';
import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { operationLabel } from '../nangoApi';
import { escapeToken, resolvePointer } from '../openapi/jsonPointer';
import { essenceOf, isJsonMediaType, matchMediaType } from '../openapi/mediaType';
import type { ResponseValidators } from '../openapi/responseValidators';
import type { SpecDocument } from '../openapi/specDocument';
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

/** One distinct finding: what is wrong, the spec's clause about it, the answer that shows it, what to do. */
export interface Finding {
  readonly key: string;
  readonly title: string;
  /** The spec's clause: a JSON pointer into the spec, and the node there. */
  readonly clause: { readonly pointer: string; readonly node: JsonValue | undefined };
  readonly answer: RecordedAnswer;
  /** Other recorded answers that show the same finding. */
  readonly alsoIn: readonly string[];
  readonly disposition: Disposition;
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
  const add = (distinct: string, finding: Omit<Finding, 'key' | 'alsoIn'>): void => {
    // Findings are told apart within their operation.
    const key = `${finding.answer.method} ${finding.answer.path} ${distinct}`;
    const earlier = found.get(key);
    if (earlier) found.set(key, { ...earlier, alsoIn: [...earlier.alsoIn, finding.answer.id] });
    else found.set(key, { key, ...finding, alsoIn: [] });
  };
  for (const answer of answers) {
    const { status, path } = answer;
    const method = answer.method.toLowerCase();
    const operation = `/paths/${escapeToken(path)}/${method}`;
    const responses = `${operation}/responses`;
    if (status >= 500) {
      add(`defect:${status}`, { title: `${status}: the server failed`, clause: { pointer: responses, node: resolvePointer(root, responses) }, answer, disposition: { kind: 'defect', why: DEFECTS['not_a_server_error'] ?? '' } });
      continue;
    }
    if (answer.check === 'unsupported_method') {
      const ok = status >= 200 && status < 300;
      add(`method:${answer.method}:${status}`, {
        title: `${answer.method} ${path} answered ${status}`,
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
      add(`defect:${answer.check}:${status}`, { title: answer.message, clause: { pointer: operation, node: resolvePointer(root, operation) }, answer, disposition: { kind: 'defect', why: defect } });
      continue;
    }
    if (answer.check === 'positive_data_acceptance') {
      const security = resolvePointer(root, `${operation}/security`);
      const secretKey = answer.kinds.includes('auth:secret-key');
      if (secretKey && security === undefined) {
        add('security:secret-key', {
          title: "the route refuses the secret key the spec's security scheme names, and takes the connect session token",
          clause: { pointer: '/components/securitySchemes', node: resolvePointer(root, '/components/securitySchemes') },
          answer,
          disposition: {
            kind: 'patch',
            why: 'the security scheme the spec names for this route is not the one the server uses',
            actions: [
              {
                target: jsonPathOf('/components/securitySchemes'),
                description: `${answer.id}: the route is authenticated with the connect session token, not the environment's secret key`,
                update: { connectSessionToken: { type: 'http', scheme: 'bearer', description: `The connect session token (nango_connect_session_ followed by 64 lowercase hex digits), from ${operationLabel(SETUP.createSession)}.` } },
              },
              { target: jsonPathOf(operation), description: `${answer.id}: ${answer.method} ${path} takes the connect session token`, update: { security: [{ connectSessionToken: [] }] } },
            ],
          },
        });
      } else if (!secretKey) {
        add(`defect:positive_data_acceptance:${status}`, { title: answer.message, clause: { pointer: '/components/securitySchemes', node: resolvePointer(root, '/components/securitySchemes') }, answer, disposition: { kind: 'defect', why: 'a request the spec and HTTP allow was refused (the Bearer scheme is case-insensitive, RFC 9110 §11.1, and takes 1*SP, RFC 6750 §2.1)' } });
      }
      continue;
    }
    if (!validators.documentedMethods(path).some((documented) => documented === method)) continue;
    const conformance = validators.conformance(method, path, { status, contentType: answer.contentType, bodyText: answer.body });
    if (conformance.status.length) {
      const content = contentFor(root, answer);
      add(`status:${status}`, {
        title: `${status} is not a status the spec documents for ${answer.method} ${path}`,
        clause: { pointer: responses, node: resolvePointer(root, responses) },
        answer,
        disposition: {
          kind: 'patch',
          why: 'the server answers a status the spec does not document',
          actions: [{ target: jsonPathOf(responses), description: `${answer.id}: document ${status}, as the server answers it`, update: { [String(status)]: { description: `Observed: ${answer.message}`, ...(content ? { content } : {}) } } }],
        },
      });
    }
    for (const problem of conformance.contentType) {
      const pointer = responsePointer(root, operation, status);
      const content = contentFor(root, answer);
      const documentsNoBody = problem.includes('the spec documents no body');
      add(documentsNoBody ? `defect:body:${status}` : `media:${status}:${essenceOf(answer.contentType ?? '')}`, {
        title: problem,
        clause: { pointer: pointer ?? responses, node: resolvePointer(root, pointer ?? responses) },
        answer,
        disposition:
          documentsNoBody || !pointer || !content
            ? { kind: 'defect', why: 'the answer has a body, or lacks the content type, where the spec documents what it must be' }
            : { kind: 'patch', why: 'the server answers a media type the spec does not document for this status', actions: [{ target: jsonPathOf(pointer), description: `${answer.id}: document ${essenceOf(answer.contentType ?? '')} for ${status}`, update: { content } }] },
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
        add(`additional:${parent}:${property}`, {
          title: problem,
          clause: { pointer: parent, node: resolvePointer(root, parent) },
          answer,
          disposition: {
            kind: 'patch',
            why: `a closed schema refuses the property ${property} the server sends`,
            actions: [{ target: jsonPathOf(parent), description: `${answer.id}: allow ${property}, as the server sends it (${String(schemaOf(value)['type'])})`, update: { properties: { [property]: schemaOf(value) } } }],
          },
        });
      } else {
        add(`defect:schema:${status}:${problem}`, { title: problem, clause: { pointer: pointer ?? responses, node: resolvePointer(root, pointer ?? responses) }, answer, disposition: { kind: 'defect', why: 'the answer breaks a requirement the spec states: documenting it would weaken the contract' } });
      }
    }
    for (const problem of answer.pactProblems) {
      const swap = STATUS_SWAP.exec(problem);
      const actual = swap ? Number(swap[2]) : undefined;
      const pointer = actual === undefined ? undefined : responsePointer(root, operation, actual);
      const node = pointer ? resolvePointer(root, pointer) : undefined;
      if (swap && pointer && isJsonObject(node) && !conformance.status.length) {
        const expected = swap[1] ?? '';
        const description = typeof node['description'] === 'string' ? node['description'] : '';
        add(`swap:${expected}:${actual}`, {
          title: `${actual} where the spec documents ${expected} for this case: ${answer.message}`,
          clause: { pointer, node },
          answer,
          disposition: {
            kind: 'patch',
            why: `the server answers ${actual} for a case the spec documents as ${expected}`,
            actions: [{ target: jsonPathOf(pointer), description: `${answer.id}: say when ${actual} is answered instead of ${expected}`, update: { description: `${description}. Also answered where ${expected} is documented: ${answer.message}.` } }],
          },
        });
      } else if (!swap) {
        add(`pact:${answer.id}:${problem}`, { title: `pact: ${problem}`, clause: { pointer: operation, node: resolvePointer(root, operation) }, answer, disposition: { kind: 'note', why: "a consumer's expectation the spec does not state: the pact's to settle with the provider, no spec change" } });
      }
    }
  }
  return [...found.values()];
}
