import fc from 'fast-check';
import { matchKnown, type KnownFinding, type KnownMatch } from '../knownFindings';
import { CHECK_NAMES, failureKey, type Failure, type Judgement } from './checks';
import { hostileCase, type HostileCase } from './hostileCases';

/** What a case did: its failures, the hostile requests it sent (set-up and look-ups aside), the checks applied. */
export interface CaseOutcome extends Judgement {
  readonly requests: number;
}

export interface SearchOptions {
  readonly seed: number;
  /** Cases to run at most, shrinking included. */
  readonly runs: number;
  readonly timeLimitMs: number;
  /** Sent first, one after the other, before the random search; failures they show are kept as they are. */
  readonly coverage: readonly HostileCase[];
  /** Replays one counterexample (fast-check's path) of `seed` instead of searching (and sends no coverage case). */
  readonly replayPath: string | undefined;
  readonly knownFindings: readonly KnownFinding[];
  /** `YYYY-MM-DD`, for the findings' expiry. */
  readonly today: string;
  /** Asked before each case: true once the run must stop (interrupted). */
  readonly stopped: () => boolean;
}

/** One distinct failure (by check, status and error code) with the smallest case found that shows it. */
export interface FoundFailure {
  readonly failure: Failure;
  readonly example: HostileCase;
  /** Seed and path that replay `example` (fast-check's), when it came from a shrunk counterexample. */
  readonly seed: number;
  readonly path: string | undefined;
  /** `coverage`: a case of the coverage pass, sent on every run; `search`: drawn by fast-check from the seed. */
  readonly origin: 'coverage' | 'search';
  readonly known: KnownMatch | undefined;
}

export interface SearchOutcome {
  readonly cases: number;
  readonly requests: number;
  readonly perCheck: ReadonlyMap<string, { readonly judged: number; readonly failed: number }>;
  /** New failures, and known ones whose acceptance has expired: they fail the run. */
  readonly failures: readonly FoundFailure[];
  readonly known: readonly FoundFailure[];
  readonly interrupted: boolean;
}

/**
 * Runs generated cases through `run` with fast-check until the case budget or the time limit is spent. Each
 * time a case fails in a way not seen before, fast-check shrinks it to the smallest such case; the search then
 * goes on (with the next seed) for failures of other kinds. Known, unexpired findings are recorded as they are
 * met and never shrunk. `run` may throw to stop the whole search (the provider cannot be used any more).
 */
export async function searchForFailures(run: (hostile: HostileCase) => Promise<CaseOutcome>, options: SearchOptions): Promise<SearchOutcome> {
  const started = Date.now();
  const found = new Map<string, FoundFailure>();
  const known = new Map<string, FoundFailure>();
  const perCheck = new Map<string, { judged: number; failed: number }>();
  const tally = (check: string): { judged: number; failed: number } => {
    const counts = perCheck.get(check) ?? { judged: 0, failed: 0 };
    perCheck.set(check, counts);
    return counts;
  };
  CHECK_NAMES.forEach(tally);
  let cases = 0;
  let requests = 0;
  let fatal: unknown;

  const knownMatch = (failure: Failure): KnownMatch | undefined =>
    matchKnown(options.knownFindings, { check: failure.check, status: failure.status, code: failure.code, text: failure.message }, options.today);
  const execute = async (hostile: HostileCase, seed: number, origin: FoundFailure['origin'] = 'search'): Promise<Failure[]> => {
    cases += 1;
    const outcome = await run(hostile);
    requests += outcome.requests;
    for (const [check, judged] of outcome.judged) tally(check).judged += judged;
    for (const failure of outcome.failures) tally(failure.check).failed += 1;
    const fresh: Failure[] = [];
    for (const failure of outcome.failures) {
      const key = failureKey(failure);
      const match = knownMatch(failure);
      if (match && !match.expired) {
        if (!known.has(key)) known.set(key, { failure, example: hostile, seed, path: undefined, origin, known: match });
      } else if (!found.has(key)) fresh.push(failure);
    }
    return fresh;
  };

  const timeLeft = () => options.timeLimitMs - (Date.now() - started);
  for (const hostile of options.replayPath ? [] : options.coverage) {
    if (options.stopped()) break;
    for (const failure of await execute(hostile, options.seed, 'coverage')) {
      const key = failureKey(failure);
      if (!found.has(key)) found.set(key, { failure, example: hostile, seed: options.seed, path: undefined, origin: 'coverage', known: knownMatch(failure) });
    }
  }
  for (let iteration = 0; cases < options.runs && timeLeft() > 0 && fatal === undefined && !options.stopped(); iteration += 1) {
    const seed = options.seed + iteration;
    const property = fc.asyncProperty(hostileCase, async (hostile) => {
      if (fatal !== undefined || options.stopped()) return true;
      try {
        return (await execute(hostile, seed)).length === 0;
      } catch (error) {
        fatal = error;
        return true;
      }
    });
    const details = await fc.check(property, {
      seed,
      numRuns: options.replayPath ? 1 : Math.max(1, options.runs - cases),
      interruptAfterTimeLimit: Math.max(1, timeLeft()),
      markInterruptAsFailure: false,
      ...(options.replayPath ? { path: options.replayPath } : {}),
    });
    if (!details.failed || !details.counterexample) {
      if (options.replayPath) break;
      if (details.interrupted || cases >= options.runs) break;
      continue;
    }
    // The counterexample is shrunk: run it once more to learn which new failures it shows, and keep them.
    const [example] = details.counterexample;
    for (const failure of await execute(example, seed)) {
      const key = failureKey(failure);
      if (!found.has(key)) found.set(key, { failure, example, seed, path: details.counterexamplePath ?? undefined, origin: 'search', known: knownMatch(failure) });
    }
    if (options.replayPath) break;
  }
  if (fatal !== undefined) throw fatal;
  return { cases, requests, perCheck, failures: [...found.values()], known: [...known.values()], interrupted: timeLeft() <= 0 };
}
