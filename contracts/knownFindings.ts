import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError } from './configurationError';
import { read } from './env';
import { isJsonObject, type JsonValue } from './json';
import { PROJECT_ROOT } from './projectRoot';

/** The committed, reviewed list of accepted findings (hostile checks and provider verification alike). */
export const KNOWN_FINDINGS_FILE = join(PROJECT_ROOT, 'contracts', 'known-findings.yaml');

/** KNOWN_FINDINGS_FILE names another list (a team's own, or a test's); the committed one otherwise. */
export function knownFindingsFile(env: NodeJS.ProcessEnv): string {
  return read(env, 'KNOWN_FINDINGS_FILE') ?? KNOWN_FINDINGS_FILE;
}

/**
 * A finding accepted after review: reported as `known`, it does not fail a run until it expires. It matches a
 * failure when every field it gives matches: the check (a hostile check's name, or `pact` / `schema` for
 * provider verification), the status, the error code, the interaction description, the kind of hostile request
 * (`auth:secret-key`, `method:GET`: see `kindsOf`), and a regular expression on the failure's text.
 */
export interface KnownFinding {
  readonly check: string;
  readonly status?: number;
  readonly code?: string;
  readonly interaction?: string;
  /** A kind of hostile request the failing case must be of. */
  readonly kind?: string;
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

export function loadKnownFindings(file: string = KNOWN_FINDINGS_FILE): KnownFinding[] {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return [];
  if (!Array.isArray(parsed)) throw new ConfigurationError(`${file}: expected a list of findings`);
  return parsed.map((entry: JsonValue, index) => findingFrom(entry, `${file}: finding #${index + 1}`));
}

function findingFrom(entry: JsonValue, where: string): KnownFinding {
  if (!isJsonObject(entry)) throw new ConfigurationError(`${where} is not a mapping`);
  const { check, status, code, interaction, kind, matching, reason, expires } = entry;
  const text = (value: JsonValue | undefined, name: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new ConfigurationError(`${where}: ${name} must be a non-empty string`);
    return value;
  };
  const checkName = text(check, 'check');
  const why = text(reason, 'reason');
  if (checkName === undefined || why === undefined) throw new ConfigurationError(`${where}: check and reason are required`);
  if (status !== undefined && (typeof status !== 'number' || !Number.isInteger(status))) throw new ConfigurationError(`${where}: status must be a whole number`);
  const pattern = text(matching, 'matching');
  if (pattern !== undefined) {
    try {
      new RegExp(pattern);
    } catch (error) {
      throw new ConfigurationError(`${where}: matching is not a regular expression (${(error as Error).message})`);
    }
  }
  const until = text(expires, 'expires');
  if (until !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(until)))) throw new ConfigurationError(`${where}: expires must be a date such as 2027-01-31`);
  return {
    check: checkName,
    reason: why.trim(),
    ...(typeof status === 'number' ? { status } : {}),
    ...(text(code, 'code') === undefined ? {} : { code: String(code) }),
    ...(text(interaction, 'interaction') === undefined ? {} : { interaction: String(interaction) }),
    ...(text(kind, 'kind') === undefined ? {} : { kind: String(kind) }),
    ...(pattern === undefined ? {} : { matching: pattern }),
    ...(until === undefined ? {} : { expires: until }),
  };
}

/** The known finding a failure matches, and whether it has expired by `today` (`YYYY-MM-DD`). */
export function matchKnown(findings: readonly KnownFinding[], candidate: FindingCandidate, today: string): KnownMatch | undefined {
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
  const parts = [finding.check, finding.status, finding.code, finding.interaction && `"${finding.interaction}"`, finding.kind && `kind ${finding.kind}`, finding.matching && `/${finding.matching}/`].filter(
    (part) => part !== undefined && part !== '',
  );
  return parts.join(' ');
}
