/**
 * The rules of the known-findings list, one by one, on the module's own functions (no CLI, no provider: this is
 * what `npm run mutation -- contracts/knownFindings.ts` runs against every mutant). Loading: which file, what a
 * valid entry loads to (`expires` and `matching` included, absent fields absent), and each entry or file refused
 * in one line. Matching: every field an entry gives restricts it, and an entry expires the day after its date.
 * tests/report/known-findings.test.ts holds the same list's tests through the CLIs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../../contracts/configurationError';
import { CHECK_NAMES } from '../../contracts/hostile/checks';
import {
  describeFinding,
  FINDING_CHECKS,
  HOSTILE_CHECK_NAMES,
  KNOWN_FINDINGS_FILE,
  knownFindingsFile,
  loadKnownFindings,
  matchKnown,
  type FindingCandidate,
  type KnownFinding,
} from '../../contracts/knownFindings';
import { PROJECT_ROOT } from '../../contracts/projectRoot';
import { scratchDir } from '../support/scratch';

const KNOWN_CHECKS = [...CHECK_NAMES, 'pact', 'schema', 'bidirectional'].join(', ');
const FIELD_LIST = 'check, status, code, interaction, kind, matching, reason, expires';

let written = 0;
/** `yaml` in a file of its own, outside the project. */
function findingsFile(yaml: string): string {
  written += 1;
  const file = join(scratchDir('known-rules'), `known-${written}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

/** What loading `yaml` refuses it with (the message after the file's name), or what it loads. */
function refusal(yaml: string): string {
  const file = findingsFile(yaml);
  try {
    loadKnownFindings(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message.startsWith(`${file}: `)).toBe(true);
    return message.slice(file.length + 2);
  }
  throw new Error(`${JSON.stringify(yaml)} loaded`);
}

describe('which known-findings list a run uses', () => {
  it('is the committed contracts/known-findings.yaml unless KNOWN_FINDINGS_FILE names another', () => {
    expect(KNOWN_FINDINGS_FILE).toBe(join(PROJECT_ROOT, 'contracts', 'known-findings.yaml'));
    expect(knownFindingsFile({})).toBe(KNOWN_FINDINGS_FILE);
    expect(knownFindingsFile({ KNOWN_FINDINGS_FILE: ' /teams/ours.yaml ' })).toBe('/teams/ours.yaml');
  });

  it('loads the committed list when given none', () => {
    expect(loadKnownFindings()).toEqual(loadKnownFindings(KNOWN_FINDINGS_FILE));
  });

  it('names every check of the hostile registry, then those of provider verification and the comparator', () => {
    expect(HOSTILE_CHECK_NAMES).toEqual(CHECK_NAMES);
    expect(FINDING_CHECKS).toEqual([...CHECK_NAMES, 'pact', 'schema', 'bidirectional']);
  });
});

describe('loading a known finding', () => {
  it('loads every field an entry gives, `expires` and `matching` included, its reason trimmed', () => {
    const file = findingsFile(
      [
        '- check: unsupported_method',
        '  status: 200',
        '  code: not_found',
        '  interaction: a request',
        '  kind: method:GET',
        '  matching: "answered 200$"',
        '  reason: " reported upstream "',
        '  expires: 2028-02-29',
      ].join('\n'),
    );
    expect(loadKnownFindings(file)).toStrictEqual([
      {
        check: 'unsupported_method',
        status: 200,
        code: 'not_found',
        interaction: 'a request',
        kind: 'method:GET',
        matching: 'answered 200$',
        reason: 'reported upstream',
        expires: '2028-02-29',
      },
    ]);
  });

  it('loads only the fields an entry gives: an absent field stays absent, not present and undefined', () => {
    expect(loadKnownFindings(findingsFile('- {check: pact, reason: reported upstream}'))).toStrictEqual([
      { check: 'pact', reason: 'reported upstream' },
    ]);
  });

  it('keeps a loaded `matching`, so the entry accepts only the failures it describes', () => {
    const findings = loadKnownFindings(
      findingsFile('- {check: pact, matching: "but was 401", reason: reported upstream}'),
    );
    expect(matchKnown(findings, { check: 'pact', text: 'status: expected 404 but was 401' }, '2026-11-29')).toEqual({
      finding: findings[0],
      expired: false,
    });
    expect(
      matchKnown(findings, { check: 'pact', text: 'status: expected 404 but was 500' }, '2026-11-29'),
    ).toBeUndefined();
  });

  it('keeps a loaded `expires`, so the entry stops protecting the day after', () => {
    const findings = loadKnownFindings(findingsFile('- {check: pact, reason: reported upstream, expires: 2026-11-30}'));
    expect(matchKnown(findings, { check: 'pact', text: 'x' }, '2026-11-30')?.expired).toBe(false);
    expect(matchKnown(findings, { check: 'pact', text: 'x' }, '2026-12-01')?.expired).toBe(true);
  });

  it('accepts a status from 100 to 599', () => {
    const findings = loadKnownFindings(
      findingsFile('- {check: pact, reason: y, status: 100}\n- {check: pact, reason: y, status: 599}'),
    );
    expect(findings.map((finding) => finding.status)).toEqual([100, 599]);
  });

  it('accepts every check there is', () => {
    const yaml = FINDING_CHECKS.map((check) => `- {check: ${check}, reason: y}`).join('\n');
    expect(loadKnownFindings(findingsFile(yaml)).map((finding) => finding.check)).toEqual(FINDING_CHECKS);
  });

  it('accepts nothing from an empty file, one of comments only, or a null document', () => {
    expect(loadKnownFindings(findingsFile(''))).toEqual([]);
    expect(loadKnownFindings(findingsFile('# every finding was fixed upstream\n'))).toEqual([]);
    expect(loadKnownFindings(findingsFile('~\n'))).toEqual([]);
  });
});

describe('refusing a known-findings list', () => {
  it('refuses a file that does not exist, naming it as given when outside the project', () => {
    const file = join(scratchDir('known-rules'), 'absent.yaml');
    expect(() => loadKnownFindings(file)).toThrow(new ConfigurationError(`${file}: does not exist`));
  });

  it('names a file inside the project by its path from the project root', () => {
    expect(() => loadKnownFindings(join(PROJECT_ROOT, 'contracts', 'absent-known-findings.yaml'))).toThrow(
      new ConfigurationError('contracts/absent-known-findings.yaml: does not exist'),
    );
  });

  it('refuses a file it cannot read, saying why', () => {
    const folder = join(scratchDir('known-rules'), 'a-folder.yaml');
    mkdirSync(folder);
    expect(() => loadKnownFindings(folder)).toThrow(
      new ConfigurationError(`${folder}: cannot be read (EISDIR: illegal operation on a directory, read)`),
    );
  });

  it.each([
    [
      '- {check: pact, reason: y',
      'not valid YAML: Flow map in block collection must be sufficiently indented and end with a } at line 1, column 26',
    ],
    [
      '- {check: pact, reason: y}\n- {check: pact, reason: y, status: 404, status: 401}',
      'not valid YAML: Map keys must be unique at line 2, column 41',
    ],
    // yaml's first line ends with a colon before its excerpt of the file: only that one goes, not one inside the line.
    [
      '- {check: pact, reason: *why}',
      'not valid YAML: Unresolved alias (the anchor must be set before the alias): why',
    ],
  ])('refuses invalid YAML %j in one line saying what and where', (yaml, message) => {
    expect(refusal(yaml)).toBe(message);
  });

  it.each([
    ['check: pact', 'expected a list of findings (- check: …), not a mapping'],
    ['pact', 'expected a list of findings (- check: …), not "pact"'],
    ['5', 'expected a list of findings (- check: …), not 5'],
  ])('refuses a file %j that is not a list', (yaml, message) => {
    expect(refusal(yaml)).toBe(message);
  });

  it.each([
    ['- pact', 'finding #1 is not a mapping (check: …, reason: …) but "pact"'],
    ['- [pact]', 'finding #1 is not a mapping (check: …, reason: …) but a list'],
    ['- {check: pact, reason: y}\n- 5', 'finding #2 is not a mapping (check: …, reason: …) but 5'],
  ])('refuses a non-mapping entry %j, naming it by its place in the list', (yaml, message) => {
    expect(refusal(yaml)).toBe(message);
  });

  it.each([
    ['- {reason: y}', "finding #1: field 'check' is required"],
    [
      '- {check: 5, reason: y}',
      "finding #1: field 'check' must be a non-empty string (the name of the check whose failure it accepts), not 5",
    ],
    ['- {check: pacts, reason: y}', `finding #1: unknown check 'pacts' (known: ${KNOWN_CHECKS})`],
  ])('refuses an entry %j whose check is missing, not text or no check there is', (yaml, message) => {
    expect(refusal(yaml)).toBe(message);
  });

  it.each([
    [
      '- {check: pact, reason: y, stauts: 404}',
      `finding #1 (check pact): unknown field 'stauts' (known: ${FIELD_LIST})`,
    ],
    ['- {check: pact}', "finding #1 (check pact): field 'reason' is required (why the finding is accepted)"],
    [
      '- {check: pact, reason: "  "}',
      `finding #1 (check pact): field 'reason' must be a non-empty string (why the finding is accepted), not "  "`,
    ],
    [
      '- {check: pact, reason: 5}',
      "finding #1 (check pact): field 'reason' must be a non-empty string (why the finding is accepted), not 5",
    ],
  ])('refuses an entry %j with a misspelt field or no reason', (yaml, message) => {
    expect(refusal(yaml)).toBe(message);
  });

  it.each(['"404"', '401.5', '99', '600', 'null'])('refuses status %s: it must be a whole HTTP status', (status) => {
    expect(refusal(`- {check: pact, reason: y, status: ${status}}`)).toBe(
      `finding #1 (check pact): field 'status' must be an HTTP status received, a whole number such as 404, not ${JSON.stringify(JSON.parse(status))}`,
    );
  });

  it.each([
    ['code: 404', "field 'code' must be a non-empty string (an error code), not 404"],
    ['code: " "', `field 'code' must be a non-empty string (an error code), not " "`],
    ['interaction: ""', `field 'interaction' must be a non-empty string (a pact interaction's description), not ""`],
    ['kind: [method:GET]', `field 'kind' must be a non-empty string (a kind of hostile request), not ["method:GET"]`],
    ['matching: 5', "field 'matching' must be a non-empty string (a regular expression), not 5"],
    [
      'matching: "("',
      "field 'matching' is not a regular expression (Invalid regular expression: /(/: Unterminated group)",
    ],
    ['expires: 20270131', "field 'expires' must be a non-empty string (a date such as 2027-01-31), not 20270131"],
    ['expires: "next year"', `field 'expires' must be a date such as 2027-01-31, not "next year"`],
    ['expires: 2027-02-30', `field 'expires' must be a date such as 2027-01-31, not "2027-02-30"`],
    ['expires: 2027-1-31', `field 'expires' must be a date such as 2027-01-31, not "2027-1-31"`],
    ['expires: 2027-12-31T00:00', `field 'expires' must be a date such as 2027-01-31, not "2027-12-31T00:00"`],
  ])('refuses an entry with %s', (field, message) => {
    expect(refusal(`- {check: pact, reason: y, ${field}}`)).toBe(`finding #1 (check pact): ${message}`);
  });
});

describe('matching a failure to a known finding', () => {
  const TODAY = '2026-11-29';
  const failure: FindingCandidate = {
    check: 'unsupported_method',
    status: 200,
    code: 'not_found',
    interaction: 'a request',
    kinds: ['method:GET', 'auth:secret-key'],
    text: 'GET answered 200',
  };
  const matches = (finding: Omit<KnownFinding, 'reason'>, candidate: FindingCandidate = failure): boolean =>
    matchKnown([{ ...finding, reason: 'reported upstream' }], candidate, TODAY) !== undefined;

  it('matches a failure of its check when it gives nothing else', () => {
    expect(matches({ check: 'unsupported_method' })).toBe(true);
    expect(matches({ check: 'pact' })).toBe(false);
  });

  it('matches when every field it gives matches', () => {
    expect(
      matches({
        check: 'unsupported_method',
        status: 200,
        code: 'not_found',
        interaction: 'a request',
        kind: 'auth:secret-key',
        matching: 'answered \\d+$',
      }),
    ).toBe(true);
  });

  it('is restricted by `status`: another status received does not match', () => {
    expect(matches({ check: 'unsupported_method', status: 200 })).toBe(true);
    expect(matches({ check: 'unsupported_method', status: 404 })).toBe(false);
    expect(
      matches({ check: 'unsupported_method', status: 200 }, { check: 'unsupported_method', text: 'no answer' }),
    ).toBe(false);
  });

  it('is restricted by `code`: another error code does not match', () => {
    expect(matches({ check: 'unsupported_method', code: 'not_found' })).toBe(true);
    expect(matches({ check: 'unsupported_method', code: 'unknown_connect_session_token' })).toBe(false);
  });

  it('is restricted by `interaction`: another interaction does not match', () => {
    expect(matches({ check: 'unsupported_method', interaction: 'a request' })).toBe(true);
    expect(matches({ check: 'unsupported_method', interaction: 'another request' })).toBe(false);
  });

  it('is restricted by `kind`: a case of other kinds, or of none, does not match', () => {
    expect(matches({ check: 'unsupported_method', kind: 'method:GET' })).toBe(true);
    expect(matches({ check: 'unsupported_method', kind: 'method:PUT' })).toBe(false);
    expect(
      matches(
        { check: 'unsupported_method', kind: 'method:GET' },
        { check: 'unsupported_method', text: 'GET answered 200' },
      ),
    ).toBe(false);
  });

  it('is restricted by `matching`, found anywhere in the failure’s text', () => {
    expect(matches({ check: 'unsupported_method', matching: 'answered' })).toBe(true);
    expect(matches({ check: 'unsupported_method', matching: 'answered 500' })).toBe(false);
  });

  it('is the first entry that matches', () => {
    const findings: KnownFinding[] = [
      { check: 'unsupported_method', status: 404, reason: 'other status' },
      { check: 'unsupported_method', reason: 'first to match' },
      { check: 'unsupported_method', status: 200, reason: 'second to match' },
    ];
    expect(matchKnown(findings, failure, TODAY)?.finding.reason).toBe('first to match');
    expect(matchKnown([], failure, TODAY)).toBeUndefined();
  });

  it('protects until the end of its `expires` day and has expired from the day after', () => {
    const finding: KnownFinding = { check: 'unsupported_method', reason: 'reported upstream', expires: '2026-11-29' };
    expect(matchKnown([finding], failure, '2026-11-28')).toEqual({ finding, expired: false });
    expect(matchKnown([finding], failure, '2026-11-29')).toEqual({ finding, expired: false });
    expect(matchKnown([finding], failure, '2026-11-30')).toEqual({ finding, expired: true });
  });

  it('never expires without `expires`', () => {
    const finding: KnownFinding = { check: 'unsupported_method', reason: 'reported upstream' };
    expect(matchKnown([finding], failure, '9999-12-31')).toEqual({ finding, expired: false });
  });
});

describe('describing a known finding', () => {
  it('names its check and each field it gives, in order, the interaction quoted and the pattern between slashes', () => {
    expect(
      describeFinding({
        check: 'unsupported_method',
        status: 200,
        code: 'not_found',
        interaction: 'a request',
        kind: 'method:GET',
        matching: 'answered 200$',
        reason: 'r',
      }),
    ).toBe('unsupported_method 200 not_found "a request" kind method:GET /answered 200$/');
  });

  it('leaves out the fields it does not give, or gives empty', () => {
    expect(describeFinding({ check: 'pact', reason: 'r' })).toBe('pact');
    expect(describeFinding({ check: 'pact', code: '', interaction: '', kind: '', matching: '', reason: 'r' })).toBe(
      'pact',
    );
    expect(describeFinding({ check: 'pact', matching: 'x', reason: 'r' })).toBe('pact /x/');
  });
});
