/**
 * Pact's own filter (PACT_DESCRIPTION, PACT_PROVIDER_STATE, PACT_PROVIDER_NO_STATE), which its verifier reads
 * from the environment, as a team uses it to replay one failing interaction: each progress line names the
 * interaction that ran, the verdict says the rest of the pact was not verified, no known finding is called stale
 * for an interaction that was not replayed, an interaction its consumer declared pending stays pending, and a
 * verdict on part of a pact is never published. A filter that keeps nothing, or that Pact cannot read, is one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../contracts/json';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { settingsFromEnv } from '../../contracts/verification/settings';
import { startDriftingProvider } from '../support/driftingProvider';
import { verifyInProcess } from '../support/inProcess';
import { withPendingInteraction } from '../support/pendingPact';
import { reportRow } from '../support/runCli';
import { scratchDir } from '../support/scratch';

const DELETED = 'deleted';
const progressLines = (stdout: string): string[] =>
  stdout.split('\n').filter((line) => /^ {2}\[\d+(\/\d+)?\] /.test(line));

it('replays only the interactions PACT_DESCRIPTION keeps, each progress line naming its own, and says the rest of the pact was not verified', async () => {
  const run = await verifyInProcess({ PACT_DESCRIPTION: DELETED }, true);
  expect(run.code).toBe(0);
  expect(progressLines(run.stdout)).toEqual([
    expect.stringMatching(
      /^ {2}\[1\] answers 404 for a session that has already been deleted → 404, spec ok \(\d+ ms\)$/,
    ),
    expect.stringMatching(/^ {2}\[2\] answers 404 to get a session that has been deleted → 404, spec ok \(\d+ ms\)$/),
  ]);
  expect(reportRow(run.stdout, 'answers 404 for a session that has already been deleted').line).toMatch(/^ok /);
  expect(run.stdout).not.toContain('creates a connect session for an end user');
  expect(run.stdout).toContain(
    'Verification PASSED: 2 of 2 interactions passed; only those PACT_DESCRIPTION="deleted" keeps were replayed, the rest of the pact was not verified',
  );
});

it('names the interactions PACT_PROVIDER_STATE and PACT_PROVIDER_NO_STATE keep, and how many, as Pact ran them', async () => {
  const byState = await verifyInProcess({ PACT_PROVIDER_STATE: 'has been deleted' }, true);
  expect(byState.code).toBe(0);
  expect(progressLines(byState.stdout)).toHaveLength(2);
  const stateless = await verifyInProcess({ PACT_PROVIDER_NO_STATE: 'true' }, true);
  expect(stateless.code).toBe(0);
  const statelessCount = (
    (JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject)['interactions'] as JsonObject[]
  ).filter((interaction) => !(interaction['providerStates'] as unknown[] | undefined)?.length).length;
  expect(progressLines(stateless.stdout)).toHaveLength(statelessCount);
  expect(stateless.stdout).toContain(
    `Verification PASSED: ${statelessCount} of ${statelessCount} interactions passed; only those PACT_PROVIDER_NO_STATE=true keeps were replayed`,
  );
});

it('judges no known finding stale in a run that replayed part of the pact nor on the reference provider, and does in a whole run against another', async () => {
  const known = join(scratchDir('filter-known'), 'known.yaml');
  writeFileSync(
    known,
    '- check: schema\n  status: 201\n  reason: a finding about creation, which the filter does not replay\n',
  );
  const part = await verifyInProcess({ PACT_DESCRIPTION: DELETED, KNOWN_FINDINGS_FILE: known }, true);
  expect(part.code).toBe(0);
  expect(part.stdout).not.toContain('stale:');
  // Whole, on the reference provider (which serves the spec, not the server the list is about): not judged either.
  const onReference = await verifyInProcess({ KNOWN_FINDINGS_FILE: known }, true);
  expect(onReference.stdout).not.toContain('stale:');
  // Whole, against a server that is no reference provider: judged, and stale.
  const provider = await startDriftingProvider('none', 'filter-secret');
  try {
    const whole = await verifyInProcess(
      { KNOWN_FINDINGS_FILE: known, NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: 'filter-secret' },
      true,
    );
    expect(whole.stdout).toContain('stale: the known finding');
  } finally {
    await provider.close();
  }
});

it('keeps an interaction its consumer declared pending pending when the filter replays it', async () => {
  const description = 'a request to delete a connect session that has already been deleted';
  const pactFile = join(scratchDir('filter-pending'), 'pact.json');
  writeFileSync(
    pactFile,
    JSON.stringify(
      withPendingInteraction(
        JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject,
        description,
        'Nango answers 401 here',
      ),
    ),
  );
  const run = await verifyInProcess({ PACT_FILE: pactFile, PACT_DESCRIPTION: 'already been deleted' }, true);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`pending: "${description}" passes on the reference provider`);
});

it('refuses to publish a verdict on part of a pact, in one line, before anything runs', () => {
  const env = {
    PACT_PUBLISH_VERIFICATION_RESULTS: 'true',
    PACT_BROKER_BASE_URL: 'http://127.0.0.1:9',
    NANGO_BASE_URL: 'http://127.0.0.1:9',
    NANGO_SECRET_KEY: 'key',
    PACT_DESCRIPTION: DELETED,
  };
  expect(() => settingsFromEnv(env, () => ({ commit: 'c0ffee', branch: 'main', dirty: false }))).toThrow(
    'PACT_PUBLISH_VERIFICATION_RESULTS=true with PACT_DESCRIPTION="deleted": the broker would take a verdict on part of the pact for all of it; unset the filter to publish',
  );
});

it('says in one line, exit 2, that a filter kept no interaction of the pact', async () => {
  const run = await verifyInProcess({ PACT_DESCRIPTION: 'no interaction is called this' }, true);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(
    'verification could not run: PACT_DESCRIPTION="no interaction is called this" kept no interaction of the pact',
  );
  expect(run.stdout).not.toMatch(/Verification (PASSED|FAILED)/);
});

it('refuses a pattern Pact cannot read and a PACT_PROVIDER_NO_STATE Pact would read otherwise, in one line each, before anything runs', async () => {
  const pattern = await verifyInProcess({ PACT_DESCRIPTION: '(' }, true);
  expect([pattern.code, pattern.stderr]).toEqual([
    2,
    'verification could not run: PACT_DESCRIPTION must be a regular expression, as Pact\'s verifier reads it (got "(": /(/u: Unterminated group)\n',
  ]);
  const noState = await verifyInProcess({ PACT_PROVIDER_NO_STATE: 'false' }, true);
  expect(noState.code).toBe(2);
  expect(noState.stderr).toMatch(
    /^verification could not run: PACT_PROVIDER_NO_STATE must be true or unset: .* "false" too \(got "false"\)\n$/,
  );
  // The leading flags group of Pact's regex syntax is taken.
  expect((await verifyInProcess({ PACT_DESCRIPTION: '(?i)ALREADY BEEN DELETED' }, true)).code).toBe(0);
});
