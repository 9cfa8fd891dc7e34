/**
 * The hostile run across the lifecycle, against a provider that drifts beyond DELETE /connect/session in five ways
 * at once (one run a seed), at the remote default budget (HOSTILE_RUNS unset) and on every seed: a body the spec
 * allows refused, an undocumented method
 * answered 5xx, a body the spec forbids accepted, a 201 without a field its schema requires, a 201 whose session
 * GET does not know (deleted all the same): each reported, with a
 * curl repro that holds the secret key only as ${NANGO_SECRET_KEY}. No session, connection or integration is left,
 * and no piece of the secret key or of a token is printed or written (hostileAgainstProvider proves both).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFindings } from '../../contracts/hostile/findingsFile';
import {
  startHostileDriftProvider,
  type HostileDriftProvider,
  type LifecycleDrift,
} from '../support/hostileDriftProvider';
import { expectNoSecretPiece, failureBlock, hostileAgainstProvider, SECRET } from '../support/hostileRun';
import { FULL_COVERAGE } from '../support/hostileRun';
import { runInProcess } from '../support/inProcess';
import type { CliRun } from '../support/runCli';
import { scratchDir } from '../support/scratch';

let provider: HostileDriftProvider | undefined;
afterEach(() => provider?.close());

const SEEDS = ['1', '20261202', String(2 ** 31 - 1)];

const DRIFTS = [
  ['server-error-on-get-sessions', 'not_a_server_error', 500, 'GET', '/connect/sessions', /answered 500/],
  [
    'accepts-too-many-tags',
    'negative_data_rejection',
    201,
    'POST',
    '/connect/sessions',
    /body:over-max-properties:tags/,
  ],
  [
    'refuses-deprecated-organization',
    'positive_data_acceptance',
    400,
    'POST',
    '/connect/sessions',
    /a request to POST \/connect\/sessions the spec allows, with the environment secret key/,
  ],
  [
    'reconnect-without-expiry',
    'response_schema_conformance',
    201,
    'POST',
    '/connect/sessions/reconnect',
    /201 body: \/data must have required property 'expires_at'/,
  ],
  [
    'get-forgets-reconnected',
    'created_session_answers_get',
    201,
    'POST',
    '/connect/sessions/reconnect',
    /POST \/connect\/sessions\/reconnect answered 201, yet GET \/connect\/session does not know the session its token names/,
  ],
] as const satisfies ReadonlyArray<readonly [LifecycleDrift, string, number, string, string, RegExp]>;

/**
 * One run per seed against a provider with every drift of DRIFTS at once, as a real server may have them, in this
 * order: a body with too many tags is accepted before its deprecated `organization` would have it refused.
 */
const runs = new Map<string, Promise<{ run: CliRun; reports: string }>>();
function runOnSeed(seed: string): Promise<{ run: CliRun; reports: string }> {
  const started =
    runs.get(seed) ??
    (async () => {
      const drifting = await startHostileDriftProvider(
        DRIFTS.map(([drift]) => drift),
        SECRET,
      );
      try {
        const reports = scratchDir('lifecycle-drift');
        return {
          run: await hostileAgainstProvider(drifting, { HOSTILE_RUNS: '', HOSTILE_SEED: seed, REPORTS_DIR: reports }),
          reports,
        };
      } finally {
        await drifting.close();
      }
    })();
  runs.set(seed, started);
  return started;
}

describe.each(SEEDS)('a provider that drifts in every way below at once, seed %s', (seed) => {
  it.each(DRIFTS)(
    `is reported for %s by %s (status %s) at the remote default budget`,
    async (_drift, check, status, method, path, headline) => {
      const { run, reports } = await runOnSeed(seed);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(FULL_COVERAGE);
      const block = failureBlock(run.stdout, check, status);
      expect(block.headline).toMatch(headline);
      expect(block.curl.startsWith(`curl -i -X ${method} "http://127.0.0.1:`)).toBe(true);
      expect(block.curl).toContain(`${path}"`);
      if (method === 'POST') expect(block.curl).toContain('-H "authorization: Bearer ${NANGO_SECRET_KEY}"');
      const finding = readFindings(join(reports, 'hostile-findings.json')).findings.find(
        (found) => found.check === check && found.status === status,
      );
      expect(finding?.requests.at(-1)).toMatchObject({ method, target: path });
      expect(readFileSync(join(reports, 'hostile-findings.json'), 'utf8')).not.toContain(SECRET);
    },
  );
});

it('passes a provider that serves the whole lifecycle as documented, every session its POSTs made deleted', async () => {
  provider = await startHostileDriftProvider('none', SECRET);
  const run = await hostileAgainstProvider(provider, { HOSTILE_RUNS: '' });
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^created_session_answers_get +[1-9]\d* +0 +0$/m);
  const [, created, deleted] = /^sessions: (\d+) created, (\d+) deleted/m.exec(run.stdout) ?? [];
  expect(Number(created)).toBeGreaterThan(20);
  expect(deleted).toBe(created);
  // Every POST that answered 201 made a session the run adopted: as many as the provider issued.
  expect(provider.reference.issuedTokens()).toHaveLength(Number(created));
});

describe('a provider that accepts too many tags, its one run recorded', () => {
  // One hostile run for both tests (each reads its own part of what it recorded); the provider stays up for the replay.
  let recorded: Promise<{ drifting: HostileDriftProvider; reports: string }> | undefined;
  const tagsRun = () =>
    (recorded ??= (async () => {
      const drifting = await startHostileDriftProvider('accepts-too-many-tags', SECRET);
      const reports = scratchDir('lifecycle-tags');
      await hostileAgainstProvider(drifting, { HOSTILE_RUNS: '', REPORTS_DIR: reports });
      return { drifting, reports };
    })());
  afterAll(async () => (await recorded)?.drifting.close());

  it('replays a POST finding from its record against the same provider: the body is sent again and the finding reproduces', async () => {
    const { drifting, reports } = await tagsRun();
    const file = join(reports, 'hostile-findings.json');
    const finding = readFindings(file).findings.find((found) => found.check === 'negative_data_rejection');
    expect(finding?.kinds).toEqual(
      expect.arrayContaining([
        'operation:POST /connect/sessions',
        'body:over-max-properties',
        'body:over-max-properties:tags',
      ]),
    );
    const again = await runInProcess(
      'contracts:hostile',
      { NANGO_BASE_URL: drifting.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: scratchDir('lifecycle-replay') },
      { args: ['--replay', file, finding?.id ?? ''] },
    );
    expect(again.stdout).toMatch(/^F\d+ reproduced: negative_data_rejection \(status 201/m);
    expect(again.code).toBe(1);
    expect(drifting.reference.liveSessionCount()).toBe(0);
    expectNoSecretPiece([again.stdout, again.stderr], [SECRET, ...drifting.reference.issuedTokens()]);
  });

  it('gives each root cause one section of findings.md, naming its operations, the overlay patching the operation each is about, the POST repro naming the key by role', async () => {
    const { drifting, reports } = await tagsRun();
    const run = await runInProcess('findings', { REPORTS_DIR: reports });
    expect(run.code).toBe(0);
    const markdown = readFileSync(join(reports, 'findings.md'), 'utf8');
    const headings = markdown.split('\n').filter((line) => /^##+ /.test(line));
    // Create's finding, then the secret key GET's and DELETE's security scheme names, refused by both: one cause.
    expect(headings).toEqual([
      '## C1 · a request the spec does not allow (body:over-max-properties:tags) is accepted (server defect)',
      "## C2 · the route refuses the secret key the spec's security scheme names, and takes the connect session token (spec patch)",
      // The connection operations' 401s, which the spec does not document (known findings: accepted, still causes).
      '## C3 · 401 is answered where the spec documents no 401 (spec patch)',
    ]);
    expect(markdown).toMatch(
      /^- \*\*Seen\*\*: 2 answers, 2 operations: GET \/connect\/session \(H-F\d+\); DELETE \/connect\/session \(H-F\d+\); by positive_data_acceptance$/m,
    );
    expect(markdown).toMatch(
      /^ANSWER="\$\(curl -i -X POST "http:\/\/127\.0\.0\.1:\d+\/connect\/sessions" -H "authorization: Bearer \$\{NANGO_SECRET_KEY\}" -H "content-type: application\/json" --data-binary /m,
    );
    const overlay = readFileSync(join(reports, 'spec-overlay.yaml'), 'utf8');
    expect(overlay).toContain("target: $['paths']['/connect/session']['get']");
    expect(overlay).toContain("target: $['paths']['/connect/session']['delete']");
    expectNoSecretPiece([markdown, overlay, run.stdout, run.stderr], [SECRET, ...drifting.reference.issuedTokens()]);
  });
});
