/**
 * `npm run contracts:hostile` (hostile.ts starts it): generated hostile requests to DELETE /connect/session (fast-check, seeded),
 * every answer checked against the spec with Schemathesis-named checks; each distinct failure printed once,
 * shrunk, as a replayable curl line. The embedded reference provider by default, NANGO_BASE_URL /
 * NANGO_SECRET_KEY for a real or local Nango. Exit codes: 0 passed, 1 a failure, 2 could not run, 130/143
 * interrupted.
 */
import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '../configurationError';
import { CaseRunner } from '../hostile/caseRunner';
import { CHECKS } from '../hostile/hostileChecks';
import { formatHostileReport, hostilePassed } from '../hostile/hostileReport';
import { searchForFailures } from '../hostile/hostileSearch';
import { hostileSettingsFromEnv } from '../hostile/hostileSettings';
import { curlLine } from '../hostile/curl';
import { knownFindingsFile, loadKnownFindings } from '../knownFindings';
import { nangoValidators } from '../nangoApi';
import { startReferenceProvider } from '../provider/referenceProvider';
import { RateLimitBudget } from '../verification/rateLimit';
import { redactor } from '../verification/redaction';
import { SessionAdmin } from '../verification/sessionAdmin';
import { SessionLedger } from '../verification/sessionLedger';
import type { CliIo } from '../cliIo';

const LABEL = 'contracts:hostile';

/** The whole run, with its exit code. Signals stop it only while it runs. */
export async function runHostile(io: CliIo): Promise<number> {
  let settings;
  let knownFindings;
  try {
    settings = hostileSettingsFromEnv(io.env);
    knownFindings = loadKnownFindings(knownFindingsFile(io.env));
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    io.stderr.write(`${LABEL} could not run: ${error.message}\n`);
    return 2;
  }
  const embeddedSecret = randomBytes(24).toString('hex');
  const embedded = settings.target.kind === 'embedded' ? await startReferenceProvider({ secretKey: embeddedSecret }) : undefined;
  const baseUrl = settings.target.kind === 'remote' ? settings.target.baseUrl : (embedded?.url ?? '');
  const secretKey = settings.target.kind === 'remote' ? settings.target.secretKey : embeddedSecret;
  const redact = redactor([secretKey]);
  const budget = new RateLimitBudget(settings.rateLimitWaitMs);
  const admin = new SessionAdmin(baseUrl, secretKey, settings.timeoutMs, budget, `contract-tests-${randomBytes(4).toString('hex')}`);
  const ledger = new SessionLedger(admin);

  let interruptedBy: NodeJS.Signals | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    interruptedBy ??= signal;
    ledger.stop();
    budget.stop();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const started = Date.now();
  try {
    const runner = new CaseRunner({ baseUrl, secretKey, timeoutMs: settings.timeoutMs, validators: nangoValidators(), admin, ledger, budget });
    const outcome = await searchForFailures((hostile) => runner.run(hostile), {
      seed: settings.seed,
      runs: settings.runs,
      timeLimitMs: settings.timeLimitMs,
      replayPath: settings.replayPath,
      knownFindings,
      today: new Date().toISOString().slice(0, 10),
      stopped: () => interruptedBy !== undefined,
    });
    const cleanUpProblems = await ledger.cleanUp();
    if (interruptedBy) {
      io.stderr.write(`${LABEL} interrupted by ${interruptedBy}; sessions: ${ledger.account.created} created, ${ledger.account.deleted} deleted\n`);
      return interruptedBy === 'SIGINT' ? 130 : 143;
    }
    const met = new Set([...outcome.known, ...outcome.failures].flatMap((found) => (found.known ? [found.known.finding] : [])));
    const inScope = (check: string): boolean => (CHECKS as readonly string[]).includes(check);
    const report = {
      targetLabel: embedded ? 'the embedded reference provider' : 'Nango',
      targetUrl: baseUrl,
      seed: settings.seed,
      durationMs: Date.now() - started,
      outcome,
      stale: settings.replayPath ? [] : knownFindings.filter((finding) => inScope(finding.check) && !met.has(finding)),
      sessions: ledger.account,
      cleanUpProblems,
      rateLimitWaitMs: budget.waitedMs,
    };
    io.stdout.write(`${redact(formatHostileReport(report, (request) => curlLine(baseUrl, request, secretKey)))}\n`);
    return hostilePassed(report) ? 0 : 1;
  } catch (error) {
    const problems = await ledger.cleanUp();
    const { created, deleted } = ledger.account;
    if (interruptedBy) {
      io.stderr.write(`${LABEL} interrupted by ${interruptedBy}; sessions: ${created} created, ${deleted} deleted\n`);
      return interruptedBy === 'SIGINT' ? 130 : 143;
    }
    io.stderr.write(`${redact(`${LABEL} could not run: ${(error as Error).message}; sessions: ${created} created, ${deleted} deleted${problems.length ? `; ${problems.join('; ')}` : ''}`)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await embedded?.close();
  }
}
