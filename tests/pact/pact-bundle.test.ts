/**
 * jest's Pact (contracts/pact/pactBundle.js, mapped in jest.config.ts): PactV4 and MatchersV3 are loaded alone,
 * and any other name of Pact's API comes from Pact's own index, loaded the first time one is asked for, so a test
 * that needs more of the API than the suite uses today gets the package's own, not undefined.
 */
import * as pact from '@pact-foundation/pact';

it('gives PactV4 and MatchersV3, working', () => {
  expect(typeof pact.PactV4).toBe('function');
  expect(pact.MatchersV3.like(1)).toEqual({ 'pact:matcher:type': 'type', value: 1 });
});

it("gives any other name of Pact's API from its index, the package's own", () => {
  expect(pact.SpecificationVersion.SPECIFICATION_VERSION_V4).toBe(5);
  expect(pact.Matchers.like('x')).toEqual({ 'pact:matcher:type': 'type', value: 'x' });
  expect(typeof pact.Verifier).toBe('function');
  expect(pact.MatchersV2.term({ generate: 'a', matcher: '^a$' })).toMatchObject({ value: 'a' });
  expect(new pact.XmlBuilder('1.0', 'UTF-8', 'root').build(() => undefined)).toContain('root');
});

it('gives nothing for a name Pact does not export', () => {
  expect(Reflect.get(pact, 'NoSuchExport')).toBeUndefined();
});
