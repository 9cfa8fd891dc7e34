import { SpecError } from '../openapi/specDocument';
import type { ResponseValidators } from '../openapi/responseValidators';
import type { PactFile } from './pactFile';

/**
 * Every example response in the pact must be one the spec allows: a documented status, a documented
 * media type, and a body valid against that status's schema. Returns one line per problem.
 */
export function checkExamplesAgainstSpec(pact: PactFile, validators: ResponseValidators): string[] {
  return pact.interactions.flatMap(({ description, request, response }) => {
    try {
      return validators.checkResponse(request.method, request.path, response).map((problem) => `"${description}": ${problem}`);
    } catch (error) {
      if (error instanceof SpecError) return [`"${description}": ${error.message}`];
      throw error;
    }
  });
}

/**
 * Both directions of status coverage for one operation: each status the spec documents has an interaction,
 * and each interaction's status is one the spec documents.
 */
export function checkStatusCoverage(pact: PactFile, validators: ResponseValidators, method: string, path: string): string[] {
  const documented = validators.documentedStatuses(method, path);
  const ofOperation = pact.interactions.filter(
    ({ request }) => request.method.toLowerCase() === method.toLowerCase() && validators.templateOf(method, request.path) === path,
  );
  const keyOf = (status: number): string | undefined => validators.documentedKeyFor(method, path, status);
  const label = `${method.toUpperCase()} ${path}`;
  const uncovered = documented
    .filter((key) => key !== 'default' && !ofOperation.some(({ response }) => keyOf(response.status) === key))
    .map((key) => `${label} documents ${key}, but no interaction covers it`);
  const undocumented = ofOperation
    .filter(({ response }) => keyOf(response.status) === undefined)
    .map(({ description, response }) => `"${description}" expects ${response.status}, which the spec does not document for ${label}`);
  return [...uncovered, ...undocumented];
}
