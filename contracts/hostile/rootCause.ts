import { operationAt } from '../cases';
import { isJsonObject, type JsonValue } from '../json';
import { essenceOf } from '../openapi/mediaType';

/**
 * One thing a run saw go wrong, from any source: a hostile check's failure, a schema objection or a Pact problem
 * of provider verification. What it was about (operation, request kinds) is kept apart from what the server did.
 */
export interface Symptom {
  /** The hostile check that failed; undefined for provider verification (Pact's own problems and the schema's). */
  readonly check: string | undefined;
  readonly method: string;
  /** The operation's path: `/connect/session`. */
  readonly path: string;
  readonly status: number;
  /** `error.code` of the answer, when it has one. */
  readonly code: string | undefined;
  readonly contentType: string | undefined;
  /** The check's message, the schema's objection or Pact's problem, as recorded. */
  readonly problem: string;
  /** The hostile case's kinds (`auth:session:bare`, `body:invalid`, …); none for verification. */
  readonly kinds: readonly string[];
  /** The answer's body, for the fields a 400 names (`errors[].path`). */
  readonly body: string;
}

/** What a finding is about: its key (equal for symptoms of one cause), and a title saying it once. */
export interface RootCause {
  readonly key: string;
  readonly title: string;
}

const ADDITIONAL = /^\d+ body: (\S+) must NOT have additional property '([^']+)'$/;
const UNDOCUMENTED_STATUS = /^(\d+) is not a status the spec documents for /;
const STATUS_SWAP = /^status: expected (\d+) but was (\d+)$/;
/** The checks that fail a request the spec does not allow being answered 2xx: one cause per kind of request. */
const ACCEPTING = new Set(['ignored_auth', 'negative_data_rejection']);
const CONFORMANCE = new Set(['status_code_conformance', 'content_type_conformance', 'response_schema_conformance']);

/**
 * THE GROUPING RULE (the one place it is stated): a root cause is what the server did wrong, whatever operation,
 * check, status or request showed it. Symptoms share a cause when
 * - a 5xx: the same status on the same operation (a server failure is the route's, whichever check met it);
 * - a body property a closed schema refuses: the same property at the same place of the body (`/error.payload`),
 *   on any operation and status (the schema is shared);
 * - a status the spec does not document: the same status, on any operation, whatever its `error.code` (one gap in
 *   the spec's responses, one patch: the codes are listed with the objections);
 * - a status other than the one documented for a case (Pact): the same expected and actual status;
 * - a body missing what its schema requires, or not what the pact expects: the same operation and status;
 * - a media type the spec does not document: the same status and media type;
 * - a request the spec does not allow answered 2xx (ignored_auth, negative_data_rejection): the same kind of
 *   request, its credential's form taken apart from whose credential it is (a bare token, no credential, a body rule);
 * - a request the spec allows refused (positive_data_acceptance): the same status and the fields the server names
 *   in `errors[].path`, else its `error.code` (a secret key refused as a token; a lower-case `bearer` as malformed);
 * - an undocumented method answered other than 405: the same status (2xx: the same method and path);
 * - any other check: the same check on the same operation.
 */
export function rootCauseOf(symptom: Symptom): RootCause {
  const { check, method, path, status, code, problem } = symptom;
  // A concrete path (`/connection/abc`) is its operation's: one cause, whichever connection a request named.
  const template = operationAt(method, path)?.operation.path ?? path;
  const operation = `${method.toUpperCase()} ${template}`;
  if (status >= 500)
    return { key: `server-error ${status} ${operation}`, title: `${operation} answers ${status}: the server fails` };
  const additional = ADDITIONAL.exec(problem);
  if (additional && (check === undefined || CONFORMANCE.has(check))) {
    const [, at = '', property = ''] = additional;
    return {
      key: `extra-property ${at} ${property}`,
      title: `bodies carry \`${property}\` at \`${at}\`, a property the spec's closed schema refuses`,
    };
  }
  const undocumented = UNDOCUMENTED_STATUS.exec(problem);
  if (undocumented)
    return {
      key: `undocumented-status ${status}`,
      title: `${status} is answered where the spec documents no ${status}`,
    };
  const swap = STATUS_SWAP.exec(problem);
  if (swap)
    return {
      key: `status-swap ${swap[1] ?? ''} ${swap[2] ?? ''}`,
      title: `${swap[2] ?? ''} is answered where the spec and the pact say ${swap[1] ?? ''}`,
    };
  if (check === undefined || check === 'response_schema_conformance')
    return {
      key: `body ${operation} ${status}`,
      title: `${operation}'s ${status} body is not what the spec (and the pact) say it is`,
    };
  if (check === 'content_type_conformance') {
    const media = essenceOf(symptom.contentType ?? '') || 'none';
    return {
      key: `media ${status} ${media}`,
      title: `${status} is answered as ${media}, a media type the spec does not document for it`,
    };
  }
  if (check !== undefined && ACCEPTING.has(check) && status >= 200 && status < 300) {
    const trigger = requestKind(symptom.kinds);
    return { key: `accepted ${trigger}`, title: `a request the spec does not allow (${trigger}) is accepted` };
  }
  if (check === 'positive_data_acceptance') {
    const fields = refusedFields(symptom.body);
    const what = fields.length ? fields.map((field) => `\`${field}\``).join(', ') : (code ?? String(status));
    return {
      key: `refused ${status} ${what}`,
      title: fields.length
        ? `a body the spec allows is refused (${status}) for ${what}`
        : `a request the spec allows is refused: ${status} ${code ?? ''}`.trimEnd(),
    };
  }
  if (check === 'unsupported_method') {
    const served = status >= 200 && status < 300;
    return served
      ? { key: `method-served ${operation}`, title: `${operation} is served, a method the spec does not document` }
      : {
          key: `method ${status}`,
          title: `methods the spec does not document are answered ${status}, not 405 with an Allow header`,
        };
  }
  return { key: `${check ?? 'pact'} ${operation}`, title: `${check ?? 'pact'} fails on ${operation}` };
}

/** The credentials the spec allows: a live token or the secret key, under `Bearer`. */
const ALLOWED_AUTH = new Set(['auth:session:bearer', 'auth:secret-key']);

/**
 * What about a request the spec does not allow made it so: its credential when that is not one the spec allows
 * (its form taken apart from whose it is: `auth:session:bare`, `auth:secret-key:bare` → `auth:bare`), else the
 * rest of its kinds (a query, a body rule), the operation and a JSON content type aside.
 */
function requestKind(kinds: readonly string[]): string {
  const auth = kinds.find((kind) => kind.startsWith('auth:') && !ALLOWED_AUTH.has(kind));
  if (auth) return auth.replace(/^auth:(?:session|secret-key):/, 'auth:');
  const kept = kinds
    .filter(
      (kind) =>
        !kind.startsWith('operation:') && !kind.startsWith('auth:') && !/^content-type:application\/json/.test(kind),
    )
    // A rule's kind beside the kind of its place (`body:over-max-properties`, `…:tags`): the place alone.
    .filter((kind, _index, all) => !all.some((other) => other !== kind && other.startsWith(`${kind}:`)));
  return kept.join(' ') || 'a request';
}

/** The fields a refusal names, as dotted paths: Nango's `{"error":{"errors":[{"path":["end_user","email"]}]}}`. */
export function refusedFields(body: string): string[] {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(body) as JsonValue;
  } catch {
    // Not JSON: a body that names no field; the cause is still grouped by status and check.
    return [];
  }
  const error = isJsonObject(parsed) ? parsed['error'] : undefined;
  const errors = isJsonObject(error) ? error['errors'] : undefined;
  if (!Array.isArray(errors)) return [];
  const fields = errors.flatMap((entry) => {
    const path = isJsonObject(entry) ? entry['path'] : undefined;
    return Array.isArray(path) && path.length > 0 ? [path.map(String).join('.')] : [];
  });
  return [...new Set(fields)].sort();
}
