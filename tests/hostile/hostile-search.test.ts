/**
 * The search keeps every failure it meets, and each repro as small as the failure allows: against a stand-in
 * provider whose answers fail one check for any query and another for any body, both failures are kept (whichever
 * one fast-check's shrinking follows), and the repro of each keeps only the part it needs.
 */
import { DELETE_SESSION } from '../../contracts/cases';
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
