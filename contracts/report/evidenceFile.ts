import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../configurationError';
import { read } from '../env';
import { isJsonObject, readJsonFile } from '../json';
import type { Redact } from '../output/redaction';
import { reportPassed, type VerificationReport } from '../verification/results';
import { PROJECT_ROOT } from '../projectRoot';

/** How a verification run ended, as its evidence says: `running` until it says otherwise. */
export type EvidenceOutcome = 'running' | 'passed' | 'failed' | 'could-not-run' | 'interrupted';
/** What was verified: the embedded reference provider, a reference provider elsewhere (it says so in a header), or a real Nango. */
export type EvidenceTarget = 'embedded' | 'reference' | 'remote';

/**
 * A verification run's outcome as a file (reports/verification.json): what `pact:publish-provider-contract` hands
 * PactFlow as the provider's own verification results, the evidence that the spec it publishes holds of a server.
 * Every `npm run verify` replaces it as it starts, so it never outlives the run it describes.
 */
export interface VerificationEvidence {
  readonly generatedAt: string;
  readonly outcome: EvidenceOutcome;
  readonly passed: boolean;
  readonly target: EvidenceTarget;
  /** SHA-256 of the spec the run checked answers against. */
  readonly specSha256: string;
  /** SHA-256 of the pact file verified; null when the pacts came from a broker. */
  readonly pactSha256: string | null;
  /** Why a run could not run, or what stopped it. */
  readonly message: string | null;
  readonly report: VerificationReport | null;
}

export const EVIDENCE_FILE = 'verification.json';

/** REPORTS_DIR (relative to the folder the command runs in), or reports/ at the top of the project. */
export function reportsDir(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  return resolve(cwd, read(env, 'REPORTS_DIR') ?? join(PROJECT_ROOT, 'reports'));
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** What a run's evidence is about, known before it starts. */
export interface EvidenceSubject {
  readonly target: EvidenceTarget;
  readonly specFile: string;
  readonly pactFile: string | undefined;
}

/** Writes the evidence, redacted like everything else the run prints; returns the file's path. */
export function writeEvidence(
  dir: string,
  subject: EvidenceSubject,
  ended: { readonly outcome: EvidenceOutcome; readonly report?: VerificationReport; readonly message?: string },
  redact: Redact,
): string {
  const report = ended.report ?? null;
  const evidence: VerificationEvidence = {
    generatedAt: new Date().toISOString(),
    outcome: ended.outcome,
    passed: ended.outcome === 'passed' && report !== null && reportPassed(report),
    target: report?.providerIsReference && subject.target === 'remote' ? 'reference' : subject.target,
    specSha256: sha256Of(subject.specFile),
    pactSha256: subject.pactFile && existsSync(subject.pactFile) ? sha256Of(subject.pactFile) : null,
    message: ended.message ?? null,
    report,
  };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, EVIDENCE_FILE);
  writeFileSync(file, `${redact(JSON.stringify(evidence, null, 2))}\n`);
  return file;
}

const OUTCOMES: readonly EvidenceOutcome[] = ['running', 'passed', 'failed', 'could-not-run', 'interrupted'];
const TARGETS: readonly EvidenceTarget[] = ['embedded', 'reference', 'remote'];

/** What a publisher needs to know of an evidence file. */
export type EvidenceSummary = Pick<
  VerificationEvidence,
  'generatedAt' | 'outcome' | 'passed' | 'target' | 'specSha256' | 'pactSha256' | 'message'
>;

/** An evidence file, checked: what it says of the run, and the run's report (none when it did not finish). */
export function readEvidence(file: string): VerificationEvidence {
  const parsed = readJsonFile(file, {
    missing: `no verification results at ${file}: run \`npm run verify\` against Nango first (NANGO_BASE_URL, NANGO_SECRET_KEY)`,
    kind: 'a verification results file',
  });
  const { generatedAt, outcome, passed, target, specSha256, pactSha256, message, report } = isJsonObject(parsed)
    ? parsed
    : {};
  if (
    typeof generatedAt !== 'string' ||
    typeof passed !== 'boolean' ||
    typeof specSha256 !== 'string' ||
    !OUTCOMES.some((known) => known === outcome) ||
    !TARGETS.some((known) => known === target) ||
    (pactSha256 !== null && typeof pactSha256 !== 'string')
  ) {
    throw new ConfigurationError(
      `${file} is not a verification results file written by this version of \`npm run verify\`: run it again`,
    );
  }
  return {
    generatedAt,
    outcome: outcome as EvidenceOutcome,
    passed,
    target: target as EvidenceTarget,
    specSha256,
    pactSha256: pactSha256 ?? null,
    message: typeof message === 'string' ? message : null,
    // Written by the same code from a VerificationReport; only its presence is checked here.
    report: isJsonObject(report) ? (report as unknown as VerificationReport) : null,
  };
}
