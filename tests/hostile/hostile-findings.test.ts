/**
 * Hostile findings a user can act on, against a server of our own making with three drifts at once (415 for a
 * body that is not JSON, a token taken without the Bearer scheme, `bearer <t>` and `Bearer  <t>` refused) at the
 * remote default of 130 cases: all three reported on every seed, because the coverage pass sends every kind of
 * request first; each recorded in reports/hostile-findings.json, its secrets as placeholders; the first printed
 * replay, run as printed with only the secret in the environment, shows the same check and status; a spec-following
 * server passes with no stale advice; no piece of a token or of the secret is printed or written; the repro of a
 * search finding keeps no query, body or content type it does not need; JUnit and Markdown reports are written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFindings } from '../../contracts/hostile/findingsFile';
import { loadKnownFindings, matchKnown } from '../../contracts/knownFindings';
import { startHostileDriftProvider, type HostileDrift, type HostileDriftProvider } from '../support/hostileDriftProvider';
import { failureBlock, hostileAgainstProvider, replayCommand, SECRET } from '../support/hostileRun';
import { FULL_COVERAGE } from '../support/hostileRun';
import { runInProcess } from '../support/inProcess';
import type { CliRun } from '../support/runCli';
import { scratchDir } from '../support/scratch';

let provider: HostileDriftProvider | undefined;
afterEach(() => provider?.close());

async function atRemoteDefaults(drift: HostileDrift, env: Record<string, string> = {}): Promise<CliRun> {
  provider = await startHostileDriftProvider(drift, SECRET);
  // HOSTILE_RUNS unset: the remote default.
  return hostileAgainstProvider(provider, { HOSTILE_RUNS: '', ...env });
}

it.each(['1', '20261130', String(2 ** 31 - 1)])('reports all three drifts at the remote defaults, seed %s, and replays the first as printed', async (seed) => {
  const run = await atRemoteDefaults('strict-on-form-loose-on-scheme', { HOSTILE_SEED: seed });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(FULL_COVERAGE);
  const bodies = failureBlock(run.stdout, 'status_code_conformance', 415);
  const noScheme = failureBlock(run.stdout, 'ignored_auth', 204);
  const rfcForms = failureBlock(run.stdout, 'positive_data_acceptance', 401);
  expect(noScheme.headline).toContain('without the Bearer scheme');
  expect(rfcForms.headline).toMatch(/malformed_auth_header\): a request the spec allows, with a live session's token as `(bearer |Bearer {2})<token>`/);
  expect(bodies.curl).not.toContain('?');

  const [first] = run.stdout.split('\n').filter((line) => line.startsWith('FAIL '));
  const firstBlock = failureBlock(run.stdout, /^FAIL (\S+)/.exec(first ?? '')?.[1] ?? '', Number(/\(status (\d+)/.exec(first ?? '')?.[1]));
  const { env, args } = replayCommand(firstBlock.replay);
  const again = await runInProcess('contracts:hostile', { ...env, NANGO_SECRET_KEY: SECRET }, { args });
  expect(again.code).toBe(1);
  const [, check, status] = /^FAIL (\S+) \(status (\d+)/.exec(first ?? '') ?? [];
  expect(again.stdout).toMatch(new RegExp(`^F1 reproduced: ${check} \\(status ${status}`, 'm'));
});

it('passes a server that follows the spec (the RFC forms accepted, any body refused) with no stale advice', async () => {
  const run = await atRemoteDefaults('none');
  expect(run.code).toBe(0);
  expect(run.stdout).not.toContain('stale:');
  expect(run.stdout).toMatch(/^known positive_data_acceptance \(status 401, invalid_connect_session_token_format\)/m);
});

it('records each finding with its exact requests, secrets as placeholders with their roles, and the answers', async () => {
  const reports = scratchDir('findings');
  const run = await atRemoteDefaults('strict-on-form-loose-on-scheme', { REPORTS_DIR: reports });
  expect(run.stdout).toContain(`reports: ${join(reports, 'hostile-findings.json')}`);
  const record = readFindings(join(reports, 'hostile-findings.json'));
  expect(record.target).toEqual({ label: 'Nango', baseUrl: provider?.url });
  const noScheme = record.findings.find((finding) => finding.check === 'ignored_auth');
  expect(noScheme).toMatchObject({ status: 204, kinds: ['auth:session:bare'], origin: 'coverage', case: { kind: 'single', auth: { kind: 'session', form: 'bare' } } });
  expect(noScheme?.requests[0]).toEqual({ method: 'DELETE', target: '/connect/session', headers: { authorization: '{{live}}' } });
  expect(noScheme?.roles).toEqual({ live: expect.stringContaining("a live connect session's token") });
  expect(noScheme?.answers[0]).toMatchObject({ status: 204, body: '' });
  expect(noScheme?.curl).toContain('-H "authorization: ${CONNECT_SESSION_TOKEN}"');
  const junit = readFileSync(join(reports, 'hostile-junit.xml'), 'utf8');
  expect(junit).toMatch(/<testcase name="ignored_auth" classname="contracts:hostile">\s*<properties>[^]*?<\/properties>\s*<failure message="ignored_auth \(status 204\)/);
  expect(readFileSync(join(reports, 'summary.md'), 'utf8')).toMatch(/^### ❌ Hostile requests to the connect-session lifecycle on Nango/m);
});

it('counts accepted findings apart from failures, in the table, summary.md and hostile-junit.xml', async () => {
  const reports = scratchDir('known-counts');
  // The coverage pass alone: two RFC forms refused (failures), the secret key (accepted); no method is accepted,
  // GET being an operation the spec documents.
  const run = await atRemoteDefaults('strict-on-form-loose-on-scheme', { REPORTS_DIR: reports, HOSTILE_RUNS: '37' });
  expect(run.stdout).toMatch(/^check +requests +failures +known$/m);
  expect(run.stdout).toMatch(/^positive_data_acceptance +\d+ +2 +1$/m);
  expect(run.stdout).toMatch(/^unsupported_method +6 +0 +0$/m);
  const summary = readFileSync(join(reports, 'summary.md'), 'utf8');
  expect(summary).toContain('| check | requests | failures | known |');
  expect(summary).toMatch(/^\| positive_data_acceptance \| \d+ \| 2 \| 1 \|$/m);
  expect(summary).toMatch(/^\| unsupported_method \| 6 \| 0 \| 0 \|$/m);
  const junit = readFileSync(join(reports, 'hostile-junit.xml'), 'utf8');
  const testcase = (check: string): string => new RegExp(`<testcase name="${check}"[^>]*>[\\s\\S]*?</testcase>`).exec(junit)?.[0] ?? '';
  expect(testcase('positive_data_acceptance')).toMatch(/<property name="failures" value="2"\/>\s*<property name="known" value="1"\/>[\s\S]*<failure /);
  expect(testcase('unsupported_method')).toMatch(/<property name="failures" value="0"\/>\s*<property name="known" value="0"\/>/);
  expect(testcase('unsupported_method')).not.toContain('<failure');
});

it('keeps the hostile section of summary.md its own: a second run replaces it and leaves the verification section', async () => {
  const reports = scratchDir('summary');
  const summary = join(reports, 'summary.md');
  writeFileSync(summary, '### ✅ Provider verification of NangoConnectSessionClient -> NangoAPI\n\nVerification PASSED: 7 of 7 interactions passed\n');
  await atRemoteDefaults('none', { REPORTS_DIR: reports, HOSTILE_RUNS: '40' });
  await provider?.close();
  await atRemoteDefaults('none', { REPORTS_DIR: reports, HOSTILE_RUNS: '40' });
  const twice = readFileSync(summary, 'utf8');
  expect(twice.match(/Hostile requests to the connect-session lifecycle/g)).toHaveLength(1);
  expect(twice).toMatch(/^### ✅ Provider verification of NangoConnectSessionClient -> NangoAPI\n\nVerification PASSED: 7 of 7 interactions passed\n/);
});

it('drops from the repro of a search finding every query, body and content type the failure does not need', async () => {
  const reports = scratchDir('minimal');
  const run = await atRemoteDefaults('server-error-on-bracket-query', { REPORTS_DIR: reports, HOSTILE_RUNS: '300', HOSTILE_SEED: '7' });
  expect(run.code).toBe(1);
  const finding = readFindings(join(reports, 'hostile-findings.json')).findings.find((found) => found.check === 'not_a_server_error');
  expect(finding).toMatchObject({ origin: 'search', case: { kind: 'single', body: { kind: 'none' } } });
  expect(finding?.case).not.toHaveProperty('contentType');
  expect(finding?.requests[0]?.target).toMatch(/%5B/);
});

it('matches a known finding that names a kind of request to that kind only, so it swallows no neighbour', () => {
  const committed = loadKnownFindings();
  const refused = { check: 'positive_data_acceptance', status: 401, code: 'invalid_connect_session_token_format', text: 'was answered 401' };
  expect(matchKnown(committed, { ...refused, kinds: ['auth:secret-key'] }, '2026-11-30')?.finding.kind).toBe('auth:secret-key');
  expect(matchKnown(committed, { ...refused, kinds: ['auth:session:lowercase-scheme'] }, '2026-11-30')).toBeUndefined();
});
