import { DELETE_SESSION } from '../nangoApi';
import { HTTP_METHODS, type ResponseValidators } from '../openapi/responseValidators';
import type { AuthSpec, HostileCase } from './hostileCases';
import { OFF_BY_ONE } from './placeholders';

/**
 * The kinds a case is of, one per dimension it sets: its credential (`auth:session:double-space`,
 * `auth:secret-key`, …), `query`, its body (`body:text`), its content type (`content-type:text/plain`,
 * `content-type:none` for a body sent without one), a sequence (`sequence:race`) or a method (`method:PUT`).
 * Known findings can name one, to match that kind of request only.
 */
export function kindsOf(hostile: HostileCase): string[] {
  switch (hostile.kind) {
    case 'single':
      return [
        authKind(hostile.auth),
        ...(hostile.query.length > 0 ? ['query'] : []),
        ...(hostile.body.kind === 'none' ? [] : [`body:${hostile.body.kind}`]),
        ...(hostile.contentType !== undefined ? [`content-type:${hostile.contentType}`] : hostile.body.kind === 'none' ? [] : ['content-type:none']),
      ];
    case 'repeat':
      return ['sequence:repeat'];
    case 'race':
      return ['sequence:race'];
    case 'method':
      return [`method:${hostile.method}`];
  }
}

function authKind(auth: AuthSpec): string {
  switch (auth.kind) {
    case 'session':
      return `auth:session:${auth.form}`;
    case 'off-by-one':
      return `auth:off-by-one:${auth.mutation}`;
    default:
      return `auth:${auth.kind}`;
  }
}

/** One case of the coverage pass, and the kind of request it stands for. */
export interface CoverageCase {
  readonly kind: string;
  readonly hostile: HostileCase;
}

const bearer: AuthSpec = { kind: 'session', form: 'bearer' };
const request = (auth: AuthSpec, more: Partial<Omit<HostileCase & { kind: 'single' }, 'kind' | 'auth'>> = {}): HostileCase => ({
  kind: 'single',
  auth,
  query: [],
  body: { kind: 'none' },
  contentType: undefined,
  ...more,
});

/**
 * The coverage pass, sent first on every run (not when replaying a path), one case per kind of request, so a
 * finding never depends on what the random search happens to draw: each Authorization form, a query, each body
 * kind under each content type and without one, each content type without a body, repeated and racing deletes,
 * and each method the spec does not document for the path. 38 cases: at the remote default of 40 all are sent.
 */
export function coverageCases(validators: ResponseValidators): CoverageCase[] {
  const documented = validators.documentedMethods(DELETE_SESSION.path);
  const auths: AuthSpec[] = [
    bearer,
    { kind: 'session', form: 'lowercase-scheme' },
    { kind: 'session', form: 'double-space' },
    { kind: 'session', form: 'bare' },
    { kind: 'session', form: 'x-prefixed' },
    { kind: 'session', form: 'basic-bearer' },
    { kind: 'none' },
    { kind: 'raw', value: 'Bearer' },
    { kind: 'raw', value: 'Basic dXNlcjpwYXNz' },
    // Oversized, yet under the 8 kB many servers and proxies allow for all headers.
    { kind: 'raw', value: `Bearer ${'a'.repeat(4_000)}` },
    ...OFF_BY_ONE.map((mutation): AuthSpec => ({ kind: 'off-by-one', mutation })),
    { kind: 'unknown-token' },
    { kind: 'deleted-session' },
    { kind: 'secret-key' },
  ];
  const cases: HostileCase[] = [
    ...auths.map((auth) => request(auth)),
    request(bearer, { query: [['unexpected', 'true']] }),
    request(bearer, { body: { kind: 'json', text: '{"unexpected":true}' }, contentType: 'application/json' }),
    request(bearer, { body: { kind: 'text', text: 'not json' }, contentType: 'text/plain' }),
    request(bearer, { body: { kind: 'text', text: 'unexpected=true' }, contentType: 'application/x-www-form-urlencoded' }),
    request(bearer, { body: { kind: 'text', text: '--x\r\nContent-Disposition: form-data; name="unexpected"\r\n\r\ntrue\r\n--x--\r\n' }, contentType: 'multipart/form-data; boundary=x' }),
    request(bearer, { body: { kind: 'json', text: '{}' } }),
    request(bearer, { body: { kind: 'large', bytes: 20_000 }, contentType: 'application/json' }),
    ...['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'].map((contentType) => request(bearer, { contentType })),
    { kind: 'repeat', times: 2 },
    { kind: 'race', parallel: 3 },
    ...HTTP_METHODS.filter((method) => !documented.includes(method)).map((method): HostileCase => ({ kind: 'method', method: method.toUpperCase() })),
  ];
  return cases.map((hostile) => ({ kind: describeKind(hostile), hostile }));
}

/** The kind a coverage case stands for: what sets it apart from the plain bearer request. */
function describeKind(hostile: HostileCase): string {
  const kinds = kindsOf(hostile);
  const own = kinds.filter((kind) => kind !== 'auth:session:bearer');
  return (own.length ? own : kinds).join(' + ');
}
