/**
 * Reading the Pact verifier's JSON results and its output: each mismatch becomes one line, output that is not
 * results at all is a problem (never a silent pass), and the output's pact headings and broker notices give
 * each interaction its pact, consumer versions, pending and WIP marks.
 */
import { resultsOfRun, type Slot } from '../../contracts/verification/interactionResults';
import type { Exchange } from '../../contracts/verification/recordingProxy';
import { pactSections } from '../../contracts/verification/pactWorkarounds';
import { parseVerifierRun } from '../../contracts/verification/verifierResults';

const DESCRIPTION = 'a request to delete the connect session';
const KEY = `Verifying a pact between C and P Given a connect session exists - ${DESCRIPTION}`;
const results = (body: object) =>
  JSON.stringify({
    interactionResults: [{ description: DESCRIPTION, result: 'OK' }],
    errors: [],
    pendingErrors: [],
    output: [],
    result: true,
    ...body,
  });

describe('reading verifier results', () => {
  it('lists the interactions in the order they ran, with nothing wrong in a passing run', () => {
    expect(parseVerifierRun(results({}))).toEqual({
      ran: true,
      run: { interactions: [{ description: DESCRIPTION, ok: true }], errors: [], pendingErrors: [], output: [] },
    });
  });

  it('turns each mismatch into a line, for errors and pending errors alike', () => {
    const failed = parseVerifierRun(
      results({
        result: false,
        interactionResults: [{ description: DESCRIPTION, result: 'Error' }],
        errors: [
          {
            interaction: KEY,
            mismatch: {
              type: 'mismatches',
              mismatches: [
                { type: 'StatusMismatch', expected: 204, actual: 200, mismatch: 'expected 204 but was 200' },
                {
                  type: 'HeaderMismatch',
                  key: 'Content-Type',
                  mismatch: "Expected header 'Content-Type' to have value 'application/json'",
                },
                { type: 'BodyMismatch', path: '$.error', mismatch: 'Actual map is missing the following keys: code' },
              ],
            },
          },
        ],
        pendingErrors: [
          { interaction: 'Failed to load pact', mismatch: { type: 'error', message: 'connection closed' } },
        ],
      }),
    );
    expect(failed.ran && failed.run).toMatchObject({
      interactions: [{ description: DESCRIPTION, ok: false }],
      errors: [
        {
          key: KEY,
          problems: [
            'status: expected 204 but was 200',
            "header Content-Type: Expected header 'Content-Type' to have value 'application/json'",
            'body $.error: Actual map is missing the following keys: code',
          ],
        },
      ],
      pendingErrors: [{ key: 'Failed to load pact', problems: ['request failed: connection closed'] }],
    });
  });

  it("reads each interaction's consumer and pending state where the JSON names them (pact-core 20.2)", () => {
    const parsed = parseVerifierRun(
      results({
        interactionResults: [
          { description: DESCRIPTION, result: 'OK', consumer: 'C', provider: 'P', providerStates: [], pending: true },
        ],
      }),
    );
    expect(parsed.ran && parsed.run.interactions).toEqual([
      { description: DESCRIPTION, ok: true, consumer: 'C', pending: true },
    ]);
  });

  it('reports output that is not results at all', () => {
    expect(parseVerifierRun('Verification was unable to run')).toEqual({
      ran: false,
      reason: 'the Pact verifier did not run: Verification was unable to run',
    });
    expect(parseVerifierRun('[1]')).toEqual({ ran: false, reason: 'the Pact verifier returned no results: [1]' });
  });
});

describe('reading pacts out of the verifier output', () => {
  it('gives each interaction its pact, expected status, consumer versions and pending/WIP marks', () => {
    const output = [
      "The pact at http://b/pacts/1 is being verified because the pact content belongs to the consumer versions matching the following criteria: latest version of C from the main branch 'main' (c1), version(s) of C currently deployed (c0)",
      '',
      '\u001b[1mVerifying a pact between C and P\u001b[0m',
      '',
      `  ${DESCRIPTION} (2ms loading, 86ms verification)`,
      '     Given a connect session exists',
      '    returns a response which',
      '      has status code \u001b[1m204\u001b[0m (\u001b[32mOK\u001b[0m)',
      "The pact at http://b/pacts/2 is being verified because it is a 'work in progress' pact (ie. it is the pact for the latest version of D from branch 'feat' (d7) and is still in pending state).",
      'This pact is in pending state for this version of P because a successful verification result has not yet been published.',
      '\nVerifying a pact between D and P',
      `  ${DESCRIPTION} (1ms loading, 20ms verification)`,
      '      has status code 410 (FAILED)',
      // A real broker (2.113) lists the reasons on indented lines beneath the notice.
      'The pact at http://b/pacts/3 is being verified because the pact content belongs to the consumer versions matching the following criteria:',
      "    * latest version from branch 'main' (e1)",
      "    * latest version from the main branch 'main' (e1)",
      '    * one of the versions deployed to production (e0)',
      'Verifying a pact between E and P',
      `  ${DESCRIPTION} (1ms loading, 20ms verification)`,
      '      has status code 204 (OK)',
      'Pending Failures:',
    ];
    const parsed = parseVerifierRun(results({ output }));
    expect(parsed.ran && pactSections(parsed.run.output)).toEqual([
      {
        consumer: 'C',
        consumerVersions: [
          { version: 'c1', branch: 'main' },
          { version: 'c0', branch: undefined },
        ],
        pending: false,
        wip: false,
        interactions: [{ description: DESCRIPTION, expectedStatus: 204 }],
      },
      {
        consumer: 'D',
        consumerVersions: [{ version: 'd7', branch: 'feat' }],
        pending: true,
        wip: true,
        interactions: [{ description: DESCRIPTION, expectedStatus: 410 }],
      },
      {
        consumer: 'E',
        consumerVersions: [
          { version: 'e1', branch: 'main' },
          { version: 'e0', branch: undefined },
        ],
        pending: false,
        wip: false,
        interactions: [{ description: DESCRIPTION, expectedStatus: 204 }],
      },
    ]);
  });
});

describe('putting a verifier run back together', () => {
  const OTHER = 'a request to delete a connect session without an Authorization header';
  const run = (output: string[]) => {
    const parsed = parseVerifierRun(
      results({
        interactionResults: [
          { description: DESCRIPTION, result: 'OK' },
          { description: OTHER, result: 'OK' },
        ],
        output,
      }),
    );
    if (!parsed.ran) throw new Error(parsed.reason);
    return parsed.run;
  };
  const exchange: Exchange = {
    method: 'DELETE',
    path: '/connect/session',
    response: { status: 204, contentType: undefined, bodyText: '' },
    transportError: undefined,
    schemaProblems: [],
    failedForSchema: false,
    notSentBecause: undefined,
    shape: { query: false, body: false, credential: 'token' },
  };
  const slot = (firstExchange: number): Slot => ({
    stateFailures: [],
    firstExchange,
    started: 0,
    durationMs: 5,
    state: '',
  });
  const OUTPUT = [
    'Verifying a pact between C and P',
    `  ${DESCRIPTION} (1ms loading, 2ms verification)`,
    `  ${OTHER} (1ms loading, 2ms verification)`,
  ];

  it('ties each result to its slot and live exchange, in order', () => {
    const { pacts, runProblems } = resultsOfRun(
      run(OUTPUT),
      [slot(0), slot(1)],
      [exchange, { ...exchange, response: { status: 401, contentType: 'application/json', bodyText: '{}' } }],
      'C',
    );
    expect(runProblems).toEqual([]);
    expect(pacts[0]?.results.map((result) => result.actualStatus)).toEqual([204, 401]);
  });

  it('says so, and checks no live response, when the slots do not match the results', () => {
    const { pacts, runProblems } = resultsOfRun(run(OUTPUT), [slot(0)], [exchange], 'C');
    expect(runProblems).toEqual([
      'the verifier ran 2 interactions but set up 1: live responses could not be told apart, so none was checked against the spec',
    ]);
    expect(pacts[0]?.results.every((result) => result.schemaProblems === undefined)).toBe(true);
  });

  it("groups by the JSON's consumers, with its pending marks, when the output disagrees with them", () => {
    const parsed = parseVerifierRun(
      results({
        interactionResults: [
          { description: DESCRIPTION, result: 'OK', consumer: 'C', pending: false },
          { description: OTHER, result: 'Error', consumer: 'D', pending: true },
        ],
        output: OUTPUT,
      }),
    );
    if (!parsed.ran) throw new Error(parsed.reason);
    const { pacts } = resultsOfRun(parsed.run, [slot(0), slot(1)], [exchange, exchange], 'fallback');
    expect(pacts.map((pact) => [pact.consumer, pact.results.map((result) => result.pending)])).toEqual([
      ['C', [false]],
      ['D', [true]],
    ]);
  });

  it('falls back to one group when the output cannot be read back to the results', () => {
    const { pacts } = resultsOfRun(
      run(['Verifying a pact between C and P', '  something else (1ms loading, 2ms verification)']),
      [slot(0), slot(1)],
      [exchange, exchange],
      'fallback',
    );
    expect(pacts.map((pact) => [pact.consumer, pact.results.length])).toEqual([['fallback', 2]]);
  });
});
