/**
 * `npm run findings [-- --spec <file>]`: from what the last runs recorded (reports/verification.json,
 * reports/hostile-findings.json; no new request), writes reports/findings.md (one section per distinct finding,
 * ready for the provider's tracker) and reports/spec-overlay.yaml (an OpenAPI Overlay 1.0 whose actions make the
 * spec describe every answer that is not a server defect). The overlay is checked as it is written: applied to
 * the spec with openapi-overlays-js (in this process), the result compiled by the same Ajv code, every recorded answer validated.
 * Then it prints the declarations a team would add for a green gate (declarations.ts), ready to paste, never applied.
 * `--spec` judges against another spec version, to see which findings it already absorbs. Exit codes: 0 written,
 * 1 the patched spec still leaves an answer undescribed, 2 could not run (nothing recorded, bad arguments).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigurationError } from '../configurationError';
import { ContractsError } from '../errors';
import { logLevelFrom } from '../pact/logLevel';
import { read } from '../env';
import { classify } from '../findings/classify';
import { declarationsFor } from '../findings/declarations';
import { findingsEvidence, findingsMarkdown } from '../findings/findingsMarkdown';
import { applyOverlay, type OverlayApplier } from '../findings/applyOverlay';
import { overlayDocument, undescribed } from '../findings/overlay';
import { readRecorded, type RecordedAnswer } from '../findings/recorded';
import { SPEC_FILE } from '../nangoApi';
import { lifecycleValidators } from '../cases';
import { projectPath } from '../projectRoot';
import { loadSpecFile } from '../openapi/specDocument';
import type { CliIo } from '../output/cliIo';
import { EXIT } from '../output/exitCode';
import { redactor } from '../output/redaction';
import { reportsDir } from '../report/evidenceFile';

const LABEL = 'findings';
export const FINDINGS_REPORT = 'findings.md';
export const OVERLAY_FILE = 'spec-overlay.yaml';
export const FINDINGS_EVIDENCE = 'findings.json';

function specFrom(args: readonly string[], cwd: string): string {
  if (args.length === 0) return SPEC_FILE;
  const [flag, file, ...more] = args;
  if (flag !== '--spec' || file === undefined || more.length > 0)
    throw new ConfigurationError(
      `unexpected arguments ${JSON.stringify(args.join(' '))}: expected none, or --spec <OpenAPI file>`,
    );
  return resolve(cwd, file);
}

export async function reportFindings(
  io: CliIo,
  args: readonly string[] = [],
  apply: OverlayApplier = applyOverlay,
): Promise<number> {
  try {
    // Every CLI refuses a bad LOG_LEVEL the same way, whether or not it loads Pact.
    logLevelFrom(io.env);
    const specFile = specFrom(args, io.cwd);
    const spec = loadSpecFile(specFile);
    const validators = lifecycleValidators(spec);
    const dir = reportsDir(io.env, io.cwd);
    const recorded = readRecorded(dir);
    const findings = classify(recorded.answers, spec, validators);
    // What the run objected to, and this spec no longer does: absorbed by it.
    const inFindings = new Set(findings.flatMap((finding) => [finding.answer.id, ...finding.alsoIn]));
    const absorbed = recorded.answers
      .filter((answer) => answer.recordedObjections.length > 0 && !inFindings.has(answer.id))
      .map((answer) => answer.id);
    const byId = new Map(recorded.answers.map((answer) => [answer.id, answer] as const));
    const defects = new Set<RecordedAnswer>(
      findings
        .filter((finding) => finding.disposition.kind === 'defect')
        .flatMap((finding) => [finding.answer, ...finding.alsoIn.flatMap((id) => byId.get(id) ?? [])]),
    );

    mkdirSync(dir, { recursive: true });
    const overlayFile = join(dir, OVERLAY_FILE);
    const today = new Date().toISOString().slice(0, 10);
    writeFileSync(overlayFile, overlayDocument(findings, specFile, dir, today));
    // Checked as written: applied to the spec, compiled, every recorded answer validated.
    const left = undescribed(
      apply(specFile, overlayFile),
      `${specFile} with ${overlayFile}`,
      recorded.answers,
      defects,
    );
    const shown = (file: string) => (relative(io.cwd, file).startsWith('..') ? file : relative(io.cwd, file));
    // Everything recorded was redacted as written; once more, by format, on the way out. The report is for a
    // public tracker: it names files by projectPath, never by a path of this machine.
    const redact = redactor([]);
    const markdown = redact(
      findingsMarkdown(
        recorded,
        findings,
        projectPath(specFile),
        projectPath(overlayFile),
        left,
        absorbed,
        FINDINGS_EVIDENCE,
      ),
    );
    const report = join(dir, FINDINGS_REPORT);
    writeFileSync(report, markdown);
    const evidence = join(dir, FINDINGS_EVIDENCE);
    writeFileSync(evidence, redact(findingsEvidence(recorded, findings, projectPath(specFile))));
    const stepSummary = read(io.env, 'GITHUB_STEP_SUMMARY');
    if (stepSummary) appendFileSync(stepSummary, `${markdown}\n`);
    const patches = findings.filter((finding) => finding.disposition.kind === 'patch').length;
    io.stdout.write(
      `${findings.length} root cause(s): ${patches} spec patch(es), ${findings.length - patches} server defect(s) or note(s)\n`,
    );
    for (const { answer, problems } of left)
      io.stdout.write(
        `${redact(`not described by the patched spec: ${answer.id} (${answer.status}): ${problems.join('; ')}`)}\n`,
      );
    io.stdout.write(`reports: ${shown(report)}, ${shown(evidence)}, ${shown(overlayFile)}\n`);
    const { pending, known, hostile } = declarationsFor(findings, recorded.answers);
    if (pending || known || hostile) {
      io.stdout.write(
        '\nFor a green gate, a team would declare (paste after review: this command changes none of these files):\n',
      );
      if (pending)
        io.stdout.write(
          `\n# contracts/pending-interactions.yaml: Pact's own failures (the broker is told each fails, pending, and success without them); then npm run pacts:update\n${redact(pending)}`,
        );
      if (known)
        io.stdout.write(
          `\n# contracts/known-findings.yaml: schema only, Pact passed them (accepted, the broker hears Pact's own verdict: success)\n${redact(known)}`,
        );
      if (hostile)
        io.stdout.write(
          `\n# contracts/known-findings.yaml: hostile checks (accepted, contracts:hostile passes on them; the pact's gate is not touched)\n${redact(hostile)}`,
        );
    }
    return left.length ? EXIT.failed : EXIT.passed;
  } catch (error) {
    if (!(error instanceof ContractsError)) throw error;
    io.stderr.write(`${LABEL} could not run: ${error.userLine}\n`);
    return error.exitCode;
  }
}
