import type { RawResponse } from '../client/boundedFetch';
import { isJsonObject } from '../json';
import type { ResponseValidators } from '../openapi/responseValidators';
import type { SentRequest } from './rawRequest';

/** The checks, named as Schemathesis names them where it has one; the last is this suite's own. */
export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'ignored_auth',
  'use_after_free',
  'positive_data_acceptance',
  'session_deleted_only_by_204',
] as const;
export type CheckName = (typeof CHECKS)[number];

/** One check that failed on one request. */
export interface Failure {
  readonly check: CheckName;
  readonly status: number | undefined;
  /** `error.code` of the answer, when it has one. */
  readonly code: string | undefined;
  readonly message: string;
  /** The request the failure is about. */
  readonly request: SentRequest;
}

/** Failures are told apart by check, status and error code: the rest is the same finding again. */
export function failureKey(failure: Pick<Failure, 'check' | 'status' | 'code'>): string {
  return `${failure.check} ${failure.status ?? 'none'} ${failure.code ?? '-'}`;
}

export function errorCodeOf(response: RawResponse): string | undefined {
  try {
    const body: unknown = JSON.parse(response.bodyText);
    const error = isJsonObject(body) ? body['error'] : undefined;
    const code = isJsonObject(error) ? error['code'] : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export const is2xx = (status: number): boolean => status >= 200 && status < 300;

/** The checks every answer gets: no server error, and a documented status, content type and body. */
export function responseChecks(validators: ResponseValidators, request: SentRequest, response: RawResponse): Failure[] {
  const failure = (check: CheckName, message: string): Failure => ({ check, status: response.status, code: errorCodeOf(response), message, request });
  const failures: Failure[] = [];
  if (response.status >= 500) failures.push(failure('not_a_server_error', `answered ${response.status}`));
  const conformance = validators.conformance('delete', '/connect/session', response);
  failures.push(...conformance.status.map((problem) => failure('status_code_conformance', problem)));
  failures.push(...conformance.contentType.map((problem) => failure('content_type_conformance', problem)));
  failures.push(...conformance.schema.map((problem) => failure('response_schema_conformance', problem)));
  return failures;
}
