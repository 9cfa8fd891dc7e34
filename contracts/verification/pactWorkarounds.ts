/**
 * What Pact 17.1.4 (pact-core 20.2.0, Node 24.21.0) still needs worked around, fenced here, each with what was
 * measured on it; nothing else in the suite knows of them. Retired with Pact 16.5: its types' refusal of
 * `{ setup, teardown }` state handlers (17.1.3 accepts them), and its hook bookkeeping, which counted set-up and
 * tear-down calls so that a failed set-up call left it one tear-down short (17.0.1 runs beforeEach/afterEach on the
 * edges of each interaction, and a hook that throws now rejects verifyProvider once the run is done).
 *
 * 1. The verifier's own module, not the package index (`Verifier`). Loading the index (the consumer DSL too) still
 *    costs more: CPU of a process that loads it, median of 15 interleaved runs, 338 ms for the index against 199 ms
 *    for the verifier's module. Pact 17 ships no exports map, so the path resolves.
 * 2. `guardedStateHandlers`. Pact 17.1.4 still catches a state handler that throws, prints it to the console,
 *    answers the set-up call 200 with no values, and the verifier sends the pact's example values: an interaction
 *    whose set-up threw passed ("OK") against a provider that accepted the example. One that returns nothing is
 *    sent the examples silently. The guard reports both by state name; the caller keeps the request from the provider.
 * 3. `pactSections` / `failureDetail`: the verifier's console text, for what its JSON results still lack. pact-core
 *    20.2's JSON (pact-ffi 0.5.8) names each interaction's consumer and pending state (read from there, in
 *    verifierResults.ts) and its provider states and mismatches, but not the consumer versions nor the WIP mark the
 *    broker gives a pact (its `notices` are the run's, not a pact's), nor the status an interaction expects unless
 *    it failed on it, nor which of two pacts of one consumer an interaction belongs to: the console's pact headings,
 *    with the broker's notices before each, still say those.
 */
import { stripVTControlCharacters } from 'node:util';
// (1) The deep import. @pact-foundation/pact is pinned, so the path is fixed.
import type { Verifier } from '@pact-foundation/pact/src/dsl/verifier/verifier';
import { stateValueProblems } from '../cases';
import type { JsonObject } from '../json';
import type { StateSetup } from './providerStates';

export type VerifierConfig = ConstructorParameters<typeof Verifier>[0];

/**
 * (1) Pact's verifier, loaded when first asked for: the parent process reads the verifier's output with the
 * functions below and must not load Pact (nor have it read LOG_LEVEL) for that.
 */
export function pactVerifier(config: VerifierConfig): Verifier {
  const { Verifier: PactVerifier } =
    require('@pact-foundation/pact/src/dsl/verifier/verifier') as typeof import('@pact-foundation/pact/src/dsl/verifier/verifier');
  return new PactVerifier(config);
}

/** (2) Set-ups only: the suite clears what they create in afterEach and at the end of the run, not per state. */
export type StateHandlerMap = Record<string, () => Promise<JsonObject>>;

/**
 * (2) Pact's state handlers, guarded: Pact only logs a handler that throws and then sends the example values, and
 * sends them silently when a handler returns less than its interactions read (each state says what it hands back).
 * Both are reported through `onFailure`, by state name, and the handler resolves with no values, so Pact prints
 * nothing of its own about it. The caller keeps the request from the provider.
 */
export function guardedStateHandlers(
  setups: Record<string, StateSetup>,
  onFailure: (state: string, cause: string) => void,
): StateHandlerMap {
  const handlers: StateHandlerMap = {};
  for (const [state, setup] of Object.entries(setups)) {
    handlers[state] = async () => {
      try {
        const values = await setup();
        const problems = stateValueProblems(state, values);
        if (!values || problems.length > 0) throw new Error(problems.join('; ') || 'handed back nothing');
        return values;
      } catch (error) {
        onFailure(state, (error as Error).message);
        return {};
      }
    };
  }
  return handlers;
}

/** A consumer version a pact belongs to, and its branch when the broker named one. */
export interface ConsumerVersion {
  /** Undefined when the broker names the branch alone (a real broker's WIP notice). */
  readonly version: string | undefined;
  readonly branch: string | undefined;
}

/** Each version once, with the branch any notice gave it; a branch named alone only when no version has it. */
function distinctVersions(versions: readonly ConsumerVersion[]): ConsumerVersion[] {
  const byVersion = new Map<string, ConsumerVersion>();
  for (const { version, branch } of versions)
    if (version !== undefined) byVersion.set(version, { version, branch: branch ?? byVersion.get(version)?.branch });
  const branches = new Set([...byVersion.values()].map((known) => known.branch));
  const alone = [
    ...new Set(
      versions
        .filter((known) => known.version === undefined && !branches.has(known.branch))
        .map((known) => known.branch),
    ),
  ];
  return [...byVersion.values(), ...alone.map((branch) => ({ version: undefined, branch }))];
}

/** (3) One pact as the verifier's output shows it: the notices the broker gave for it, then its interactions. */
export interface PactSection {
  readonly consumer: string;
  readonly consumerVersions: readonly ConsumerVersion[];
  readonly pending: boolean;
  readonly wip: boolean;
  readonly interactions: ReadonlyArray<{ readonly description: string; readonly expectedStatus: number | undefined }>;
}

const HEADING = /^Verifying a pact between (.+) and (.+)$/;
/** `  <description> (2ms loading, 86ms verification)`: an interaction the verifier ran. */
const INTERACTION = /^ {2}(\S.*) \([^()]*loading, [^()]*verification\)/;
/** `      has status code 404 (OK)`: the status the interaction expects. */
const EXPECTED_STATUS = /^ +has status code (\d+) /;
/** A broker notice names each consumer version in parentheses, after its branch when it has one: `… from branch 'main' (1.2.3)`. */
const VERSION_IN_NOTICE = /(?:branch '([^']*)'[^()]*?)? \(([^()\s]+)\)/g;
/** A real broker's WIP notice names the consumer's branch alone: `the latest version of C from branch 'feat'`. */
const CONSUMER_BRANCH_IN_NOTICE = /latest version of \S+ from branch '([^']*)'/g;
/** A real broker lists the reasons under the notice, one per indented line: `    * latest version from branch 'main' (c1)`. */
const NOTICE_ITEM = /^\s+\* /;

/**
 * Splits the verifier's output into pacts. The JSON results list interactions without their pact; the output
 * has a heading per pact, preceded by the broker's notices (why it is verified, consumer versions, pending).
 */
export function pactSections(output: readonly string[]): PactSection[] {
  const sections: Array<{
    consumer: string;
    notices: string[];
    interactions: Array<{ description: string; expectedStatus: number | undefined }>;
  }> = [];
  let notices: string[] = [];
  for (const line of output) {
    const heading = HEADING.exec(line);
    if (heading) {
      sections.push({ consumer: heading[1] ?? '', notices, interactions: [] });
      notices = [];
      continue;
    }
    const interaction = INTERACTION.exec(line);
    if (interaction && sections.length > 0) {
      sections.at(-1)?.interactions.push({ description: interaction[1] ?? '', expectedStatus: undefined });
      continue;
    }
    const status = EXPECTED_STATUS.exec(line);
    const last = sections.at(-1)?.interactions.at(-1);
    if (status && last && last.expectedStatus === undefined) {
      last.expectedStatus = Number(status[1]);
      continue;
    }
    if (/^\S/.test(line)) notices.push(line);
    else if (NOTICE_ITEM.test(line) && notices.length > 0) notices[notices.length - 1] += ` ${line.trim()}`;
  }
  return sections.map(({ consumer, notices: said, interactions }) => {
    const why = said.filter((notice) => /is being verified because/.test(notice));
    return {
      consumer,
      consumerVersions: distinctVersions(
        why.flatMap((notice) => [
          ...[...notice.matchAll(VERSION_IN_NOTICE)].map((match) => ({ version: match[2], branch: match[1] })),
          ...[...notice.matchAll(CONSUMER_BRANCH_IN_NOTICE)].map((match) => ({ version: undefined, branch: match[1] })),
        ]),
      ),
      pending: said.some((notice) => /\bpending state\b/i.test(notice)),
      wip: said.some((notice) => /work in progress/i.test(notice)),
      interactions,
    };
  });
}

/**
 * The part of the verifier's console output about the interactions that failed: each one's block (what it
 * checked, OK or FAILED) and the verifier's closing "Failures:" list. Lines are given as printed (colours kept).
 */
export function failureDetail(printed: readonly string[], failingDescriptions: ReadonlySet<string>): string[] {
  const detail: string[] = [];
  let inFailingBlock = false;
  let inFailures = false;
  for (const line of printed) {
    const plain = stripVTControlCharacters(line);
    if (plain === 'Failures:') inFailures = true;
    if (inFailures) {
      if (plain.trim() !== '') detail.push(line);
      if (/^There (was|were) \d+ pact failures?/.test(plain)) inFailures = false;
      continue;
    }
    const interaction = INTERACTION.exec(plain);
    if (interaction) inFailingBlock = failingDescriptions.has(interaction[1] ?? '');
    else if (plain.trim() === '' || /^\S/.test(plain)) inFailingBlock = false;
    if (inFailingBlock) detail.push(line);
  }
  return detail;
}
