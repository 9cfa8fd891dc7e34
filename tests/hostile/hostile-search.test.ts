/**
 * The search keeps every failure it meets, and each repro as small as the failure allows: against a stand-in
 * provider whose answers fail one check for any query and another for any body, both failures are kept (whichever
 * one fast-check's shrinking follows), and the repro of each keeps only the part it needs.
 */
import { CREATE_SESSION, DELETE_SESSION } from '../../contracts/cases';
import { sessionRemovalCases } from '../../contracts/hostile/hostileCases';
import type { RawResponse } from '../../contracts/client/boundedFetch';
import type { Failure } from '../../contracts/hostile/checks';
import type { HostileCase } from '../../contracts/hostile/hostileCases';
import { searchForFailures, type CaseOutcome } from '../../contracts/hostile/hostileSearch';
import type { Observation } from '../../contracts/hostile/observation';
import type { SentRequest } from '../../contracts/hostile/rawRequest';

const request: SentRequest = { method: 'DELETE', target: '/connect/session', headers: {}, body: undefined };
const response: RawResponse = { status: 400, headers: new Headers(), contentType: undefined, bodyText: '' };

/** Fails `status_code_conformance` when the case has a query, `content_type_conformance` when it has a body. */
async function standIn(hostile: HostileCase): Promise<CaseOutcome> {
  const failures: Failure[] = [];
  if (hostile.kind === 'single' && hostile.query.length > 0) failures.push({ check: 'status_code_conformance', status: 400, code: undefined, message: 'query', request });
  if (hostile.kind === 'single' && hostile.body.kind !== 'none') failures.push({ check: 'content_type_conformance', status: 400, code: undefined, message: 'body', request });
  const observation: Observation = { kind: 'method', answer: { request, response, durationMs: 1 }, get: undefined, sessionAlive: true };
  return { observation, failures, judged: [], requests: 1 };
}

it.each([1, 2, 3, 4, 5])('keeps both failures, each repro holding only what it needs (seed %i)', async (seed) => {
  const outcome = await searchForFailures(standIn, { seed, runs: 500, timeLimitMs: 20_000, coverage: [], replayPath: undefined, knownFindings: [], today: '2026-11-30', stopped: () => false, cases: sessionRemovalCases(DELETE_SESSION) });
  const byCheck = new Map(outcome.failures.map((found) => [found.failure.check, found.example]));
  expect([...byCheck.keys()].sort()).toEqual(['content_type_conformance', 'status_code_conformance']);
  expect(byCheck.get('status_code_conformance')).toMatchObject({ body: { kind: 'none' } });
  expect(byCheck.get('status_code_conformance')).not.toHaveProperty('contentType', expect.any(String));
  expect(byCheck.get('content_type_conformance')).toMatchObject({ query: [] });
  expect(byCheck.get('content_type_conformance')).not.toHaveProperty('contentType', expect.any(String));
});

it.each([1, 2, 3, 4, 5, 6, 7, 8])('runs no more cases than HOSTILE_RUNS, shrinking and minimizing included (seed %i)', async (seed) => {
  let ran = 0;
  const counting = (hostile: HostileCase): Promise<CaseOutcome> => {
    ran += 1;
    return standIn(hostile);
  };
  const outcome = await searchForFailures(counting, { seed, runs: 12, timeLimitMs: 20_000, coverage: [], replayPath: undefined, knownFindings: [], today: '2026-11-30', stopped: () => false, cases: sessionRemovalCases(DELETE_SESSION) });
  expect(ran).toBeLessThanOrEqual(12);
  expect(outcome.cases).toBe(ran);
});

it('minimizes a long generated body of the coverage pass to the fields the failure needs, in printable ASCII', async () => {
  const body = { tags: Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`k\u0001${index}`, '\u00e9'.repeat(30)])), end_user: { id: 'x', email: '\u{1F600}not-mail' } };
  const refusesEmail = async (hostile: HostileCase): Promise<CaseOutcome> => {
    const value = hostile.kind === 'single' && hostile.body.kind === 'valid' ? (hostile.body.value as { end_user?: { email?: unknown } }) : undefined;
    const failures: Failure[] = value?.end_user?.email !== undefined ? [{ check: 'positive_data_acceptance', status: 400, code: 'invalid_body', message: 'refused', request, fields: ['end_user.email'] }] : [];
    const observation: Observation = { kind: 'method', answer: { request, response, durationMs: 1 }, get: undefined, sessionAlive: true };
    return { observation, failures, judged: [], requests: 1 };
  };
  const hostile: HostileCase = { kind: 'single', operation: CREATE_SESSION, auth: { kind: 'secret-key' }, query: [], body: { kind: 'valid', value: body }, contentType: 'application/json' };
  const outcome = await searchForFailures(refusesEmail, { seed: 1, runs: 60, timeLimitMs: 20_000, coverage: [{ kind: 'valid body', hostile }], replayPath: undefined, knownFindings: [], today: '2026-11-30', stopped: () => false, cases: sessionRemovalCases(DELETE_SESSION) });
  const [found] = outcome.failures;
  expect(found?.example).toMatchObject({ body: { kind: 'valid', value: { end_user: { email: 'not-mail' } } } });
  expect(JSON.stringify(found?.example)).toMatch(/^[\x20-\x7e]*$/);
});
