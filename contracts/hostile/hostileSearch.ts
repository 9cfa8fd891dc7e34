import fc from 'fast-check';
import { matchKnown, type KnownFinding, type KnownMatch } from '../knownFindings';
import { CHECK_NAMES, failureKey, type Failure, type Judgement } from './checks';
import { kindsOf, type CoverageCase } from './coverage';
import type { HostileCase } from './hostileCases';
import type { JsonValue } from '../json';
import type { Observation } from './observation';

/** What a case did: what was recorded, its failures, the hostile requests it sent, the checks applied. */
export interface CaseOutcome extends Judgement {
  readonly observation: Observation;
  readonly requests: number;
}

export interface SearchOptions {
  readonly seed: number;
  /** Cases to run at most: the coverage pass, the search with its shrinking, and the minimizing of repros. */
  readonly runs: number;
  readonly timeLimitMs: number;
  /** Sent first, one after the other, before the random search; failures they show are kept as they are. */
  readonly coverage: readonly CoverageCase[];
  /** Replays one counterexample (fast-check's path) of `seed` instead of searching (and sends no coverage case). */
  readonly replayPath: string | undefined;
  readonly knownFindings: readonly KnownFinding[];
  /** `YYYY-MM-DD`, for the findings' expiry. */
  readonly today: string;
  /** Asked before each case: true once the run must stop (interrupted). */
  readonly stopped: () => boolean;
  /** What the search draws (operations.ts's lifecycleCase: every operation the run drives). */
  readonly cases: fc.Arbitrary<HostileCase>;
}

/** One distinct failure (by check, status and error code) with the smallest case found that shows it. */
export interface FoundFailure {
  readonly failure: Failure;
  readonly example: HostileCase;
  /** The kinds of request `example` is of (`kindsOf`). */
  readonly kinds: readonly string[];
  /** What the example did when it showed the failure: its requests and answers. */
  readonly observation: Observation;
  /** The seed of the search that met it. */
  readonly seed: number;
  /** fast-check's path that replays `example` from `seed`, when `example` is exactly its shrunk counterexample. */
  readonly path: string | undefined;
  /** `coverage`: a case of the coverage pass, sent on every run; `search`: drawn by fast-check from the seed. */
  readonly origin: 'coverage' | 'search';
  readonly known: KnownMatch | undefined;
}

export interface CheckCounts {
  readonly judged: number;
  readonly failed: number;
  readonly known: number;
}

export interface SearchOutcome {
  readonly cases: number;
  readonly requests: number;
  /** Per check: requests judged, failures (the run's), and failures the known-findings list accepts (counted apart). */
  readonly perCheck: ReadonlyMap<string, CheckCounts>;
  /** New failures, and known ones whose acceptance has expired: they fail the run. */
  readonly failures: readonly FoundFailure[];
  readonly known: readonly FoundFailure[];
  /** Every kind of request sent at least once (`kindsOf`), for telling a stale known finding from an unexercised one. */
  readonly kindsSent: ReadonlySet<string>;
  /** Coverage cases sent, of those there are. */
  readonly coverage: { readonly sent: number; readonly total: number };
  readonly interrupted: boolean;
}

/**
 * Runs the coverage pass, then generated cases, through `run` with fast-check until the case budget or the time
 * limit is spent. Every failure of a kind not seen before (by check, status and error code) is kept the moment
 * it is seen; the search shrinks the case that showed it, and the shrunk case replaces it; the search then goes
 * on (with the next seed) for failures of other kinds. Last, each repro of the search loses every query, body
 * and content type it can do without and still fail the same way. Known, unexpired findings are recorded as
 * they are met and never shrunk. `run` may throw to stop the whole search (the provider cannot be used any more).
 */
export async function searchForFailures(run: (hostile: HostileCase) => Promise<CaseOutcome>, options: SearchOptions): Promise<SearchOutcome> {
  const started = Date.now();
  const found = new Map<string, FoundFailure>();
  const known = new Map<string, FoundFailure>();
  /** Failures first met during one fast-check run, kept in case its shrinking loses them. */
  const seen = new Map<string, FoundFailure>();
  const kindsSent = new Set<string>();
  const perCheck = new Map<string, { judged: number; failed: number; known: number }>();
  const tally = (check: string): { judged: number; failed: number; known: number } => {
    const counts = perCheck.get(check) ?? { judged: 0, failed: 0, known: 0 };
    perCheck.set(check, counts);
    return counts;
  };
  CHECK_NAMES.forEach(tally);
  let cases = 0;
  let requests = 0;
  let coverageSent = 0;
  let fatal: unknown;

  const knownMatch = (failure: Failure, kinds: readonly string[]): KnownMatch | undefined =>
    matchKnown(options.knownFindings, { check: failure.check, status: failure.status, code: failure.code, kinds, text: failure.message }, options.today);
  const timeLeft = () => options.timeLimitMs - (Date.now() - started);
  const budgetLeft = () => cases < options.runs && timeLeft() > 0 && !options.stopped();

  /** Runs one case, counted and tallied. */
  const runCase = async (hostile: HostileCase): Promise<CaseOutcome> => {
    cases += 1;
    const outcome = await run(hostile);
    const kinds = kindsOf(hostile);
    kinds.forEach((kind) => kindsSent.add(kind));
    requests += outcome.requests;
    for (const [check, judged] of outcome.judged) tally(check).judged += judged;
    for (const failure of outcome.failures) {
      const match = knownMatch(failure, kinds);
      if (match && !match.expired) tally(failure.check).known += 1;
      else tally(failure.check).failed += 1;
    }
    return outcome;
  };
  /** Runs one case; returns its failures of a kind not found yet, each with what it was found with. */
  const execute = async (hostile: HostileCase, seed: number, origin: FoundFailure['origin']): Promise<FoundFailure[]> => {
    const outcome = await runCase(hostile);
    const kinds = kindsOf(hostile);
    const fresh: FoundFailure[] = [];
    for (const failure of outcome.failures) {
      const key = failureKey(failure);
      const match = knownMatch(failure, kinds);
      const entry: FoundFailure = { failure, example: hostile, kinds, observation: outcome.observation, seed, path: undefined, origin, known: match };
      if (match && !match.expired) {
        if (!known.has(key)) known.set(key, entry);
      } else if (!found.has(key)) fresh.push(entry);
    }
    return fresh;
  };
  const keep = (entries: readonly FoundFailure[]): void => {
    for (const entry of entries) if (!found.has(failureKey(entry.failure))) found.set(failureKey(entry.failure), entry);
  };

  for (const { hostile } of options.replayPath ? [] : options.coverage) {
    if (!budgetLeft()) break;
    coverageSent += 1;
    keep(await execute(hostile, options.seed, 'coverage'));
  }
  // A coverage case's generated body can be long (random Unicode, ten tags): minimized like a searched one.
  for (const [key, entry] of found) if (entry.origin === 'coverage' && longBody(entry.example)) found.set(key, await minimized(entry));

  for (let iteration = 0; budgetLeft() && fatal === undefined; iteration += 1) {
    const seed = options.seed + iteration;
    const property = fc.asyncProperty(options.cases, async (hostile) => {
      // HOSTILE_RUNS is a hard cap: fast-check's shrinking runs past numRuns, so the property stops counting there.
      if (fatal !== undefined || options.stopped() || cases >= options.runs) return true;
      try {
        const fresh = await execute(hostile, seed, 'search');
        for (const entry of fresh) if (!seen.has(failureKey(entry.failure))) seen.set(failureKey(entry.failure), entry);
        return fresh.length === 0;
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
    const before = new Set(found.keys());
    if (details.failed && details.counterexample && fatal === undefined && budgetLeft()) {
      // The counterexample is shrunk: run it once more to learn which new failures it shows, and keep them.
      const [example] = details.counterexample;
      const path = details.counterexamplePath ?? undefined;
      keep((await execute(example, seed, 'search')).map((entry) => ({ ...entry, path })));
    }
    // What shrinking lost is kept as first seen.
    keep([...seen.values()]);
    seen.clear();
    if (fatal !== undefined) break;
    // Minimized now, while the budget has room: the search goes on with what is left.
    if (!options.replayPath) {
      for (const [key, entry] of found) if (!before.has(key) && entry.example.kind === 'single') found.set(key, await minimized(entry));
    }
    if (options.replayPath || !details.failed) break;
  }
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a case threw, rethrown as it came
  if (fatal !== undefined) throw fatal;

  /** The repro without each query, body and content type it does not need, as long as the budget allows. */
  async function minimized(entry: FoundFailure): Promise<FoundFailure> {
    let best = entry;
    const drops = [
      (hostile: HostileCase & { kind: 'single' }) => (hostile.query.length ? { ...hostile, query: [] } : undefined),
      (hostile: HostileCase & { kind: 'single' }) => (hostile.body.kind !== 'none' ? { ...hostile, body: { kind: 'none' as const } } : undefined),
      (hostile: HostileCase & { kind: 'single' }) => (hostile.contentType !== undefined ? { ...hostile, contentType: undefined } : undefined),
    ];
    for (const drop of drops) {
      const current = best.example;
      const smaller = current.kind === 'single' ? drop(current) : undefined;
      if (!smaller || !budgetLeft()) continue;
      const outcome = await runCase(smaller);
      const again = outcome.failures.find((failure) => failureKey(failure) === failureKey(entry.failure));
      if (again) best = { ...best, failure: again, example: smaller, kinds: kindsOf(smaller), observation: outcome.observation, path: undefined };
    }
    // Then the JSON body's fields: each dropped, each string made short printable ASCII, while it fails the same way.
    for (let tries = 0; tries < MINIMIZING_TRIES && budgetLeft(); ) {
      const current = best.example;
      if (current.kind !== 'single' || (current.body.kind !== 'valid' && current.body.kind !== 'invalid')) break;
      const body = current.body;
      let smaller: FoundFailure | undefined;
      for (const value of simpler(body.value)) {
        if (tries >= MINIMIZING_TRIES || !budgetLeft()) break;
        tries += 1;
        const candidate: HostileCase = { ...current, body: { ...body, value } };
        const outcome = await runCase(candidate);
        const again = outcome.failures.find((failure) => failureKey(failure) === failureKey(entry.failure));
        if (again) {
          smaller = { ...best, failure: again, example: candidate, kinds: kindsOf(candidate), observation: outcome.observation, path: undefined };
          break;
        }
      }
      if (!smaller) break;
      best = smaller;
    }
    return best;
  }

  return {
    cases,
    requests,
    perCheck,
    failures: [...found.values()],
    known: [...known.values()],
    kindsSent,
    coverage: { sent: coverageSent, total: options.replayPath ? 0 : options.coverage.length },
    interrupted: timeLeft() <= 0,
  };
}

/** The most cases minimizing one repro's body may run. */
const MINIMIZING_TRIES = 48;

/** A body long enough that its repro is worth minimizing (a coverage case's generated one). */
function longBody(hostile: HostileCase): boolean {
  return hostile.kind === 'single' && (hostile.body.kind === 'valid' || hostile.body.kind === 'invalid') && JSON.stringify(hostile.body.value).length > 200;
}

/** Printable ASCII, at most 16 characters: what a string field is simplified to. */
const plain = (text: string): string => text.replace(/[^\x20-\x7e]/g, '').slice(0, 16);

/**
 * The ways to make a JSON value smaller by one step, biggest first: each property of an object (to depth 2)
 * dropped, each array emptied, each string not yet plain made plain.
 */
function simpler(value: JsonValue, depth = 0): JsonValue[] {
  if (Array.isArray(value)) return value.length ? [[]] : [];
  if (typeof value === 'string') return plain(value) === value ? [] : [plain(value)];
  if (value === null || typeof value !== 'object' || depth > 2) return [];
  const entries = Object.entries(value);
  const dropped = entries.map(([key]) => Object.fromEntries(entries.filter(([other]) => other !== key)));
  const inner = entries.flatMap(([key, child]) => simpler(child, depth + 1).map((smaller) => ({ ...value, [key]: smaller })));
  return [...dropped, ...inner].sort((a, b) => JSON.stringify(a).length - JSON.stringify(b).length);
}
