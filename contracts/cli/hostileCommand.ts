/**
 * `npm run contracts:hostile` (hostile.ts starts it): generated hostile requests to DELETE /connect/session (fast-check, seeded),
 * every answer checked against the spec with Schemathesis-named checks; each distinct failure printed once,
 * shrunk, as a replayable curl line. The embedded reference provider by default, NANGO_BASE_URL /
 * NANGO_SECRET_KEY for a real or local Nango. Exit codes: 0 passed, 1 a failure, 2 could not run, 130/143
 * interrupted.
 */
import { ConfigurationError } from '../configurationError';
import { CHECK_NAMES, judge } from '../hostile/checks';
import { CaseRunner } from '../hostile/caseRunner';
import { curlLine } from '../hostile/curl';
import { coverageCases } from '../hostile/coverage';
import { formatHostileReport, hostilePassed, type SlowestAnswer } from '../hostile/hostileReport';
import { searchForFailures } from '../hostile/hostileSearch';
import { hostileSettingsFromEnv } from '../hostile/hostileSettings';
import { answersOf, requestsOf } from '../hostile/observation';
import { knownFindingsFile, loadKnownFindings } from '../knownFindings';
import { openLiveRun } from '../live/liveRun';
import { nangoValidators } from '../nangoApi';
import type { CliIo } from '../output/cliIo';
import { EXIT, exitCodeOf } from '../output/exitCode';
import { redactor } from '../output/redaction';

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
    return EXIT.couldNotRun;
  }
  const live = await openLiveRun(settings);
  const { baseUrl, secretKey, ledger } = live;
  const redact = redactor([secretKey]);

  let interruptedBy: NodeJS.Signals | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    interruptedBy ??= signal;
    live.stop.stop(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const interrupted = (signal: NodeJS.Signals): number => {
    io.stderr.write(`${LABEL} interrupted by ${signal}; sessions: ${ledger.account.created} created, ${ledger.account.deleted} deleted\n`);
    return exitCodeOf(signal);
  };

  const started = Date.now();
  try {
    const validators = nangoValidators();
    const context = { validators, maxResponseMs: settings.maxResponseMs };
    const runner = new CaseRunner({ baseUrl, secretKey, timeoutMs: settings.timeoutMs, admin: live.admin, ledger, budget: live.budget });
    let slowest: SlowestAnswer | undefined;
    const outcome = await searchForFailures(
      async (hostile) => {
        const observation = await runner.run(hostile);
        for (const { request, response, durationMs } of answersOf(observation)) {
          if (durationMs > (slowest?.durationMs ?? -1)) slowest = { durationMs, method: request.method, status: response.status };
        }
        return { ...judge(observation, context), requests: requestsOf(observation) };
      },
      {
        coverage: coverageCases(validators),
        seed: settings.seed,
        runs: settings.runs,
        timeLimitMs: settings.timeLimitMs,
        replayPath: settings.replayPath,
        knownFindings,
        today: new Date().toISOString().slice(0, 10),
        stopped: () => interruptedBy !== undefined,
      },
    );
    const cleanUpProblems = await ledger.cleanUp();
    if (interruptedBy) return interrupted(interruptedBy);
    const met = new Set([...outcome.known, ...outcome.failures].flatMap((found) => (found.known ? [found.known.finding] : [])));
    const report = {
      targetLabel: live.label,
      targetUrl: baseUrl,
      seed: settings.seed,
      durationMs: Date.now() - started,
      outcome,
      stale: settings.replayPath ? [] : knownFindings.filter((finding) => CHECK_NAMES.includes(finding.check) && !met.has(finding)),
      sessions: ledger.account,
      cleanUpProblems,
      rateLimitWaitMs: live.budget.waitedMs,
      maxResponseMs: settings.maxResponseMs,
      slowest,
    };
    io.stdout.write(`${redact(formatHostileReport(report, (request) => curlLine(baseUrl, request, secretKey)))}\n`);
    return hostilePassed(report) ? EXIT.passed : EXIT.failed;
  } catch (error) {
    const problems = await ledger.cleanUp();
    if (interruptedBy) return interrupted(interruptedBy);
    const { created, deleted } = ledger.account;
    io.stderr.write(`${redact(`${LABEL} could not run: ${(error as Error).message}; sessions: ${created} created, ${deleted} deleted${problems.length ? `; ${problems.join('; ')}` : ''}`)}\n`);
    return EXIT.couldNotRun;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await live.close();
  }
}
