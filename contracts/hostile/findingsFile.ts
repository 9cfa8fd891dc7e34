import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../configurationError';
import { isJsonObject, readJsonFile, type JsonObject } from '../json';
import type { Redact } from '../output/redaction';
import { curlLine, curlRepro, reproRequests } from './curl';
import type { HostileCase } from './hostileCases';
import type { FoundFailure, SearchOutcome } from './hostileSearch';
import { answersOf } from './observation';
import { readable, ROLE_MEANING, rolesOf, type Role } from './placeholders';
import type { SentRequest } from './rawRequest';

/** The hostile run's record of its findings, which `--replay` re-sends: reports/hostile-findings.json. */
export const FINDINGS_FILE = 'hostile-findings.json';

/** One distinct failure as recorded: what failed, the exact requests with their secrets as placeholders, what came back. */
export interface RecordedFinding {
  /** `F1`, `F2`, …: failures first, then the known ones, in the order the report prints them. */
  readonly id: string;
  readonly check: string;
  readonly status: number | null;
  readonly code: string | null;
  readonly message: string;
  /** The kinds of request the case is of (a known finding may name one). */
  readonly kinds: readonly string[];
  readonly origin: FoundFailure['origin'];
  readonly seed: number;
  readonly path: string | null;
  /** Set when the known-findings list accepts it (and has not expired). */
  readonly accepted: { readonly reason: string; readonly expires: string | null } | null;
  /** The case the replay sends again, with fresh sessions. */
  readonly case: HostileCase;
  /** The requests the case sent to /connect/session, in order (`{{live}}`, `{{live|drop-last}}`, `{{deleted}}`, `{{secret}}`, `{{unknown}}` for credentials). */
  readonly requests: readonly SentRequest[];
  /** How many of them were sent at once (a race), 1 otherwise. */
  readonly parallel: number;
  /** What each placeholder stands for. */
  readonly roles: Readonly<Partial<Record<Role, string>>>;
  /** The answers, redacted, as they came. */
  readonly answers: ReadonlyArray<{ readonly status: number; readonly contentType: string | null; readonly body: string }>;
  /** The failing request as a curl line, its secrets as shell variables. */
  readonly curl: string;
  /** Lines to paste into bash that reproduce it by themselves: the sessions it needs, then its requests (`curlRepro`). */
  readonly repro: readonly string[];
}

export interface FindingsRecord {
  readonly generatedAt: string;
  /** False from the moment a run starts until it has recorded its findings: a stopped run's file says so. */
  readonly finished: boolean;
  readonly target: { readonly label: string; readonly baseUrl: string };
  readonly seed: number;
  readonly findings: readonly RecordedFinding[];
}

/** The run's distinct failures, then its known ones, each with its id: the order of the report and of the file. */
export function numbered(outcome: Pick<SearchOutcome, 'failures' | 'known'>): Array<{ readonly id: string; readonly found: FoundFailure }> {
  return [...outcome.failures, ...outcome.known].map((found, index) => ({ id: `F${index + 1}`, found }));
}

/** The longest body a finding keeps of an answer: enough to see what came back, not a 200 kB echo. */
const BODY_LIMIT = 2_000;

export function recordOf(outcome: SearchOutcome, target: FindingsRecord['target'], seed: number, redact: Redact): FindingsRecord {
  const findings = numbered(outcome).map(({ id, found }): RecordedFinding => {
    const answers = answersOf(found.observation);
    const requests = (answers.length ? answers.map((answer) => answer.request) : [found.failure.request]).map(readable);
    const parallel = found.example.kind === 'race' ? found.example.parallel : 1;
    const roles = Object.fromEntries(rolesOf(found.failure.request).map((role) => [role, ROLE_MEANING[role]]));
    return {
      id,
      check: found.failure.check,
      status: found.failure.status ?? null,
      code: found.failure.code ?? null,
      message: redact(found.failure.message),
      kinds: found.kinds,
      origin: found.origin,
      seed: found.seed,
      path: found.path ?? null,
      accepted: found.known && !found.known.expired ? { reason: found.known.finding.reason, expires: found.known.finding.expires ?? null } : null,
      case: found.example,
      requests: parallel > 1 ? requests.slice(0, 1) : requests,
      parallel,
      roles,
      answers: answers.map(({ response }) => ({ status: response.status, contentType: response.contentType ?? null, body: redact(response.bodyText.slice(0, BODY_LIMIT)) })),
      curl: curlLine(target.baseUrl, found.failure.request, parallel),
      repro: reproOf(target.baseUrl, found),
    };
  });
  return { generatedAt: new Date().toISOString(), finished: true, target, seed, findings };
}

/** The lines that reproduce a finding against `baseUrl` when pasted into bash. */
export function reproOf(baseUrl: string, found: Pick<FoundFailure, 'failure' | 'observation' | 'example'>): string[] {
  const { requests, parallel } = reproRequests(found);
  return curlRepro(baseUrl, requests, parallel);
}

/** Writes the record (redacted once more, whole); returns the file's path. */
export function writeFindings(dir: string, record: FindingsRecord, redact: Redact): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, FINDINGS_FILE);
  writeFileSync(file, `${redact(JSON.stringify(record, null, 2))}\n`);
  return file;
}

/** The findings file of a run that did not finish: it records nothing. */
export class UnfinishedRunError extends ConfigurationError {
  override name = 'UnfinishedRunError';
}

/** A findings file written by `npm run contracts:hostile`, or one line saying why it is not one. */
export function readFindings(file: string): FindingsRecord {
  const parsed = readJsonFile(file, { missing: `no findings at ${file}: run npm run contracts:hostile first`, kind: 'a findings file' });
  const findings = isJsonObject(parsed) ? parsed['findings'] : undefined;
  const target = isJsonObject(parsed) ? parsed['target'] : undefined;
  // A single case names its operation, a method case its path: a file of an older version, which let DELETE
  // /connect/session go unnamed, is refused rather than read as DELETE.
  const namesWhere = (hostile: JsonObject): boolean => (hostile['kind'] === 'single' ? isJsonObject(hostile['operation']) : hostile['kind'] === 'method' ? typeof hostile['path'] === 'string' : true);
  const wellFormed = (finding: unknown): boolean =>
    isJsonObject(finding) &&
    typeof finding['id'] === 'string' &&
    typeof finding['check'] === 'string' &&
    isJsonObject(finding['case']) &&
    typeof finding['case']['kind'] === 'string' &&
    namesWhere(finding['case']) &&
    Array.isArray(finding['repro']);
  if (!Array.isArray(findings) || !findings.every(wellFormed) || !isJsonObject(target)) {
    throw new ConfigurationError(`${file} is not a findings file written by npm run contracts:hostile`);
  }
  if (isJsonObject(parsed) && parsed['finished'] === false) {
    throw new UnfinishedRunError(`${file} records no finding: the hostile run that wrote it did not finish (it was stopped, or could not run)`);
  }
  return parsed as FindingsRecord;
}
