/**
 * The case tables are data the whole suite reads, so they are checked as data: each operation's spec pointer
 * names its method and path in the spec, each documented status has a case, each case authenticates the way its
 * operation does, and descriptions are unique across operations.
 */
import { caseById, caseIdOf, CASES, OPERATIONS, type Credential, type LifecycleOperation, LIFECYCLE, nangoValidators } from '../../contracts/cases';
import { nangoSpec, operationLabel } from '../../contracts/nangoApi';
import { escapeToken, resolvePointer } from '../../contracts/openapi/jsonPointer';

const label = (operation: LifecycleOperation): string => operationLabel(operation.operation);

/** The credentials a case of an operation may send: its own kind, a wrong one, or none. */
const CREDENTIALS: Readonly<Record<LifecycleOperation['auth'], readonly Credential['kind'][]>> = {
  'secret-key': ['secret-key', 'literal', 'none'],
  'session-token': ['token-from-state', 'well-formed-token', 'literal', 'none'],
};

describe('the case tables', () => {
  it('have one table per lifecycle operation, in the order the validators compile them', () => {
    expect(OPERATIONS.map(({ operation }) => operationLabel(operation))).toEqual(LIFECYCLE.map(operationLabel));
  });

  it.each(OPERATIONS.map((operation) => [label(operation), operation] as const))("point at %s in Nango's spec", (_label, { operation, specPointer }) => {
    expect(specPointer).toBe(`/paths/${escapeToken(operation.path)}/${operation.method}`);
    expect(resolvePointer(nangoSpec().root, specPointer)).toEqual(expect.objectContaining({ responses: expect.any(Object) }));
  });

  it.each(OPERATIONS.map((operation) => [label(operation), operation] as const))('cover every status the spec documents for %s', (_label, { operation, cases }) => {
    const statuses = [...new Set(cases.map((contractCase) => String(contractCase.response.status)))].sort();
    expect(statuses).toEqual(nangoValidators().documentedStatuses(operation.method, operation.path).sort());
  });

  it.each(OPERATIONS.map((operation) => [label(operation), operation] as const))('authenticate each case of %s as its operation does', (_label, { auth, cases }) => {
    expect(cases.filter((contractCase) => !CREDENTIALS[auth].includes(contractCase.request.credential.kind)).map((contractCase) => contractCase.name)).toEqual([]);
  });

  it('give every case an id that names it again, and none to an id no table has', () => {
    expect(CASES.filter((contractCase) => caseById(caseIdOf(contractCase)) !== contractCase).map((contractCase) => contractCase.name)).toEqual([]);
    expect(new Set(CASES.map(caseIdOf)).size).toBe(CASES.length);
    expect([caseById('noSuchTable:0'), caseById('deleteSession:99'), caseById(undefined)]).toEqual([undefined, undefined, undefined]);
  });

  it('give every interaction a description no other case has', () => {
    expect(new Set(CASES.map((contractCase) => contractCase.description)).size).toBe(CASES.length);
  });
});
