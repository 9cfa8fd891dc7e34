/**
 * Response validation against the schemas compiled from spec/: a documented error body passes, and each way a
 * response can break the spec is reported in one readable line that names the status and the JSON pointer.
 */
import { DELETE_SESSION, nangoValidators } from '../../contracts/cases';
import type { ObservedResponse } from '../../contracts/openapi/responseValidators';
import { specVariant } from '../support/specVariant';

const { method, path } = DELETE_SESSION;
const validators = nangoValidators();
const json = (status: number, body: unknown): ObservedResponse => ({ status, contentType: 'application/json', bodyText: JSON.stringify(body) });
const check = (response: ObservedResponse): string[] => validators.checkResponse(method, path, response);

describe('checking a response against the spec', () => {
  it('accepts a StdError body with code, message and errors', () => {
    expect(check(json(400, { error: { code: 'invalid_body', message: 'm', errors: [{ code: 'c', message: 'm', path: [] }] } }))).toEqual([]);
  });

  it('accepts an empty 204', () => {
    expect(check({ status: 204, contentType: undefined, bodyText: '' })).toEqual([]);
  });

  it('names an additional property and where it is', () => {
    expect(check(json(401, { error: { code: 'x', payload: 1 } }))).toEqual(["401 body: /error must NOT have additional property 'payload'"]);
    expect(check(json(404, { error: { code: 'x' }, trace: 'id' }))).toEqual(["404 body: (root) must NOT have additional property 'trace'"]);
  });

  it('names a missing code', () => {
    expect(check(json(404, { error: { message: 'gone' } }))).toEqual(["404 body: /error must have required property 'code'"]);
  });

  it('names a property of the wrong type', () => {
    expect(check(json(400, { error: { code: 42, errors: 'none' } }))).toEqual(['400 body: /error/code must be string', '400 body: /error/errors must be array']);
  });

  it('reports a status the spec does not document', () => {
    expect(check(json(418, {}))).toEqual(['418 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)']);
  });

  it('reports a body on a status documented without one', () => {
    expect(check(json(204, { ok: true }))).toEqual(['204 body: the spec documents no body, but got 11 bytes (application/json)']);
  });

  it('reports an undocumented content type, a missing one, and a body that is not JSON', () => {
    expect(check({ status: 401, contentType: 'text/plain', bodyText: 'Unauthorized' })).toEqual([
      '401 content type: text/plain is not documented (documented: application/json)',
    ]);
    expect(check({ status: 401, contentType: undefined, bodyText: '{}' })).toEqual(['401 content type: missing (documented: application/json)']);
    expect(check({ status: 401, contentType: 'application/json', bodyText: '<html>' })[0]).toMatch(/^401 body: not valid JSON \(/);
  });

  it('follows the spec it was compiled from, not a copy', () => {
    const loose = specVariant((root) => {
      const stdError = (root['components'] as { schemas: { StdError: { properties: { error: Record<string, unknown> } } } }).schemas.StdError;
      stdError.properties.error['additionalProperties'] = true;
    });
    expect(loose.checkResponse(method, path, json(401, { error: { code: 'x', payload: 1 } }))).toEqual([]);
  });

  it('documents ranges such as 4XX', () => {
    const ranged = specVariant((root) => {
      const responses = (root['paths'] as Record<string, { delete: { responses: Record<string, unknown> } }>)['/connect/session']!.delete.responses;
      responses['4XX'] = responses['404'];
      delete responses['404'];
    });
    expect(ranged.documentedKeyFor(method, path, 409)).toBe('4XX');
    expect(ranged.checkResponse(method, path, json(409, { error: { code: 'conflict', extra: 1 } }))).toEqual([
      "409 body: /error must NOT have additional property 'extra'",
    ]);
  });
});
