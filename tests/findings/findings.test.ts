/**
 * `npm run findings`: from what verification and the hostile run recorded against local servers with known drifts
 * (an extra property, an undocumented status, a status other than the documented one, a 5xx), reports/findings.md
 * has a section per distinct finding with the spec's clause, the answer and a repro, and reports/spec-overlay.yaml
 * an OpenAPI Overlay whose actions are the narrow patches expected; applied by openapi-overlays-js it leaves no
 * recorded answer undescribed. The 5xx is a server defect, never a patch. `--spec` shows what another spec absorbs.
 * No secret or token piece is written, nor any path of the machine. Without recorded runs it says so in one line.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { JsonObject } from '../../contracts/json';
import { SPEC_FILE } from '../../contracts/nangoApi';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { PROJECT_ROOT } from '../../contracts/projectRoot';
import { startDriftingProvider, type Drift } from '../support/driftingProvider';
import { startHostileDriftProvider, type HostileDrift } from '../support/hostileDriftProvider';
import { expectNoSecretPiece, SECRET } from '../support/hostileRun';
import { hostileInProcess, runInProcess, verifyInProcess } from '../support/inProcess';
import { ROOT, runCli, type CliRun } from '../support/runCli';
import { scratchDir } from '../support/scratch';

/** Runs verification against `verifyDrift` and the hostile run against `hostileDrift` into one reports folder, then `npm run findings`. */
async function findingsAfter(verifyDrift: Drift | undefined, hostileDrift: HostileDrift | undefined, args: string[] = []): Promise<{ run: CliRun; dir: string; secrets: string[] }> {
  const dir = scratchDir('findings');
  const secrets = [SECRET];
  if (verifyDrift) {
    const provider = await startDriftingProvider(verifyDrift, SECRET);
    await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: dir });
    secrets.push(...provider.reference.issuedTokens());
    await provider.close();
  }
  if (hostileDrift) {
    const provider = await startHostileDriftProvider(hostileDrift, SECRET);
    await hostileInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: dir, HOSTILE_RUNS: '40', HOSTILE_SEED: '1' });
    secrets.push(...provider.reference.issuedTokens());
    await provider.close();
  }
  const run = await runInProcess('findings', { REPORTS_DIR: dir }, { args });
  return { run, dir, secrets };
}

const overlayOf = (dir: string): { actions: Array<{ target: string; description: string; update: JsonObject }> } => parse(readFileSync(join(dir, 'spec-overlay.yaml'), 'utf8')) as { actions: Array<{ target: string; description: string; update: JsonObject }> };
const reportOf = (dir: string): string => readFileSync(join(dir, 'findings.md'), 'utf8');

it('patches an extra property into the closed schema as narrowly as the evidence allows, and leaves nothing undescribed', async () => {
  const { run, dir, secrets } = await findingsAfter('extra-property', undefined);
  expect(run.code).toBe(0);
  const overlay = overlayOf(dir);
  expect(overlay).toMatchObject({ overlay: '1.0.0', extends: expect.stringMatching(/spec\/nango-openapi-2f4c0af\.yaml$/) });
  expect(overlay.actions).toEqual([
    { target: "$['components']['schemas']['StdError']['properties']['error']", description: 'C1: allow payload, as the server sends it (object)', update: { properties: { payload: { type: 'object' } } } },
  ]);
  expect(reportOf(dir)).toMatch(/## C1 · bodies carry `payload` at `\/error`, a property the spec's closed schema refuses \(spec patch\)/);
  expect(reportOf(dir)).toContain('#/components/schemas/StdError/properties/error');
  expect(run.stdout).not.toContain('not described by the patched spec');
  expectNoSecretPiece(readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8')), secrets);
  // As npm runs it, the bundled CLI loads openapi-overlays-js (ES modules only) with Node's own require: the same.
  const asNpmRunsIt = await runCli('findings', { REPORTS_DIR: dir });
  expect([asNpmRunsIt.code, asNpmRunsIt.stderr]).toEqual([0, '']);
  expect(overlayOf(dir).actions).toEqual(overlay.actions);
  expect(asNpmRunsIt.stdout).not.toContain('not described by the patched spec');
});

it('documents an undocumented status with StdError, and says a status other than the documented one where it is answered', async () => {
  const { run, dir } = await findingsAfter('no-404', 'undocumented-status-for-text-bodies');
  expect(run.code).toBe(0);
  const { actions } = overlayOf(dir);
  expect(actions).toContainEqual({
    target: "$['paths']['/connect/session']['delete']['responses']",
    description: expect.stringMatching(/^C\d+: document 415, as the server answers it$/),
    update: { '415': { description: expect.stringMatching(/^Observed: /), content: { 'application/json': { schema: { $ref: '#/components/schemas/StdError' } } } } },
  });
  expect(actions).toContainEqual({
    target: "$['components']['responses']['Unauthorized']",
    description: expect.stringMatching(/^C\d+: say when 401 is answered instead of 404 \(DELETE \/connect\/session: answers 404 for a session that has already been deleted\)$/),
    update: { description: 'Unauthorized. Also answered where 404 is documented.' },
  });
  // The secret key the security scheme names, refused by the route: the scheme is patched too.
  expect(actions.map((action) => action.target)).toEqual(expect.arrayContaining(["$['components']['securitySchemes']", "$['paths']['/connect/session']['delete']"]));
  // The repro makes the deleted session it needs, then sends the request.
  expect(reportOf(dir)).toMatch(/- \*\*Reproduce\*\* \(paste into bash[^\n]*\):\n\n```sh\n: "\$\{NANGO_SECRET_KEY:\?[^\n]*\nDELETED_SESSION_TOKEN="\$\(curl -s -X POST [^\n]*\ncurl -i -X DELETE "http:\/\/127\.0\.0\.1:\d+\/connect\/session" -H "authorization: Bearer \$\{DELETED_SESSION_TOKEN\}"\n```/);
});

it('reports a 5xx as a server defect, never as a spec patch', async () => {
  const { run, dir } = await findingsAfter('server-error', undefined);
  expect(run.code).toBe(0);
  expect(reportOf(dir)).toMatch(/## C1 · DELETE \/connect\/session answers 500: the server fails \(server defect\)/);
  expect(overlayOf(dir).actions).toEqual([]);
  expect(readFileSync(join(dir, 'spec-overlay.yaml'), 'utf8')).not.toContain('500');
});

it('says when nothing was found', async () => {
  const { run, dir } = await findingsAfter('none', undefined);
  expect(run.code).toBe(0);
  expect(reportOf(dir)).toContain('Nothing found: every recorded answer is what the spec describes, and no check failed.');
  expect(overlayOf(dir).actions).toEqual([]);
  // The reconnect and connection cases' states made their connection with a request the spec does not document.
  expect(reportOf(dir)).toContain('## Spec gaps the suite itself relies on');
  expect(reportOf(dir)).toMatch(/^- `POST \/auth\/unauthenticated\/\{providerConfigKey\}`: sent by the verification's own provider states/m);
});

it('shows which findings another spec version already absorbs', async () => {
  const newer = join(scratchDir('spec'), 'newer.yaml');
  const spec = parse(readFileSync(SPEC_FILE, 'utf8')) as JsonObject;
  const error = ((spec['components'] as JsonObject)['schemas'] as JsonObject)['StdError'] as JsonObject;
  ((error['properties'] as JsonObject)['error'] as JsonObject)['properties'] = { ...(((error['properties'] as JsonObject)['error'] as JsonObject)['properties'] as JsonObject), payload: { type: 'object' } };
  writeFileSync(newer, JSON.stringify(spec));
  const { run, dir } = await findingsAfter('extra-property', undefined, ['--spec', newer]);
  expect(run.code).toBe(0);
  expect(overlayOf(dir).actions).toEqual([]);
  expect(reportOf(dir)).toMatch(/Already described by `.*newer\.yaml` \(objected to when recorded\): V\d+/);
});

it('names no path of the machine in findings.md, wherever the spec, the reports, the pact and the command are', async () => {
  const dir = scratchDir('local-paths');
  const cwd = scratchDir('elsewhere');
  const pact = join(scratchDir('pact'), 'copy.json');
  copyFileSync(COMMITTED_PACT, pact);
  const spec = join(scratchDir('spec'), 'copy.yaml');
  copyFileSync(SPEC_FILE, spec);
  const verifying = await startDriftingProvider('extra-property', SECRET);
  await verifyInProcess({ NANGO_BASE_URL: verifying.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: dir, PACT_FILE: pact });
  await verifying.close();
  const hostile = await startHostileDriftProvider('undocumented-status-for-text-bodies', SECRET);
  await hostileInProcess({ NANGO_BASE_URL: hostile.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: dir, HOSTILE_RUNS: '40', HOSTILE_SEED: '1' });
  await hostile.close();
  // Common roots of checkouts and temp folders, besides this project's own and this machine's temp folder.
  const local = [PROJECT_ROOT, tmpdir(), '/home', '/tmp', '/work', '/Users'];
  const pathsIn = (text: string): string[] => local.filter((path) => text.includes(path));

  for (const args of [[], ['--spec', spec]]) {
    const run = await runInProcess('findings', { REPORTS_DIR: dir }, { args, cwd });
    expect(run.code).toBe(0);
    const report = reportOf(dir);
    expect(report).toMatch(/^From verification\.json \(.*\) and hostile-findings\.json \(/m);
    expect(report).toContain('replay: npm run contracts:hostile -- --replay hostile-findings.json F');
    expect(report).toContain(args.length ? 'judged against `copy.yaml`' : 'judged against `spec/nango-openapi-2f4c0af.yaml`');
    expect(pathsIn(report)).toEqual([]);
  }
  // A hostile record of a run that did not finish is named in a note, by its name alone too.
  const record = join(dir, 'hostile-findings.json');
  writeFileSync(record, JSON.stringify({ ...(JSON.parse(readFileSync(record, 'utf8')) as JsonObject), finished: false, findings: [] }));
  expect((await runInProcess('findings', { REPORTS_DIR: dir }, { cwd })).code).toBe(0);
  expect(reportOf(dir)).toContain('> hostile-findings.json: the hostile run that wrote it did not finish');
  expect(pathsIn(reportOf(dir))).toEqual([]);
});

it('says in one line that there is nothing recorded yet (exit 2)', async () => {
  const empty = scratchDir('nothing');
  // As npm runs it: the bundled CLI in a process of its own.
  const run = await runCli('findings', { REPORTS_DIR: empty });
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`findings could not run: no recorded runs in ${empty}: run npm run verify or npm run contracts:hostile first (NANGO_BASE_URL, NANGO_SECRET_KEY for a real Nango)\n`);
});

it("keeps docs/findings.md's example of findings.md inside a fenced block, so its headings are not the page's", () => {
  const headings: string[] = [];
  let fence: string | undefined;
  // CommonMark fences: a run of three or more backticks or tildes, closed by a run of the same, at least as long.
  for (const line of readFileSync(join(ROOT, 'docs', 'findings.md'), 'utf8').split('\n')) {
    const run = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined) {
      if (run) fence = run;
      else if (/^#{1,6} /.test(line)) headings.push(line);
    } else if (run && run[0] === fence[0] && run.length >= fence.length && line.trim() === run) fence = undefined;
  }
  expect(fence).toBeUndefined();
  expect(headings).toContain('## Reporting drift upstream');
  expect(headings.filter((heading) => /^#+ (V|H-F)\d+ · /.test(heading))).toEqual([]);
  expect(readFileSync(join(ROOT, 'docs', 'findings.md'), 'utf8')).toMatch(/^````markdown\n## DELETE \/connect\/session\n\n### V\d+ · /m);
});
