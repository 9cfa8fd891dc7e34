/**
 * The coverage pass of the lifecycle, as data: one case per kind of request of each of the four operations, and
 * each method the spec does not document on each of their paths (GET /connect/sessions too); a POST's cases carry
 * bodies its schema allows, and one breaking each kind of rule it has.
 */
import { coverageCases } from '../../contracts/hostile/coverage';
import { hostileOperations } from '../../contracts/hostile/operations';
import { nangoSpec } from '../../contracts/nangoApi';
import { nangoValidators } from '../../contracts/cases';

const validators = nangoValidators();
const cases = coverageCases(validators, hostileOperations(nangoSpec().root));
const kinds = cases.map(({ kind }) => kind);

it('sends 119 requests, DELETE /connect/session\'s 37 first, as before the lifecycle', () => {
  expect(cases).toHaveLength(119);
  expect(cases.slice(0, 37).every(({ hostile }) => hostile.kind !== 'single' || hostile.operation === undefined)).toBe(true);
});

it('sends every method the spec does not document on every path of the lifecycle', () => {
  expect(kinds.filter((kind) => kind.startsWith('method:'))).toEqual([
    ...['PUT', 'POST', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'].map((method) => `method:${method}`),
    ...['/connect/sessions', '/connect/sessions/reconnect'].flatMap((path) => ['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'].map((method) => `method:${method} ${path}`)),
  ]);
});

it.each(['POST /connect/sessions', 'POST /connect/sessions/reconnect'])('sends %s valid bodies, one of each rule broken, and each credential form', (operation) => {
  const own = cases.filter(({ hostile }) => hostile.kind === 'single' && hostile.operation && `${hostile.operation.method.toUpperCase()} ${hostile.operation.path}` === operation);
  expect(own).toHaveLength(24);
  const bodies = own.map(({ hostile }) => (hostile.kind === 'single' ? hostile.body : undefined));
  for (const body of bodies) if (body?.kind === 'valid') expect(validators.checkRequestBody('post', operation.split(' ')[1] ?? '', body.value)).toEqual([]);
  for (const body of bodies) if (body?.kind === 'invalid') expect(validators.checkRequestBody('post', operation.split(' ')[1] ?? '', body.value)).not.toEqual([]);
  const rules = own.flatMap(({ kind }) => kind.split(' + ')).filter((kind) => /^body:[a-z-]+$/.test(kind) && kind !== 'body:valid' && kind !== 'body:none' && kind !== 'body:text');
  expect(rules).toEqual(expect.arrayContaining(['body:wrong-type', 'body:missing-required', 'body:extra-property', 'body:over-max-length', 'body:over-max-properties']));
  expect(own.map(({ kind }) => kind)).toEqual(expect.arrayContaining([`operation:${operation}`, `operation:${operation} + auth:secret-key:bare`, `operation:${operation} + auth:wrong-secret-key:drop-last`, `operation:${operation} + auth:session:bearer`]));
});

it('sends GET /connect/session each credential DELETE gets, a query and a body', () => {
  const own = cases.filter(({ hostile }) => hostile.kind === 'single' && hostile.operation?.method === 'get');
  expect(own).toHaveLength(20);
  expect(own.map(({ kind }) => kind)).toEqual(expect.arrayContaining(['operation:GET /connect/session + auth:deleted-session', 'operation:GET /connect/session + query']));
});
