/**
 * The known-findings list: entries are checked strictly as they load (a bad one is refused in one line naming
 * the file, the entry and the field, and the CLIs stop on it before anything runs); a failure matches an entry when every field it gives matches; an expired entry no longer protects. In
 * provider verification an accepted problem is shown as known and stops failing the run, an expired one fails
 * again, an entry that no longer occurs is listed as stale; the committed list loads.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../../contracts/configurationError';
import { CHECK_NAMES } from '../../contracts/hostile/checks';
import { FINDING_CHECKS, HOSTILE_CHECK_NAMES, KNOWN_FINDINGS_FILE, loadKnownFindings, matchKnown, type KnownFinding } from '../../contracts/knownFindings';
import { applyKnownFindings } from '../../contracts/report/knownInVerification';
import { reportPassed, type VerificationReport } from '../../contracts/verification/results';
import { casesWithStatus, verifyAgainstDrift } from '../support/verifyAgainstDrift';
import { reportRow, runCli } from '../support/runCli';
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

  it('names every check of the hostile registry, and those of verification and the comparator', () => {
    expect(HOSTILE_CHECK_NAMES).toEqual(CHECK_NAMES);
    expect(FINDING_CHECKS).toEqual([...CHECK_NAMES, 'pact', 'schema', 'bidirectional']);
  });

  it.each([
    ['check: pact', 'expected a list of findings (- check: …), not a mapping'],
    ['- pact', 'finding #1 is not a mapping (check: …, reason: …) but "pact"'],
    ['- [pact]', 'finding #1 is not a mapping (check: …, reason: …) but a list'],
    ['- {reason: y}', "finding #1: field 'check' is required"],
    ['- {check: 5, reason: y}', "finding #1: field 'check' must be a non-empty string (the name of the check whose failure it accepts), not 5"],
    ['- {check: pacts, reason: y}', `finding #1: unknown check 'pacts' (known: ${[...CHECK_NAMES, 'pact', 'schema', 'bidirectional'].join(', ')})`],
    ['- {check: pact}', "finding #1 (check pact): field 'reason' is required (why the finding is accepted)"],
    ['- {check: pact, reason: "  "}', `finding #1 (check pact): field 'reason' must be a non-empty string (why the finding is accepted), not "  "`],
    ['- {check: pact, reason: y, stauts: 404}', "finding #1 (check pact): unknown field 'stauts' (known: check, status, code, interaction, kind, matching, reason, expires)"],
    ['- {check: pact, reason: y, status: "404"}', `finding #1 (check pact): field 'status' must be an HTTP status received, a whole number such as 404, not "404"`],
    ['- {check: pact, reason: y, status: 401.5}', "finding #1 (check pact): field 'status' must be an HTTP status received, a whole number such as 404, not 401.5"],
    ['- {check: pact, reason: y, status: 99}', "finding #1 (check pact): field 'status' must be an HTTP status received, a whole number such as 404, not 99"],
    ['- {check: pact, reason: y, status: 600}', "finding #1 (check pact): field 'status' must be an HTTP status received, a whole number such as 404, not 600"],
    ['- {check: pact, reason: y, code: 404}', "finding #1 (check pact): field 'code' must be a non-empty string (an error code), not 404"],
    ['- {check: pact, reason: y, interaction: ""}', `finding #1 (check pact): field 'interaction' must be a non-empty string (a pact interaction's description), not ""`],
    ['- {check: unsupported_method, reason: y, kind: [method:GET]}', `finding #1 (check unsupported_method): field 'kind' must be a non-empty string (a kind of hostile request), not ["method:GET"]`],
    ['- {check: pact, reason: y, matching: "("}', "finding #1 (check pact): field 'matching' is not a regular expression (Invalid regular expression: /(/: Unterminated group)"],
    ['- {check: pact, reason: y, expires: "next year"}', `finding #1 (check pact): field 'expires' must be a date such as 2027-01-31, not "next year"`],
    ['- {check: pact, reason: y, expires: 2027-02-30}', `finding #1 (check pact): field 'expires' must be a date such as 2027-01-31, not "2027-02-30"`],
    ['- {check: pact, reason: y, expires: 2027-1-31}', `finding #1 (check pact): field 'expires' must be a date such as 2027-01-31, not "2027-1-31"`],
    ['- {check: pact, reason: y}\n- {check: schema, reason: y, expires: 2027-12-31T00:00}', `finding #2 (check schema): field 'expires' must be a date such as 2027-01-31, not "2027-12-31T00:00"`],
    ['- {check: pact, reason: y}\n- {check: pact, reason: y, status: 404, status: 401}', 'not valid YAML: Map keys must be unique at line 2, column 41'],
    ['- {check: pact, reason: y', 'not valid YAML: Flow map in block collection must be sufficiently indented and end with a } at line 1, column 26'],
  ])('refuses %j in one line naming the file, the entry and the field', (yaml, message) => {
    const file = findingsFile(yaml);
    expect(() => loadKnownFindings(file)).toThrow(ConfigurationError);
    expect(() => loadKnownFindings(file)).toThrow(new ConfigurationError(`${file}: ${message}`));
  });

  it('refuses a list that does not exist', () => {
    const file = join(scratchDir('known'), 'absent.yaml');
    expect(() => loadKnownFindings(file)).toThrow(new ConfigurationError(`${file}: does not exist`));
  });

  it('accepts nothing from an empty list, or one of comments only', () => {
    expect(loadKnownFindings(findingsFile(''))).toEqual([]);
    expect(loadKnownFindings(findingsFile('# every finding was fixed upstream\n'))).toEqual([]);
  });

  it('loads every field an entry may give, its reason trimmed', () => {
    const yaml = [
      '- check: unsupported_method',
      '  status: 200',
      '  code: not_found',
      '  interaction: a request',
      '  kind: method:GET',
      '  matching: "answered 200$"',
      '  reason: " reported upstream "',
      '  expires: 2028-02-29',
    ].join('\n');
    expect(loadKnownFindings(findingsFile(yaml))).toEqual([
      { check: 'unsupported_method', status: 200, code: 'not_found', interaction: 'a request', kind: 'method:GET', matching: 'answered 200$', reason: 'reported upstream', expires: '2028-02-29' },
    ]);
  });

  it('has `npm run verify`, `npm run contracts:hostile` and `npm run contracts` refuse a bad list in one line before anything runs', async () => {
    const file = findingsFile('- {check: schema, reason: reported upstream}\n- {check: pact, stauts: 404, reason: reported upstream}\n');
    const line = `${file}: finding #2 (check pact): unknown field 'stauts' (known: check, status, code, interaction, kind, matching, reason, expires)`;
    const [verify, hostile, contracts] = await Promise.all((['verify', 'contracts:hostile', 'contracts'] as const).map((script) => runCli(script, { KNOWN_FINDINGS_FILE: file })));
    expect(verify).toEqual({ code: 2, stdout: '', stderr: `verification could not run: ${line}\n` });
    expect(hostile).toEqual({ code: 2, stdout: '', stderr: `contracts:hostile could not run: ${line}\n` });
    expect(contracts).toEqual({ code: 2, stdout: '', stderr: `contracts could not run: ${line}\n` });
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
    sessions: { endUserId: 'contract-tests-00000000', created: 1, deleted: 1, connections: { created: 0, deleted: 0 }, integrations: { created: 0, deleted: 0 }, unknown: [] },
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
