import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../configurationError';
import { read } from '../env';
import { isJsonObject } from '../json';
import type { Redact } from '../output/redaction';
import { reportPassed, type VerificationReport } from '../verification/results';
import { PROJECT_ROOT } from '../projectRoot';

/**
 * A verification run's outcome as a file (reports/verification.json): what `pact:publish-provider-contract` hands
 * PactFlow as the provider's own verification results, the evidence that the spec it publishes holds of a server.
 */
export interface VerificationEvidence {
  readonly generatedAt: string;
  readonly passed: boolean;
  /** `embedded` for the reference provider, whose results say nothing about Nango. */
  readonly target: 'embedded' | 'remote';
  readonly report: VerificationReport;
}

export const EVIDENCE_FILE = 'verification.json';

/** REPORTS_DIR (relative to the folder the command runs in), or reports/ at the top of the project. */
export function reportsDir(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  return resolve(cwd, read(env, 'REPORTS_DIR') ?? join(PROJECT_ROOT, 'reports'));
}

/** Writes the evidence, redacted like everything else the run prints; returns the file's path. */
export function writeEvidence(dir: string, report: VerificationReport, target: VerificationEvidence['target'], redact: Redact): string {
  const evidence: VerificationEvidence = { generatedAt: new Date().toISOString(), passed: reportPassed(report), target, report };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, EVIDENCE_FILE);
  writeFileSync(file, `${redact(JSON.stringify(evidence, null, 2))}\n`);
  return file;
}

/** What a publisher needs to know of an evidence file: whether the run passed, and against what. */
export function readEvidenceSummary(file: string): Pick<VerificationEvidence, 'generatedAt' | 'passed' | 'target'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(
      code === 'ENOENT'
        ? `no verification results at ${file}: run \`npm run verify\` against Nango first (NANGO_BASE_URL, NANGO_SECRET_KEY)`
        : `${file} is not a verification results file (${(error as Error).message})`,
    );
  }
  const { generatedAt, passed, target } = isJsonObject(parsed) ? parsed : {};
  if (typeof generatedAt !== 'string' || typeof passed !== 'boolean' || (target !== 'embedded' && target !== 'remote')) {
    throw new ConfigurationError(`${file} is not a verification results file written by \`npm run verify\``);
  }
  return { generatedAt, passed, target };
}
