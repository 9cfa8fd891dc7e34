/**
 * The hostile run's checks, each judged on observations built here (what caseRunner.ts records): for every check a
 * case where it passes and one where it fails, each named for the rule it holds the provider to. No provider runs.
 */
import type { RawResponse } from '../../contracts/client/boundedFetch';
import { CHECK_NAMES, CHECKS, failureKey, judge, type Check, type Failure, type JudgeContext } from '../../contracts/hostile/checks';
import { is2xx } from '../../contracts/http/status';
import type { AuthSpec, HostileCase } from '../../contracts/hostile/hostileCases';
import type { Answer, Observation } from '../../contracts/hostile/observation';
import type { SentRequest } from '../../contracts/hostile/rawRequest';
import { CREATE_SESSION, DELETE_SESSION, GET_SESSION, nangoValidators } from '../../contracts/cases';
import type { OperationRef } from '../../contracts/openapi/responseValidators';

const context: JudgeContext = { validators: nangoValidators(), maxResponseMs: undefined };
const LIVE = 'Bearer live-token';

type Single = Observation & { kind: 'single' };
type SingleCase = HostileCase & { kind: 'single' };

interface ResponseParts {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** An answer as the wire gives it: a JSON body (under application/json unless told) or none. */
function response(status: number, { body, contentType, headers = {} }: ResponseParts = {}): RawResponse {
  const bodyText = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = contentType ?? (body === undefined ? undefined : 'application/json');
  const all = new Headers(headers);
  if (type !== undefined) all.set('content-type', type);
  return { status, headers: all, contentType: type, bodyText };
}

const request = (method = 'DELETE', authorization: string | undefined = LIVE, target = '/connect/session'): SentRequest => ({
  method,
  target,
  headers: authorization === undefined ? {} : { authorization },
  body: undefined,
});

const answer = (status: number, parts: ResponseParts = {}, sent: SentRequest = request(), durationMs = 5): Answer => ({ request: sent, response: response(status, parts), durationMs });

/** The documented answers: an empty 204, and a StdError under 4xx. */
const ok = (sent: SentRequest = request()): Answer => answer(204, {}, sent);
const refused = (status: number, code = 'unknown_error', sent: SentRequest = request()): Answer => answer(status, { body: { error: { code } } }, sent);

interface SingleParts {
  readonly operation?: OperationRef;
  readonly createdSession?: Single['createdSession'];
  readonly contentType?: string;
  readonly auth?: AuthSpec;
  readonly query?: ReadonlyArray<readonly [string, string]>;
  readonly body?: SingleCase['body'];
  readonly answer: Answer;
  readonly followUp?: Answer;
  readonly sessionAlive?: boolean;
}

/** One hostile request; by default a live token under `Bearer`, no query, no body, naming no session. */
function single({ operation, createdSession, contentType, auth = { kind: 'session', form: 'bearer' }, query = [], body = { kind: 'none' }, answer: got, followUp, sessionAlive }: SingleParts): Single {
  const hostile: SingleCase = { kind: 'single', auth, query, body, contentType, operation: operation ?? DELETE_SESSION };
  return { kind: 'single', hostile, auth, answer: got, followUp, sessionAlive, ...(createdSession ? { createdSession } : {}) };
}

const oneSession = (answers: readonly Answer[], sessionAlive: boolean): Observation => ({ kind: 'one-session', how: 'repeat', answers, sessionAlive });
const methodCase = (got: Answer, { get, sessionAlive = true }: { get?: Answer; sessionAlive?: boolean } = {}): Observation => ({ kind: 'method', answer: got, get, sessionAlive });
const noAnswer = (reason: string): Observation => ({ kind: 'no-answer', request: request(), reason });

function check(name: string): Check {
  const found = CHECKS.find((one) => one.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

/** What one check makes of an observation: how many requests it judged, and its failures' messages. */
function verdict(name: string, observation: Observation, judgeContext: JudgeContext = context): { judged: number; failures: Failure[] } {
  const one = check(name);
  return { judged: one.judgedRequests(observation, judgeContext), failures: one.judge(observation, judgeContext) };
}
/** The messages of one check's failures; one recorded under another check's name says so. */
const messages = (name: string, observation: Observation, judgeContext: JudgeContext = context): string[] =>
  verdict(name, observation, judgeContext).failures.map((failure) => (failure.check === name ? failure.message : `under ${failure.check}: ${failure.message}`));

describe('the registry', () => {
  it('lists every check once, in the order the report shows them, each stating its rule', () => {
    expect(CHECK_NAMES).toEqual(CHECKS.map((one) => one.name));
    expect(new Set(CHECK_NAMES).size).toBe(CHECK_NAMES.length);
    expect(CHECK_NAMES.slice(0, 4)).toEqual(['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance']);
    for (const one of CHECKS) expect(one.meaning).toMatch(/^[A-Z].+\.$/);
  });

  it('finds no failure in a case a check judges no request of, of any kind', () => {
    const cases: Observation[] = [
      single({ answer: answer(500) }),
      single({ query: [['a', '1']], answer: answer(500), followUp: answer(500), sessionAlive: false }),
      single({ auth: { kind: 'none' }, answer: answer(500), sessionAlive: false }),
      oneSession([answer(500), answer(200), answer(200)], true),
      methodCase(answer(500, {}, request('PUT')), { sessionAlive: false }),
      methodCase(answer(200, {}, request('DELETE'))),
      noAnswer('reset'),
    ];
    for (const observation of cases) {
      for (const one of CHECKS) {
        if (one.judgedRequests(observation, context) === 0) expect([one.name, one.judge(observation, context)]).toEqual([one.name, []]);
      }
    }
  });

  it('finds no failure in deletes of one session that got no answer to judge', () => {
    for (const sessionAlive of [true, false]) expect(judge(oneSession([], sessionAlive), context).failures).toEqual([]);
  });

  it('says a status is 2xx from 200 to 299 and no further', () => {
    expect([199, 200, 204, 299, 300].map(is2xx)).toEqual([false, true, true, true, false]);
  });

  it('tells failures apart by check, status and error code, with a placeholder for what is missing', () => {
    expect(failureKey({ check: 'ignored_auth', status: 204, code: 'x' })).toBe('ignored_auth 204 x');
    expect(failureKey({ check: 'not_a_server_error', status: undefined, code: undefined })).toBe('not_a_server_error none -');
  });

  it('judges a case by the checks that apply to it only, counting the requests each judged', () => {
    const { judged, failures } = judge(single({ answer: answer(500, { body: 'oops', contentType: 'text/plain' }) }), { ...context, maxResponseMs: 1_000 });
    expect(judged).toEqual([
      ['not_a_server_error', 1],
      ['status_code_conformance', 1],
      ['content_type_conformance', 1],
      ['response_schema_conformance', 1],
      ['positive_data_acceptance', 1],
      ['max_response_time', 1],
    ]);
    expect(failures.map((failure) => failure.check)).toEqual(['not_a_server_error', 'status_code_conformance', 'positive_data_acceptance']);
  });

  it('gives a failure the status, the error code of the body and the request it is about', () => {
    const sent = request('DELETE', 'Bearer x');
    const [failure] = verdict('ignored_auth', single({ auth: { kind: 'raw', value: 'Bearer x' }, answer: refused(200, 'weird', sent) })).failures;
    expect(failure).toEqual({ check: 'ignored_auth', status: 200, code: 'weird', message: expect.stringContaining('answered 200') as string, request: sent });
  });
});

describe('not_a_server_error', () => {
  it('passes every answer under 500', () => {
    expect(verdict('not_a_server_error', single({ answer: refused(499), followUp: ok() }))).toEqual({ judged: 2, failures: [] });
  });

  it('fails a 5xx answer, naming its status', () => {
    expect(messages('not_a_server_error', single({ answer: refused(500) }))).toEqual(['answered 500']);
    expect(messages('not_a_server_error', oneSession([ok(), answer(503)], true))).toEqual(['answered 503']);
  });

  it('fails a request that got no answer, with the reason, as one judged request without a status', () => {
    const { judged, failures } = verdict('not_a_server_error', noAnswer('timed out after 10000 ms'));
    expect(judged).toBe(1);
    expect(failures).toEqual([{ check: 'not_a_server_error', status: undefined, code: undefined, message: 'timed out after 10000 ms', request: request() }]);
  });
});

describe('the conformance checks', () => {
  const conformance = ['status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];
  const failing = (observation: Observation): Record<string, string[]> => Object.fromEntries(conformance.map((name) => [name, messages(name, observation)]));

  it('pass a documented answer: an empty 204, a StdError 404', () => {
    for (const name of conformance) expect(verdict(name, single({ answer: ok(), followUp: refused(404) }))).toEqual({ judged: 2, failures: [] });
  });

  it('fail a status the spec does not document under status_code_conformance alone', () => {
    expect(failing(single({ answer: refused(418) }))).toEqual({
      status_code_conformance: ['418 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)'],
      content_type_conformance: [],
      response_schema_conformance: [],
    });
  });

  it('fail an undocumented content type under content_type_conformance alone', () => {
    expect(failing(single({ answer: answer(401, { body: 'Unauthorized', contentType: 'text/plain' }) }))).toEqual({
      status_code_conformance: [],
      content_type_conformance: ['401 content type: text/plain is not documented (documented: application/json)'],
      response_schema_conformance: [],
    });
  });

  it('fail a body that breaks the schema of its status under response_schema_conformance alone', () => {
    expect(failing(single({ answer: answer(404, { body: { error: { message: 'gone' } } }) }))).toEqual({
      status_code_conformance: [],
      content_type_conformance: [],
      response_schema_conformance: ["404 body: /error must have required property 'code'"],
    });
  });

  it('fail a property the spec does not name under response_schema_conformance only when asked to (SPEC_CLOSED_RESPONSES)', () => {
    const found = single({ answer: answer(200, { body: { data: { token: 't', expires_at: '2026-12-02T10:00:00.000Z', end_user: { id: 'x' } } } }, request('GET')) });
    expect(failing(found)).toEqual({ status_code_conformance: [], content_type_conformance: [], response_schema_conformance: [] });
    const closed: JudgeContext = { ...context, closedResponses: true };
    expect(messages('response_schema_conformance', found, closed)).toEqual(['200 body: /data/end_user is a property the spec does not name']);
    expect(messages('status_code_conformance', found, closed)).toEqual([]);
    expect(messages('content_type_conformance', found, closed)).toEqual([]);
  });

  it('judge every answer to DELETE /connect/session and only those', () => {
    const put = refused(418, 'x', request('PUT'));
    for (const name of conformance) {
      expect(verdict(name, methodCase(put))).toEqual({ judged: 0, failures: [] });
      expect(verdict(name, noAnswer('reset')).judged).toBe(0);
    }
    expect(verdict('status_code_conformance', oneSession([ok(), refused(418), refused(500)], false)).failures.map((failure) => failure.status)).toEqual([418, 500]);
  });

  it("work out the spec's verdict on an answer once, however many of them read it", () => {
    const validators = nangoValidators();
    const asked = jest.spyOn(validators, 'conformance');
    try {
      judge(single({ answer: refused(404) }), { validators, maxResponseMs: undefined });
      expect(asked).toHaveBeenCalledTimes(1);
    } finally {
      asked.mockRestore();
    }
  });
});

describe('negative_data_rejection', () => {
  it('does not judge a request the spec allows', () => {
    expect(verdict('negative_data_rejection', single({ answer: ok() })).judged).toBe(0);
  });

  it('passes a request the spec does not allow when it is refused', () => {
    expect(verdict('negative_data_rejection', single({ query: [['unexpected', '1']], answer: refused(400) }))).toEqual({ judged: 1, failures: [] });
  });

  it('fails a request with a query parameter, a body or no bearer credential that is answered 2xx, saying what was not allowed', () => {
    expect(messages('negative_data_rejection', single({ query: [['unexpected', '1']], answer: ok() }))).toEqual([
      'a request the spec does not allow (a query parameter) was answered 204',
    ]);
    expect(messages('negative_data_rejection', single({ body: { kind: 'json', text: '{}' }, answer: answer(200) }))).toEqual([
      'a request the spec does not allow (a body) was answered 200',
    ]);
    const bare = request('DELETE', 'live-token');
    expect(messages('negative_data_rejection', single({ auth: { kind: 'session', form: 'bare' }, answer: ok(bare) }))).toEqual([
      'a request the spec does not allow (no bearer credential) was answered 204',
    ]);
  });
});

describe('ignored_auth', () => {
  const none: AuthSpec = { kind: 'none' };
  const noCredential = request('DELETE', undefined);

  it('does not judge a request with a live bearer token or the secret key', () => {
    expect(verdict('ignored_auth', single({ answer: ok() })).judged).toBe(0);
    expect(verdict('ignored_auth', single({ auth: { kind: 'secret-key' }, answer: ok() })).judged).toBe(0);
  });

  it('passes a missing credential that is refused and deletes nothing', () => {
    expect(verdict('ignored_auth', single({ auth: none, answer: refused(401, 'x', noCredential), sessionAlive: true }))).toEqual({ judged: 1, failures: [] });
    expect(verdict('ignored_auth', single({ auth: none, answer: refused(401, 'x', noCredential) })).failures).toEqual([]);
  });

  it('fails a missing or wrong credential that is answered 2xx', () => {
    expect(messages('ignored_auth', single({ auth: none, answer: ok(noCredential) }))).toEqual(['no Authorization header was answered 204']);
    expect(messages('ignored_auth', single({ auth: { kind: 'unknown-token' }, answer: answer(200) }))).toEqual(['a well-formed token of no session was answered 200']);
  });

  it('fails a refused credential after which the session is gone', () => {
    expect(messages('ignored_auth', single({ auth: { kind: 'off-by-one', mutation: 'drop-last' }, answer: refused(401), sessionAlive: false }))).toEqual([
      'answered 401, yet the session is gone (GET /connect/session)',
    ]);
  });

  it('fails a 204 to a wrong credential once, and a 200 that deleted the session twice', () => {
    const offByOne: AuthSpec = { kind: 'off-by-one', mutation: 'drop-last' };
    expect(messages('ignored_auth', single({ auth: offByOne, answer: ok(), sessionAlive: false }))).toHaveLength(1);
    expect(messages('ignored_auth', single({ auth: offByOne, answer: answer(200), sessionAlive: false }))).toEqual([
      expect.stringMatching(/was answered 200$/),
      'answered 200, yet the session is gone (GET /connect/session)',
    ]);
  });
});

describe('use_after_free', () => {
  it('does not judge a single request that got no 204, a method or a request without an answer', () => {
    expect(verdict('use_after_free', single({ answer: refused(401) })).judged).toBe(0);
    expect(verdict('use_after_free', methodCase(answer(405, {}, request('PUT')))).judged).toBe(0);
    expect(verdict('use_after_free', noAnswer('reset')).judged).toBe(0);
    expect(check('use_after_free').judge(methodCase(answer(200, {}, request('PUT'))), context)).toEqual([]);
  });

  it('passes a credential refused after its 204', () => {
    expect(verdict('use_after_free', single({ answer: ok(), followUp: refused(401) }))).toEqual({ judged: 1, failures: [] });
  });

  it('fails a credential accepted again after its 204', () => {
    const again = ok();
    const { failures } = verdict('use_after_free', single({ answer: ok(), followUp: again }));
    expect(failures.map((failure) => [failure.check, failure.message, failure.request])).toEqual([['use_after_free', 'the same credential was answered 204 again after a 204', again.request]]);
  });

  it('passes deletes of one session of which one succeeds', () => {
    expect(verdict('use_after_free', oneSession([refused(404), ok(), refused(404)], false))).toEqual({ judged: 1, failures: [] });
  });

  it('fails each delete of one session accepted after the first', () => {
    const answers = [refused(404), ok(), refused(404), ok(), answer(200)];
    const { failures } = verdict('use_after_free', oneSession(answers, false));
    expect(failures.map((failure) => [failure.check, failure.message, failure.request])).toEqual([
      ['use_after_free', '3 of 5 deletes of one session were answered 2xx', answers[3]?.request],
      ['use_after_free', '3 of 5 deletes of one session were answered 2xx', answers[4]?.request],
    ]);
    expect(failures[0]?.request).toBe(answers[3]?.request);
  });
});

describe('positive_data_acceptance', () => {
  it('judges a request the spec allows, with a live bearer token in any form HTTP allows or the secret key', () => {
    expect(verdict('positive_data_acceptance', single({ auth: { kind: 'session', form: 'double-space' }, answer: ok() }))).toEqual({ judged: 1, failures: [] });
    expect(verdict('positive_data_acceptance', single({ auth: { kind: 'secret-key' }, answer: ok() }))).toEqual({ judged: 1, failures: [] });
  });

  it('does not judge a request the spec does not allow, or one with a wrong credential, or a method', () => {
    expect(verdict('positive_data_acceptance', single({ query: [['a', '1']], answer: refused(400) }))).toEqual({ judged: 0, failures: [] });
    expect(verdict('positive_data_acceptance', single({ auth: { kind: 'unknown-token' }, answer: refused(401) }))).toEqual({ judged: 0, failures: [] });
    expect(verdict('positive_data_acceptance', methodCase(refused(405, 'x', request('PUT')))).judged).toBe(0);
    expect(check('positive_data_acceptance').judge(methodCase(refused(405, 'x', request('PUT'))), context)).toEqual([]);
  });

  it('fails a request the spec allows that is refused, naming the credential, the status and the error code', () => {
    expect(messages('positive_data_acceptance', single({ answer: refused(401, 'unknown_connect_session_token') }))).toEqual([
      "a request the spec allows, with a live session's token as `Bearer <token>`, was answered 401 (unknown_connect_session_token)",
    ]);
    expect(messages('positive_data_acceptance', single({ answer: answer(404) }))).toEqual([
      "a request the spec allows, with a live session's token as `Bearer <token>`, was answered 404",
    ]);
  });

  it('passes deletes of a live session of which one is accepted', () => {
    expect(verdict('positive_data_acceptance', oneSession([refused(404), answer(200)], false))).toEqual({ judged: 1, failures: [] });
  });

  it('fails deletes of a live session none of which is accepted, on the first, with every status', () => {
    const first = refused(401);
    const { failures } = verdict('positive_data_acceptance', oneSession([first, refused(404), answer(300)], true));
    expect(failures.map((failure) => [failure.check, failure.message, failure.request])).toEqual([['positive_data_acceptance', 'no delete of a live session was accepted (401, 404, 300)', first.request]]);
  });
});

describe('session_deleted_only_by_204', () => {
  const name = 'session_deleted_only_by_204';

  it('does not judge a request that named no session, or one without an answer', () => {
    expect(verdict(name, single({ answer: ok() })).judged).toBe(0);
    expect(verdict(name, noAnswer('reset'))).toEqual({ judged: 0, failures: [] });
  });

  it('passes a 204 after which the session is gone, and a refusal after which it lives', () => {
    expect(verdict(name, single({ answer: ok(), sessionAlive: false }))).toEqual({ judged: 1, failures: [] });
    expect(verdict(name, single({ answer: refused(400), sessionAlive: true }))).toEqual({ judged: 1, failures: [] });
  });

  it('fails a 204 after which the session still lives', () => {
    expect(messages(name, single({ answer: ok(), sessionAlive: true }))).toEqual(['answered 204, yet the session still lives (GET /connect/session)']);
  });

  it('fails an answer other than 204 after which the session is gone, a 200 too', () => {
    expect(messages(name, single({ answer: refused(400), sessionAlive: false }))).toEqual(['answered 400, yet the session is gone (GET /connect/session)']);
    expect(messages(name, single({ auth: { kind: 'secret-key' }, answer: answer(200), sessionAlive: false }))).toEqual(['answered 200, yet the session is gone (GET /connect/session)']);
  });

  it('leaves a wrong credential that deleted the session to ignored_auth', () => {
    expect(verdict(name, single({ auth: { kind: 'deleted-session' }, answer: refused(401), sessionAlive: false }))).toEqual({ judged: 1, failures: [] });
  });

  it('passes deletes of one session that was deleted when one was accepted, or lives when none was', () => {
    expect(verdict(name, oneSession([ok(), refused(404)], false))).toEqual({ judged: 1, failures: [] });
    expect(verdict(name, oneSession([refused(401), refused(401)], true))).toEqual({ judged: 1, failures: [] });
  });

  it('fails deletes of one session accepted while it still lives, or all refused while it is gone, on the first', () => {
    const first = refused(404);
    expect(verdict(name, oneSession([first, ok()], true)).failures.map((failure) => [failure.message, failure.request])).toEqual([
      ['a delete was answered 2xx, yet the session still lives', first.request],
    ]);
    expect(messages(name, oneSession([refused(401), refused(404)], false))).toEqual(['no delete was answered 2xx, yet the session is gone']);
  });

  it('passes another method after which the session lives, and fails one after which it is gone', () => {
    expect(verdict(name, methodCase(answer(405, {}, request('POST')), { sessionAlive: true }))).toEqual({ judged: 1, failures: [] });
    expect(messages(name, methodCase(answer(405, {}, request('POST')), { sessionAlive: false }))).toEqual(['POST answered 405, yet the session is gone (GET /connect/session)']);
  });
});

describe('unsupported_method', () => {
  const name = 'unsupported_method';
  const sent = (method: string): SentRequest => request(method);
  const allowing = (method: string, allow: string): Observation => methodCase(answer(405, { headers: { allow } }, sent(method)));

  it('judges only requests with a method the spec does not document', () => {
    expect(verdict(name, single({ answer: refused(405) })).judged).toBe(0);
    expect(check(name).judge(single({ answer: refused(405) }), context)).toEqual([]);
    expect(verdict(name, allowing('PUT', 'DELETE')).judged).toBe(1);
  });

  it('passes a 405 whose Allow header names DELETE, in any case and spacing', () => {
    expect(verdict(name, allowing('PUT', 'DELETE'))).toEqual({ judged: 1, failures: [] });
    expect(verdict(name, allowing('PATCH', 'GET, delete ,OPTIONS')).failures).toEqual([]);
  });

  it('fails a 405 whose Allow header leaves DELETE out', () => {
    expect(messages(name, allowing('PUT', 'GET, POST'))).toEqual(['PUT answered 405 with Allow: GET, POST, which leaves out DELETE, the method the spec documents']);
  });

  it('fails a 405 without an Allow header', () => {
    expect(messages(name, methodCase(answer(405, {}, sent('TRACE'))))).toEqual([
      'TRACE answered 405 without an Allow header naming the methods the resource supports (RFC 9110 §15.5.6)',
    ]);
  });

  it('fails an answer that is neither 2xx nor 405', () => {
    expect(messages(name, methodCase(refused(404, 'x', sent('PUT'))))).toEqual(['PUT answered 404, not 405 Method Not Allowed (RFC 9110 §15.5.6)']);
  });

  it('fails a 2xx to an undocumented method: the spec is incomplete', () => {
    expect(messages(name, methodCase(answer(200, {}, sent('POST'))))).toEqual([
      'POST /connect/session answered 200: the server serves a method the spec does not document, so the spec is incomplete (or the server should answer 405)',
    ]);
  });

  it('passes OPTIONS answered 2xx, as HTTP allows, and judges it otherwise like any method', () => {
    expect(verdict(name, methodCase(answer(204, {}, sent('OPTIONS'))))).toEqual({ judged: 1, failures: [] });
    expect(messages(name, methodCase(answer(404, {}, sent('OPTIONS'))))).toEqual(['OPTIONS answered 404, not 405 Method Not Allowed (RFC 9110 §15.5.6)']);
  });

  it("passes HEAD answered as GET was, and judges it otherwise like any method", () => {
    const get = refused(401, 'x', sent('GET'));
    expect(verdict(name, methodCase(answer(401, {}, sent('HEAD')), { get }))).toEqual({ judged: 1, failures: [] });
    expect(messages(name, methodCase(answer(404, {}, sent('HEAD')), { get }))).toEqual(['HEAD answered 404, not 405 Method Not Allowed (RFC 9110 §15.5.6)']);
    expect(messages(name, methodCase(answer(200, {}, sent('HEAD'))))).toHaveLength(1);
    expect(messages(name, methodCase(answer(200, {}, sent('PUT')), { get: answer(200, {}, sent('GET')) }))).toHaveLength(1);
  });
});

describe('max_response_time', () => {
  const name = 'max_response_time';
  const bounded: JudgeContext = { ...context, maxResponseMs: 100 };

  it('judges nothing, however slow, without HOSTILE_MAX_RESPONSE_MS', () => {
    expect(verdict(name, single({ answer: answer(204, {}, request(), 60_000) }))).toEqual({ judged: 0, failures: [] });
  });

  it('passes every answer within the bound, the bound itself included', () => {
    expect(verdict(name, single({ answer: answer(204, {}, request(), 100), followUp: refused(401) }), bounded)).toEqual({ judged: 2, failures: [] });
  });

  it('fails each answer slower than the bound, with its method, status and rounded time', () => {
    const observation = oneSession([answer(204, {}, request(), 100.4), answer(404, {}, request(), 99), answer(404, {}, request(), 250.6)], false);
    expect(messages(name, observation, bounded)).toEqual([
      'DELETE answered 204 in 100 ms, over HOSTILE_MAX_RESPONSE_MS (100 ms)',
      'DELETE answered 404 in 251 ms, over HOSTILE_MAX_RESPONSE_MS (100 ms)',
    ]);
  });
});

describe('the lifecycle’s other operations', () => {
  const SECRET = 'Bearer the-secret-key';
  const create = (got: Answer, parts: Partial<SingleParts> = {}): Single =>
    single({ operation: CREATE_SESSION, auth: { kind: 'secret-key' }, body: { kind: 'valid', value: { end_user: { id: 'u' } } }, contentType: 'application/json', answer: got, ...parts });
  const created = (status = 201): Answer => answer(status, { body: { data: { token: 't', expires_at: '2026-12-02T10:00:00.000Z' } } }, { ...request('POST', SECRET, '/connect/sessions'), body: '{}' });

  it('created_session_answers_get judges a creating request whose answer made a session, and passes one GET knows', () => {
    expect(verdict('created_session_answers_get', create(created()))).toEqual({ judged: 0, failures: [] });
    expect(verdict('created_session_answers_get', create(created(), { createdSession: 'answers-get' }))).toEqual({ judged: 1, failures: [] });
  });

  it('created_session_answers_get fails a 2xx without a token, and one whose session GET does not know', () => {
    expect(messages('created_session_answers_get', create(created(), { createdSession: 'no-token' }))).toEqual(['POST /connect/sessions answered 201, yet its body holds no session token']);
    expect(messages('created_session_answers_get', create(created(), { createdSession: 'gone' }))).toEqual(['POST /connect/sessions answered 201, yet GET /connect/session does not know the session its token names']);
  });

  it('negative_data_rejection names the operation of a body its schema forbids that was accepted', () => {
    const forbidden = create(created(), { body: { kind: 'invalid', label: 'body:missing-required:end_user.id', value: { end_user: {} } } });
    expect(messages('negative_data_rejection', forbidden)).toEqual(['a request to POST /connect/sessions the spec does not allow (a body its schema forbids (body:missing-required:end_user.id)) was answered 201']);
    expect(verdict('negative_data_rejection', create(created()))).toEqual({ judged: 0, failures: [] });
  });

  it('positive_data_acceptance names the operation of a body the spec allows that was refused', () => {
    expect(messages('positive_data_acceptance', create(refused(400, 'invalid_body', { ...request('POST', SECRET, '/connect/sessions'), body: '{}' })))).toEqual([
      'a request to POST /connect/sessions the spec allows, with the environment secret key, as the security scheme documents, was answered 400 (invalid_body)',
    ]);
  });

  it('judge a GET with a body by neither data rule: content in a GET has no defined meaning (RFC 9110 §9.3.1)', () => {
    const get = single({ operation: GET_SESSION, body: { kind: 'json', text: '{}' }, contentType: 'application/json', answer: answer(200, { body: { data: { token: 't', expires_at: 'x' } } }, request('GET')) });
    expect(verdict('negative_data_rejection', get).judged).toBe(0);
    expect(verdict('positive_data_acceptance', get).judged).toBe(0);
    const plain = single({ operation: GET_SESSION, answer: refused(401, 'unknown_connect_session_token', request('GET')) });
    expect(verdict('positive_data_acceptance', plain).judged).toBe(1);
  });

  it('session_deleted_only_by_204 names the method of another operation that made a session go', () => {
    const get = single({ operation: GET_SESSION, answer: answer(200, { body: { data: { token: 't', expires_at: 'x' } } }, request('GET')), sessionAlive: false });
    expect(messages('session_deleted_only_by_204', get)).toEqual(['GET answered 200, yet the session is gone (GET /connect/session)']);
    expect(messages('session_deleted_only_by_204', single({ operation: GET_SESSION, answer: ok(request('GET')), sessionAlive: true }))).toEqual([]);
  });

  it('tell failures of another operation apart by it, and DELETE /connect/session’s as before', () => {
    expect(failureKey({ check: 'not_a_server_error', status: 500, code: undefined, request: request('POST', SECRET, '/connect/sessions') })).toBe('not_a_server_error 500 - POST /connect/sessions');
    expect(failureKey({ check: 'not_a_server_error', status: 500, code: undefined, request: request('DELETE') })).toBe('not_a_server_error 500 -');
    expect(failureKey({ check: 'not_a_server_error', status: 500, code: undefined, request: request('PUT', SECRET, '/connect/sessions') })).toBe('not_a_server_error 500 -');
  });
});
