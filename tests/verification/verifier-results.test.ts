/**
 * Reading the Pact verifier's JSON results: each mismatch becomes one line, a run that verified nothing or
 * did not run at all is a problem, never a silent pass.
 */
import { verifierProblems } from '../../contracts/verification/verifierResults';

const DESCRIPTION = 'a request to delete the connect session';
const results = (body: object) => JSON.stringify({ interactionResults: [{ description: DESCRIPTION, result: 'OK' }], errors: [], result: true, ...body });

describe('reading verifier results', () => {
  it('finds nothing wrong in a passing run', () => {
    expect(verifierProblems(results({}), DESCRIPTION)).toEqual([]);
  });

  it('turns each mismatch into a line', () => {
    const failed = results({
      result: false,
      errors: [
        {
          interaction: DESCRIPTION,
          mismatch: {
            type: 'mismatches',
            mismatches: [
              { type: 'StatusMismatch', expected: 204, actual: 200, mismatch: 'expected 204 but was 200' },
              { type: 'HeaderMismatch', key: 'Content-Type', mismatch: "Expected header 'Content-Type' to have value 'application/json'" },
              { type: 'BodyMismatch', path: '$.error', mismatch: 'Actual map is missing the following keys: code' },
            ],
          },
        },
        { interaction: DESCRIPTION, mismatch: { type: 'error', message: 'connection closed' } },
      ],
    });
    expect(verifierProblems(failed, DESCRIPTION)).toEqual([
      'status: expected 204 but was 200',
      "header Content-Type: Expected header 'Content-Type' to have value 'application/json'",
      'body $.error: Actual map is missing the following keys: code',
      'request failed: connection closed',
    ]);
  });

  it('reports a run that verified no interaction, or several', () => {
    expect(verifierProblems(results({ interactionResults: [] }), DESCRIPTION)).toEqual([`the Pact verifier ran 0 interactions for "${DESCRIPTION}" (expected exactly 1)`]);
    expect(verifierProblems(results({ interactionResults: [{}, {}] }), DESCRIPTION)[0]).toMatch(/ran 2 interactions/);
  });

  it('reports a failure without details, and output that is not results at all', () => {
    expect(verifierProblems(results({ result: false }), DESCRIPTION)).toEqual(['the Pact verifier reported a failure without details']);
    expect(verifierProblems('Verification was unable to run', DESCRIPTION)).toEqual(['the Pact verifier did not run: Verification was unable to run']);
  });
});
