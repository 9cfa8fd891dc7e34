import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError } from './configurationError';
import { read } from './env';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { PROJECT_ROOT } from './projectRoot';

/** The committed, reviewed list of accepted findings (hostile checks and provider verification alike). */
export const KNOWN_FINDINGS_FILE = join(PROJECT_ROOT, 'contracts', 'known-findings.yaml');

/** KNOWN_FINDINGS_FILE names another list (a team's own, or a test's); the committed one otherwise. */
export function knownFindingsFile(env: NodeJS.ProcessEnv): string {
  return read(env, 'KNOWN_FINDINGS_FILE') ?? KNOWN_FINDINGS_FILE;
}

/**
 * A finding accepted after review: reported as `known`, it does not fail a run until it expires. It matches a
 * failure when every field it gives matches (see docs/findings.md, "Known findings").
 */
export interface KnownFinding {
  /** The check that failed: a hostile check's name, `pact` / `schema` (provider verification) or `bidirectional`. */
  readonly check: string;
  /** The HTTP status the failing answer came with (received, not the one the pact expected). */
  readonly status?: number;
  /** The `error.code` of the failing answer, or the comparator's code of a `bidirectional` finding. */
  readonly code?: string;
  /** The pact interaction's description (provider verification, `bidirectional`). */
  readonly interaction?: string;
  /** A kind of hostile request the failing case must be of (`auth:secret-key`, `method:GET`: see `kindsOf`). */
  readonly kind?: string;
  /** A regular expression found anywhere in the failure's text. */
  readonly matching?: string;
  readonly reason: string;
  /** `YYYY-MM-DD`: from the day after, the finding fails again. */
  readonly expires?: string;
}

export interface FindingCandidate {
  readonly check: string;
  readonly status?: number | undefined;
  readonly code?: string | undefined;
  readonly interaction?: string | undefined;
  /** The kinds of request the failing case is of (hostile runs). */
  readonly kinds?: readonly string[] | undefined;
  readonly text: string;
}

export type KnownMatch = { readonly finding: KnownFinding; readonly expired: boolean };

/**
 * The hostile run's checks, by name: restated from the registry (hostile/checks.ts, a room above this one), and
 * proved equal to it by tests/report/known-findings.test.ts.
 */
export const HOSTILE_CHECK_NAMES: readonly string[] = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'ignored_auth',
  'use_after_free',
  'positive_data_acceptance',
  'session_deleted_only_by_204',
  'unsupported_method',
  'created_session_answers_get',
  'max_response_time',
];

/** Every check a finding may name: the hostile ones, provider verification's (`pact`, `schema`) and PactFlow's comparator's. */
export const FINDING_CHECKS: readonly string[] = [...HOSTILE_CHECK_NAMES, 'pact', 'schema', 'bidirectional'];

/** The fields of an entry, in the order docs/findings.md describes them. */
const FIELDS: readonly string[] = ['check', 'status', 'code', 'interaction', 'kind', 'matching', 'reason', 'expires'];

/**
 * The list in `file`, every entry checked: a field misspelt, of the wrong type or naming no check there is would
 * otherwise widen the entry until it accepts every failure of its check. Anything wrong is one ConfigurationError
 * line naming the file, the entry and the field. An empty file (or comments only) accepts nothing.
 */
export function loadKnownFindings(file: string = KNOWN_FINDINGS_FILE): KnownFinding[] {
  const shown = shownPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `${shown}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    // yaml's first line says what and where; the excerpt of the file after it ends that line with a colon.
    throw new ConfigurationError(
      // Stryker disable next-line OptionalChaining: split() always gives at least one part, so [0] is never undefined.
      `${shown}: not valid YAML: ${(error as Error).message.split('\n')[0]?.replace(/:$/, '')}`,
    );
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed))
    throw new ConfigurationError(`${shown}: expected a list of findings (- check: …), not ${typeOf(parsed)}`);
  return parsed.map((entry: JsonValue, index) => findingFrom(entry, `${shown}: finding #${index + 1}`));
}

/** The file as the person knows it: relative to the project when in it. */
function shownPath(file: string): string {
  const inProject = relative(PROJECT_ROOT, file);
  return inProject.startsWith('..') || isAbsolute(inProject) ? file : inProject;
}

const typeOf = (value: unknown): string =>
  Array.isArray(value) ? 'a list' : isJsonObject(value) ? 'a mapping' : JSON.stringify(value);

function findingFrom(entry: JsonValue, entryName: string): KnownFinding {
  if (!isJsonObject(entry))
    throw new ConfigurationError(`${entryName} is not a mapping (check: …, reason: …) but ${typeOf(entry)}`);
  const check = textField(entry, 'check', entryName, 'the name of the check whose failure it accepts');
  if (check === undefined) throw new ConfigurationError(`${entryName}: field 'check' is required`);
  if (!FINDING_CHECKS.includes(check))
    throw new ConfigurationError(`${entryName}: unknown check '${check}' (known: ${FINDING_CHECKS.join(', ')})`);
  const where = `${entryName} (check ${check})`;
  const unknown = Object.keys(entry).find((field) => !FIELDS.includes(field));
  if (unknown !== undefined)
    throw new ConfigurationError(`${where}: unknown field '${unknown}' (known: ${FIELDS.join(', ')})`);
  const reason = textField(entry, 'reason', where, 'why the finding is accepted');
  if (reason === undefined)
    throw new ConfigurationError(`${where}: field 'reason' is required (why the finding is accepted)`);
  const { status } = entry;
  if (
    status !== undefined &&
    !(typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599)
  ) {
    throw new ConfigurationError(
      `${where}: field 'status' must be an HTTP status received, a whole number such as 404, not ${JSON.stringify(status)}`,
    );
  }
  const code = textField(entry, 'code', where, 'an error code');
  const interaction = textField(entry, 'interaction', where, "a pact interaction's description");
  const kind = textField(entry, 'kind', where, 'a kind of hostile request');
  const matching = textField(entry, 'matching', where, 'a regular expression');
  if (matching !== undefined) {
    try {
      new RegExp(matching);
    } catch (error) {
      throw new ConfigurationError(
        `${where}: field 'matching' is not a regular expression (${(error as Error).message})`,
      );
    }
  }
  const expires = textField(entry, 'expires', where, 'a date such as 2027-01-31');
  if (expires !== undefined && !isCalendarDate(expires))
    throw new ConfigurationError(
      `${where}: field 'expires' must be a date such as 2027-01-31, not ${JSON.stringify(expires)}`,
    );
  return {
    check,
    reason: reason.trim(),
    ...(status === undefined ? {} : { status }),
    ...(code === undefined ? {} : { code }),
    ...(interaction === undefined ? {} : { interaction }),
    ...(kind === undefined ? {} : { kind }),
    ...(matching === undefined ? {} : { matching }),
    ...(expires === undefined ? {} : { expires }),
  };
}

/** The field's text; undefined when absent; refused when it is not a string with something in it. */
function textField(entry: JsonObject, field: string, where: string, what: string): string | undefined {
  const value = entry[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigurationError(
      `${where}: field '${field}' must be a non-empty string (${what}), not ${JSON.stringify(value)}`,
    );
  return value;
}

/** `YYYY-MM-DD` naming a day of the calendar: Date.parse would take 2027-02-30 for 2 March. */
function isCalendarDate(text: string): boolean {
  const time = Date.parse(text);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === text;
}

/** The known finding a failure matches, and whether it has expired by `today` (`YYYY-MM-DD`). */
export function matchKnown(
  findings: readonly KnownFinding[],
  candidate: FindingCandidate,
  today: string,
): KnownMatch | undefined {
  const finding = findings.find(
    (known) =>
      known.check === candidate.check &&
      (known.status === undefined || known.status === candidate.status) &&
      (known.code === undefined || known.code === candidate.code) &&
      (known.interaction === undefined || known.interaction === candidate.interaction) &&
      (known.kind === undefined || (candidate.kinds ?? []).includes(known.kind)) &&
      (known.matching === undefined || new RegExp(known.matching).test(candidate.text)),
  );
  return finding && { finding, expired: finding.expires !== undefined && finding.expires < today };
}

export function describeFinding(finding: KnownFinding): string {
  const parts = [
    finding.check,
    finding.status,
    finding.code,
    finding.interaction && `"${finding.interaction}"`,
    finding.kind && `kind ${finding.kind}`,
    finding.matching && `/${finding.matching}/`,
  ].filter((part) => part !== undefined && part !== '');
  return parts.join(' ');
}
