import { reportsDir, writeEvidence } from '../verification/evidenceFile';
import { formatReport, reportPassed } from '../verification/report';
import { runVerificationWorker } from '../verification/runWorker';
import { settingsFromEnv } from '../verification/settings';

/** Exit codes: 0 all passed, 1 a verification failed, 2 the run could not start (settings, provider), 130/143 interrupted. */
export async function verifyAndReport(env: NodeJS.ProcessEnv): Promise<number> {
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
  const full = { ...report, runProblems: [...report.runProblems, ...notPublished] };
  process.stdout.write(`\n${run.redact(formatReport(full))}\n`);
  // The worker accepted these settings already: read again only to say what was verified.
  writeEvidence(reportsDir(env), full, settingsFromEnv(env).target.kind, run.redact);
  return reportPassed(full) ? 0 : 1;
}
