import { knownFindingsFile, loadKnownFindings, type KnownFinding } from '../knownFindings';
import { reportsDir, writeEvidence } from '../verification/evidenceFile';
import { applyKnownFindings } from '../verification/knownInVerification';
import { formatReport, reportPassed } from '../verification/report';
import { runVerificationWorker } from '../verification/runWorker';
import { settingsFromEnv, type VerificationSettings } from '../verification/settings';
import { ConfigurationError } from '../configurationError';

/** Exit codes: 0 all passed, 1 a verification failed, 2 the run could not start (settings, provider), 130/143 interrupted. */
export async function verifyAndReport(env: NodeJS.ProcessEnv): Promise<number> {
  // Bad settings are said here, in one line, before a worker (and Pact, which reads LOG_LEVEL as it loads) starts.
  let settings: VerificationSettings;
  let knownFindings: KnownFinding[];
  try {
    settings = settingsFromEnv(env);
    knownFindings = loadKnownFindings(knownFindingsFile(env));
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`verification could not run: ${error.message}\n`);
    return 2;
  }
  const run = await runVerificationWorker(env, process.stdout, process.stderr);
  if (run.interruptedBy) {
    process.stderr.write(`verification interrupted by ${run.interruptedBy}\n`);
    return run.interruptedBy === 'SIGINT' ? 130 : 143;
  }
  if (run.outcome.kind === 'error') {
    process.stderr.write(`${run.redact(`verification could not run: ${run.outcome.message}`)}\n`);
    return 2;
  }
  const { report } = run.outcome;
  // The verifier only logs a failed publication; the run must not look as if the broker had its results.
  const notPublished = report.published ? run.publishFailures.map((line) => `results not published: ${line}`) : [];
  const full = applyKnownFindings({ ...report, runProblems: [...report.runProblems, ...notPublished] }, knownFindings, new Date().toISOString().slice(0, 10));
  process.stdout.write(`\n${run.redact(formatReport(full))}\n`);
  writeEvidence(reportsDir(env), full, settings.target.kind, run.redact);
  return reportPassed(full) ? 0 : 1;
}
