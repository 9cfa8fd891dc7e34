/**
 * The known-findings list: entries are checked as they load (a bad one is refused naming the file and the
 * entry); a failure matches an entry when every field it gives matches; an expired entry no longer protects. In
 * provider verification an accepted problem is shown as known and stops failing the run, an expired one fails
 * again, an entry that no longer occurs is listed as stale; the committed list loads.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_FINDINGS_FILE, loadKnownFindings, matchKnown, type KnownFinding } from '../../contracts/knownFindings';
import { applyKnownFindings } from '../../contracts/report/knownInVerification';
import { reportPassed, type VerificationReport } from '../../contracts/verification/results';
import { casesWithStatus, verifyAgainstDrift } from '../support/verifyAgainstDrift';
import { reportRow } from '../support/runCli';
import { scratchDir } from '../support/scratch';

const GONE = 'a request to delete a connect session that has already been deleted';

function findingsFile(yaml: string): string {
  const file = join(scratchDir('known'), 'known.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('the known-findings list', () => {
  it('loads the committed list', () => {
    expect(loadKnownFindings(KNOWN_FINDINGS_FILE).map((finding) => finding.check)).toContain('positive_data_acceptance');
  });

  it.each([
    ['check: x', 'expected a list of findings'],
    ['- check: x', 'finding #1: check and reason are required'],
    ['- {check: x, reason: y, status: "401"}', 'finding #1: status must be a whole number'],
    ['- {check: x, reason: y, matching: "("}', 'finding #1: matching is not a regular expression'],
    ['- {check: x, reason: y, expires: "next year"}', 'finding #1: expires must be a date such as 2027-01-31'],
  ])('refuses %j, naming the entry', (yaml, message) => {
    const file = findingsFile(yaml);
    expect(() => loadKnownFindings(file)).toThrow(`${file}: ${message}`);
  });

  it('matches on every field an entry gives, and lets it expire', () => {
    const findings: KnownFinding[] = [{ check: 'pact', interaction: GONE, matching: 'expected 404 but was 401', reason: 'reported upstream', expires: '2026-12-31' }];
    const candidate = { check: 'pact', interaction: GONE, text: 'status: expected 404 but was 401' };
    expect(matchKnown(findings, candidate, '2026-11-29')).toEqual({ finding: findings[0], expired: false });
    expect(matchKnown(findings, candidate, '2027-01-01')).toEqual({ finding: findings[0], expired: true });
    expect(matchKnown(findings, { ...candidate, interaction: 'another' }, '2026-11-29')).toBeUndefined();
    expect(matchKnown(findings, { ...candidate, text: 'status: expected 404 but was 500' }, '2026-11-29')).toBeUndefined();
    expect(matchKnown(findings, { ...candidate, check: 'schema' }, '2026-11-29')).toBeUndefined();
  });
});

describe('known findings in provider verification', () => {
  const report = (pactProblems: string[]): VerificationReport => ({
    provider: 'NangoAPI',
    providerUrl: 'http://x',
    providerLabel: 'Nango',
    pactSource: 'pact.json',
    fromBroker: false,
    pacts: [
      {
        consumer: 'C',
        consumerVersions: [],
        pending: false,
        wip: false,
        results: [{ name: 'n', description: GONE, expectedStatus: 404, actualStatus: 401, pactProblems, schemaProblems: [], durationMs: 1, pending: false, known: [] }],
      },
    ],
    runProblems: [],
    published: undefined,
    sessions: { endUserId: 'contract-tests-00000000', created: 1, deleted: 1, unknown: [] },
    rateLimitWaitMs: 0,
    providerIsReference: false,
    staleFindings: [],
  });
  const accepted: KnownFinding = { check: 'pact', interaction: GONE, matching: 'but was 401', reason: 'Nango answers 401 for a deleted session; reported upstream' };

  it('shows an accepted problem as known and passes', () => {
    const applied = applyKnownFindings(report(['status: expected 404 but was 401']), [accepted], '2026-11-29');
    expect(applied.pacts[0]?.results[0]).toMatchObject({ pactProblems: [], known: ['pact: status: expected 404 but was 401 (accepted: Nango answers 401 for a deleted session; reported upstream)'] });
    expect(reportPassed(applied)).toBe(true);
  });

  it('fails again once the acceptance expired, and lists an entry that did not occur as stale', () => {
    const expired = applyKnownFindings(report(['status: expected 404 but was 401']), [{ ...accepted, expires: '2026-01-01' }], '2026-11-29');
    expect(expired.pacts[0]?.results[0]?.pactProblems).toEqual(['status: expected 404 but was 401 (accepted until 2026-01-01, now expired)']);
    expect(reportPassed(expired)).toBe(false);
    const stale = applyKnownFindings(report([]), [accepted], '2026-11-29');
    expect(stale.staleFindings).toEqual([`the known finding "pact "${GONE}" /but was 401/" did not occur: remove it from the known-findings list`]);
  });

  it('keeps `npm run verify` green on a drift the list accepts, and red on any other', async () => {
    const file = findingsFile(`- check: pact\n  interaction: "${GONE}"\n  matching: "expected 404 but was 401"\n  reason: reported upstream\n`);
    const { run } = await verifyAgainstDrift('no-404', { KNOWN_FINDINGS_FILE: file });
    expect(run.code).toBe(0);
    const [gone] = casesWithStatus(404);
    expect(reportRow(run.stdout, gone!).line).toMatch(/^KNOW /);
    const other = await verifyAgainstDrift('wrong-status', { KNOWN_FINDINGS_FILE: file });
    expect(other.run.code).toBe(1);
    expect(other.run.stdout).toContain('stale: the known finding');
  });
});
