import { DELETE_SESSION } from '../nangoApi';
import { HTTP_METHODS, type ResponseValidators } from '../openapi/responseValidators';
import type { HostileCase } from './hostileCases';

/**
 * The coverage pass, sent first on every run (not when replaying one case): the kinds of request that must be
 * judged every time, whatever the random search draws. Each method the spec does not document for the path, with a
 * live session's token (OPTIONS and HEAD among them: HTTP gives them meanings of their own, which the check allows).
 */
export function coverageCases(validators: ResponseValidators): HostileCase[] {
  const documented = validators.documentedMethods(DELETE_SESSION.path);
  return HTTP_METHODS.filter((method) => !documented.includes(method)).map((method) => ({ kind: 'method', method: method.toUpperCase() }));
}
