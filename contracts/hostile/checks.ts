import { operationAt, SETUP } from '../cases';
import type { RawResponse } from '../client/boundedFetch';
import { is2xx } from '../http/status';
import { operationLabel, stdErrorCode } from '../nangoApi';
import type { ResponseConformance as Conformance, ResponseValidators } from '../openapi/responseValidators';
import { answersOf, type Answer, type Observation } from './observation';
import { refusedFields } from './rootCause';
import { isDeleteSession, operationOf } from './operations';
import type { SentRequest } from './rawRequest';
import { credentialOf, describeAuth, whyNotAllowed, whyNotAllowedWithBody, type CredentialKind } from './specRules';

/** How messages name the request that tells whether a session lives. */
const GET_SESSION_LABEL = operationLabel(SETUP.getSession);

/**
 * The hostile run's checks, one entry each: its name (Schemathesis's where it has one), the rule it holds the
 * provider to, how many of a case's requests it judges, and the judgement. The runner only records what happened
 * (observation.ts); which checks were applied, and how often, is derived from this registry alone.
 */
export interface Check {
  readonly name: string;
  /** The rule, as one sentence, with its source. */
  readonly meaning: string;
  /** How many of the case's requests it judges: 0 when it does not apply to the case. */
  judgedRequests(observation: Observation, context: JudgeContext): number;
  judge(observation: Observation, context: JudgeContext): Failure[];
}

/** What the checks judge by, besides the observation. */
export interface JudgeContext {
  readonly validators: ResponseValidators;
  /** HOSTILE_MAX_RESPONSE_MS: the slowest answer allowed; no bound when undefined. */
  readonly maxResponseMs: number | undefined;
  /** SPEC_CLOSED_RESPONSES: a property of a body that the spec does not name breaks its schema too. */
  readonly closedResponses?: boolean;
}

/** One check that failed on one request. */
export interface Failure {
  /** The name of the check that failed. */
  readonly check: string;
  readonly status: number | undefined;
  /** `error.code` of the answer, when it has one. */
  readonly code: string | undefined;
  readonly message: string;
  /** The request the failure is about. */
  readonly request: SentRequest;
  /** The fields a refusal names (`errors[].path`, dotted): refusals of different fields are different failures. */
  readonly fields?: readonly string[];
}


const failureOf = (check: string, request: SentRequest, response: RawResponse, message: string): Failure => {
  const fields = response.status >= 400 && response.status < 500 ? refusedFields(response.bodyText) : [];
  return { check, status: response.status, code: stdErrorCode(response.bodyText), message: fields.length ? `${message}, refusing ${fields.join(', ')}` : message, request, ...(fields.length ? { fields } : {}) };
};

const pathOfRequest = (request: SentRequest): string => new URL(request.target, 'http://x').pathname;

/** The spec's verdict on one answer, worked out once for the three conformance checks that read it. */
const conformances = new WeakMap<RawResponse, Conformance>();
function conformanceOf(validators: ResponseValidators, { request, response }: Answer): Conformance {
  let conformance = conformances.get(response);
  if (!conformance) {
    conformance = validators.conformance(request.method, pathOfRequest(request), response);
    conformances.set(response, conformance);
  }
  return conformance;
}

/** The answers to an operation the spec documents (each judged by its own operation's responses). */
const documentedAnswersOf = (observation: Observation, validators: ResponseValidators): Answer[] =>
  answersOf(observation).filter(({ request }) => validators.documentedMethods(pathOfRequest(request)).some((method) => method.toUpperCase() === request.method));

/** What the answer's body holds that its schema does not name (asked for with SPEC_CLOSED_RESPONSES). */
const undocumentedOf = (validators: ResponseValidators, { request, response }: Answer): string[] => validators.undocumentedProperties(request.method, pathOfRequest(request), response);

/** A check of every answer to a documented operation against one part of the spec's verdict for that operation. */
function conformanceCheck(name: string, meaning: string, part: keyof Conformance): Check {
  return {
    name,
    meaning,
    judgedRequests: (observation, { validators }) => documentedAnswersOf(observation, validators).length,
    judge: (observation, { validators, closedResponses }) =>
      documentedAnswersOf(observation, validators).flatMap((answer) =>
        [...conformanceOf(validators, answer)[part], ...(part === 'schema' && closedResponses === true ? undocumentedOf(validators, answer) : [])].map((problem) =>
          failureOf(name, answer.request, answer.response, problem),
        ),
      ),
  };
}

/** A check of the one hostile request of a `single` case, when `applies` says so of it. */
function singleCheck(
  name: string,
  meaning: string,
  applies: (observation: Observation & { kind: 'single' }, context: JudgeContext) => boolean,
  judge: (observation: Observation & { kind: 'single' }, context: JudgeContext) => Array<readonly [Answer, string]>,
): Check {
  return {
    name,
    meaning,
    judgedRequests: (observation, context) => (observation.kind === 'single' && applies(observation, context) ? 1 : 0),
    judge: (observation, context) =>
      observation.kind === 'single' && applies(observation, context) ? judge(observation, context).map(([{ request, response }, message]) => failureOf(name, request, response, message)) : [],
  };
}

const authorizationOf = (answer: Answer): string | undefined => answer.request.headers['authorization'];

/**
 * What about the request the spec does not allow ('' when nothing; undefined when the spec does not say): an
 * operation without a request body is sent none, one with a JSON body is sent one its schema allows, as JSON.
 */
function notAllowed(observation: Observation & { kind: 'single' }, validators: ResponseValidators): string | undefined {
  const operation = operationOf(observation.hostile);
  const authorization = authorizationOf(observation.answer);
  // RFC 9110 §9.3.1: content in a GET has no defined semantics, so a server may ignore it as well as refuse it.
  if (operation.method === 'get' && observation.hostile.body.kind !== 'none') return undefined;
  return validators.documentsRequestBody(operation.method, operation.path)
    ? whyNotAllowedWithBody(observation.hostile, operation, authorization, validators)
    : whyNotAllowed(observation.hostile, authorization);
}
const allowed = (observation: Observation & { kind: 'single' }, validators: ResponseValidators): boolean => notAllowed(observation, validators) === '';
const forbidden = (observation: Observation & { kind: 'single' }, validators: ResponseValidators): boolean => (notAllowed(observation, validators) ?? '') !== '';

/** How the case's credential counts for its operation, which authenticates as its case table says. */
function credentialFor(observation: Observation & { kind: 'single' }): CredentialKind {
  const operation = operationOf(observation.hostile);
  return credentialOf(observation.auth, operationAt(operation.method, operation.path)?.auth ?? 'session-token');
}
/** ` to POST /connect/sessions`: where a request went, in a message, when it is not DELETE /connect/session (the run's first operation). */
function toOperation(observation: Observation & { kind: 'single' }): string {
  const operation = operationOf(observation.hostile);
  return isDeleteSession(operation) ? '' : ` to ${operationLabel(operation)}`;
}
const accepted = (answers: readonly Answer[]): Answer[] => answers.filter((answer) => is2xx(answer.response.status));
/** What the spec allows, with a live bearer token or the secret key its security scheme names: positive_data_acceptance's. */
function mustBeAccepted(observation: Observation & { kind: 'single' }, validators: ResponseValidators): boolean {
  const credential = credentialFor(observation);
  return allowed(observation, validators) && (credential === 'valid' || credential === 'spec-documented');
}

/** The registry, in the order the report lists the checks. */
export const CHECKS: readonly Check[] = [
  // RFC 9110 §15.6: a 5xx says the server failed; no request, however hostile, should make it fail.
  {
    name: 'not_a_server_error',
    meaning: 'Every request gets an answer, and no answer is a 5xx (RFC 9110 §15.6: the server failed).',
    judgedRequests: (observation) => (observation.kind === 'no-answer' ? 1 : answersOf(observation).length),
    judge: (observation) =>
      observation.kind === 'no-answer'
        ? [{ check: 'not_a_server_error', status: undefined, code: undefined, message: observation.reason, request: observation.request }]
        : answersOf(observation).flatMap(({ request, response }) =>
            response.status >= 500 ? [failureOf('not_a_server_error', request, response, `answered ${response.status}`)] : [],
          ),
  },
  // OpenAPI 3.1 §4.8.16: the responses object lists the statuses the operation answers with.
  conformanceCheck('status_code_conformance', "Every answer to a lifecycle operation has a status the spec documents for that operation (OpenAPI 3.1 Responses Object).", 'status'),
  // OpenAPI 3.1 §4.8.17: a documented response names its media types.
  conformanceCheck('content_type_conformance', "Every answer's Content-Type is a media type the spec documents for its status (OpenAPI 3.1 Response Object, content).", 'contentType'),
  // OpenAPI 3.1 §4.8.14 / JSON Schema 2020-12: the body validates against the schema of its status and media type.
  conformanceCheck('response_schema_conformance', "Every answer's body validates against the schema the spec gives its status (JSON Schema 2020-12).", 'schema'),
  // The spec documents no parameters, a bearer credential, and for each operation its request body (none for GET
  // and DELETE, a JSON one of its schema for the POSTs): anything else must be refused.
  singleCheck(
    'negative_data_rejection',
    'A request the spec does not allow (a query parameter, a body where none is documented, a body its schema forbids or not sent as JSON, no bearer credential) is not answered 2xx.',
    (observation, { validators }) => forbidden(observation, validators),
    (observation, { validators }) => {
      const { answer } = observation;
      return is2xx(answer.response.status) ? [[answer, `a request${toOperation(observation)} the spec does not allow (${notAllowed(observation, validators) ?? ''}) was answered ${answer.response.status}`]] : [];
    },
  ),
  // OpenAPI security requirement: the operation is refused without valid credentials, and then deletes nothing.
  singleCheck(
    'ignored_auth',
    'A missing or wrong credential is refused, and deletes nothing (the operation has a security requirement).',
    (observation) => credentialFor(observation) === 'invalid',
    ({ auth, answer, sessionAlive }) => [
      ...(is2xx(answer.response.status) ? [[answer, `${describeAuth(auth)} was answered ${answer.response.status}`] as const] : []),
      ...(sessionAlive === false && answer.response.status !== 204 ? [[answer, `answered ${answer.response.status}, yet the session is gone (${GET_SESSION_LABEL})`] as const] : []),
    ],
  ),
  // A deleted session's token is a freed resource: using it again must not succeed (Schemathesis: use_after_free).
  {
    name: 'use_after_free',
    meaning: 'Once a session is deleted (204), its token is never accepted again, and of deletes of one session only one succeeds.',
    judgedRequests: (observation) => {
      if (observation.kind === 'single') return observation.followUp ? 1 : 0;
      return observation.kind === 'one-session' ? 1 : 0;
    },
    judge: (observation) => {
      if (observation.kind === 'single') {
        const again = observation.followUp;
        return again && is2xx(again.response.status) ? [failureOf('use_after_free', again.request, again.response, `the same credential was answered ${again.response.status} again after a 204`)] : [];
      }
      if (observation.kind !== 'one-session') return [];
      const ok = accepted(observation.answers);
      return ok.slice(1).map(({ request, response }) => failureOf('use_after_free', request, response, `${ok.length} of ${observation.answers.length} deletes of one session were answered 2xx`));
    },
  },
  // What the spec allows (no query, no body, a bearer credential it names) must be accepted.
  {
    name: 'positive_data_acceptance',
    meaning: 'A request the spec allows, with a live credential (or the secret key its security scheme names), is answered 2xx.',
    judgedRequests: (observation, { validators }) => (observation.kind === 'one-session' || (observation.kind === 'single' && mustBeAccepted(observation, validators)) ? 1 : 0),
    judge: (observation, { validators }) => {
      if (observation.kind === 'one-session') {
        const [first] = observation.answers;
        const statuses = observation.answers.map((answer) => answer.response.status).join(', ');
        return accepted(observation.answers).length === 0 && first ? [failureOf('positive_data_acceptance', first.request, first.response, `no delete of a live session was accepted (${statuses})`)] : [];
      }
      if (observation.kind !== 'single' || !mustBeAccepted(observation, validators)) return [];
      const { request, response } = observation.answer;
      const code = stdErrorCode(response.bodyText);
      return is2xx(response.status)
        ? []
        : [failureOf('positive_data_acceptance', request, response, `a request${toOperation(observation)} the spec allows, with ${describeAuth(observation.auth)}, was answered ${response.status}${code ? ` (${code})` : ''}`)];
    },
  },
  // This suite's own: the spec documents 204 as "deleted", so only a 204 may delete, and a 204 must have.
  {
    name: 'session_deleted_only_by_204',
    meaning: `A session is gone after a request exactly when the request was answered 204 (${GET_SESSION_LABEL} tells).`,
    judgedRequests: (observation) => {
      // Stryker disable next-line ConditionalExpression,StringLiteral: a no-answer case has no sessionAlive either, so not telling it apart (`false`, or another kind's name) judges the same (`true` the tests kill); the test is there for the type.
      if (observation.kind === 'no-answer') return 0;
      return observation.sessionAlive === undefined ? 0 : 1;
    },
    judge: (observation) => {
      if (observation.kind === 'method') {
        // No method but DELETE may delete a session: the spec documents no other.
        const { request, response } = observation.answer;
        return observation.sessionAlive ? [] : [failureOf('session_deleted_only_by_204', request, response, `${request.method} answered ${response.status}, yet the session is gone (${GET_SESSION_LABEL})`)];
      }
      if (observation.kind === 'one-session') {
        const [first] = observation.answers;
        const deleted = accepted(observation.answers).length > 0;
        if (!first || observation.sessionAlive !== deleted) return [];
        const message = observation.sessionAlive ? 'a delete was answered 2xx, yet the session still lives' : 'no delete was answered 2xx, yet the session is gone';
        return [failureOf('session_deleted_only_by_204', first.request, first.response, message)];
      }
      if (observation.kind === 'no-answer') return [];
      const { answer, sessionAlive } = observation;
      const { status } = answer.response;
      if (sessionAlive === undefined) return [];
      // Only DELETE /connect/session deletes: any other operation of the lifecycle leaves the session as it was.
      const deletes = isDeleteSession(operationOf(observation.hostile)) && status === 204;
      // A wrong credential that deleted the session is ignored_auth's.
      if (!sessionAlive && !deletes && credentialFor(observation) !== 'invalid') {
        return [failureOf('session_deleted_only_by_204', answer.request, answer.response, `${toOperation(observation) ? `${answer.request.method} ` : ''}answered ${status}, yet the session is gone (${GET_SESSION_LABEL})`)];
      }
      if (sessionAlive && deletes) return [failureOf('session_deleted_only_by_204', answer.request, answer.response, `answered 204, yet the session still lives (${GET_SESSION_LABEL})`)];
      return [];
    },
  },
  // RFC 9110 §15.5.6: a method the target resource does not support is answered 405, with an Allow header naming
  // those it does. OPTIONS and HEAD are judged so only when not answered as HTTP allows (§9.3.7, §9.3.2).
  {
    name: 'unsupported_method',
    meaning: `A method the spec does not document for a lifecycle path is answered 405 with an Allow header naming the one it documents that changes state (${operationLabel(SETUP.deleteSession).replace(' ', ' on ')}, POST on the POSTs' paths; RFC 9110 §15.5.6); a 2xx means the spec is incomplete.`,
    judgedRequests: (observation) => (observation.kind === 'method' ? 1 : 0),
    judge: (observation, { validators }) => {
      if (observation.kind !== 'method') return [];
      const { request, response } = observation.answer;
      const fail = (message: string): Failure[] => [failureOf('unsupported_method', request, response, message)];
      const { method } = request;
      const { status } = response;
      if (method === 'OPTIONS' && is2xx(status)) return [];
      if (method === 'HEAD' && observation.get && status === observation.get.response.status) return [];
      if (is2xx(status)) {
        return fail(`${method} ${request.target} answered ${status}: the server serves a method the spec does not document, so the spec is incomplete (or the server should answer 405)`);
      }
      if (status !== 405) return fail(`${method} answered ${status}, not 405 Method Not Allowed (RFC 9110 §15.5.6)`);
      const allow = response.headers.get('allow');
      if (allow === null) return fail(`${method} answered 405 without an Allow header naming the methods the resource supports (RFC 9110 §15.5.6)`);
      const allowed = allow.split(',').map((name) => name.trim().toUpperCase());
      // The methods that change state there (DELETE on /connect/session, as the rule has always asked; POST on the
      // POSTs' paths): GET is left out, as it was before the lifecycle, so the rule on /connect/session is unchanged.
      const documented = validators.documentedMethods(pathOfRequest(request)).filter((name) => name !== 'get');
      const missing = documented.map((name) => name.toUpperCase()).filter((name) => !allowed.includes(name));
      const [one] = missing;
      if (one === undefined) return [];
      return fail(`${method} answered 405 with Allow: ${allow}, which leaves out ${missing.join(', ')}, ${missing.length === 1 ? `the method the spec documents${one === 'DELETE' ? '' : ` for ${pathOfRequest(request)}`}` : `methods the spec documents for ${pathOfRequest(request)}`}`);
    },
  },
  // The spec documents a creating operation's 201 as the new ConnectSession (its token among its required fields):
  // the session it made is one GET /connect/session knows by that token.
  {
    name: 'created_session_answers_get',
    meaning: `A 2xx of an operation that creates a session (${operationLabel(SETUP.createSession)}, ${operationLabel(SETUP.reconnectSession)}) holds the token of a session that ${GET_SESSION_LABEL} answers (the spec: 201, the ConnectSession created).`,
    judgedRequests: (observation) => (observation.kind === 'single' && observation.createdSession !== undefined ? 1 : 0),
    judge: (observation) => {
      if (observation.kind !== 'single' || observation.createdSession === undefined || observation.createdSession === 'answers-get') return [];
      const { request, response } = observation.answer;
      const why = observation.createdSession === 'no-token' ? 'its body holds no session token' : `${GET_SESSION_LABEL} does not know the session its token names`;
      return [failureOf('created_session_answers_get', request, response, `${request.method} ${pathOfRequest(request)} answered ${response.status}, yet ${why}`)];
    },
  },
  // Schemathesis's max_response_time: an answer slower than the bound the user set fails.
  {
    name: 'max_response_time',
    meaning: 'Every answer comes within HOSTILE_MAX_RESPONSE_MS, when it is set.',
    judgedRequests: (observation, { maxResponseMs }) => (maxResponseMs === undefined ? 0 : answersOf(observation).length),
    judge: (observation, { maxResponseMs }) => {
      const bound = maxResponseMs ?? Infinity;
      return answersOf(observation).flatMap(({ request, response, durationMs }) =>
        durationMs > bound ? [failureOf('max_response_time', request, response, `${request.method} answered ${response.status} in ${Math.round(durationMs)} ms, over HOSTILE_MAX_RESPONSE_MS (${bound} ms)`)] : [],
      );
    },
  },
];

/** The checks' names, in the registry's order. */
export const CHECK_NAMES: readonly string[] = CHECKS.map((check) => check.name);

/** What the registry makes of one case: its failures, and how many requests each check judged. */
export interface Judgement {
  readonly failures: readonly Failure[];
  readonly judged: ReadonlyArray<readonly [string, number]>;
}

export function judge(observation: Observation, context: JudgeContext): Judgement {
  const judged: Array<readonly [string, number]> = [];
  const failures: Failure[] = [];
  for (const check of CHECKS) {
    const requests = check.judgedRequests(observation, context);
    if (requests === 0) continue;
    judged.push([check.name, requests]);
    failures.push(...check.judge(observation, context));
  }
  return { failures, judged };
}

/**
 * Failures are told apart by check, status and error code, and by the lifecycle operation the request went to
 * when it is another than DELETE /connect/session: the rest is the same finding again.
 */
export function failureKey(failure: Pick<Failure, 'check' | 'status' | 'code' | 'fields'> & { readonly request?: SentRequest }): string {
  const { request } = failure;
  const path = request ? pathOfRequest(request) : undefined;
  const operation = request && path !== undefined ? operationAt(request.method, path)?.operation : undefined;
  const where = operation && !isDeleteSession(operation) ? ` ${operationLabel(operation)}` : '';
  const fields = failure.fields?.length ? ` [${failure.fields.join(',')}]` : '';
  return `${failure.check} ${failure.status ?? 'none'} ${failure.code ?? '-'}${fields}${where}`;
}
