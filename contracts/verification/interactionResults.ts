import { NANGO_CATALOGUE, operationHeading, type CaseCatalogue, type ContractCase } from '../cases';
import { STAND_IN_STATUS, type Exchange } from './recordingProxy';
import type { InteractionResult, PactResults } from './results';
import { pactSections, type PactSection } from './pactWorkarounds';
import type { VerifierError, VerifierRun } from './verifierResults';

/** How much of an answer's body a result keeps: an error body whole, not a page. */
const OBSERVED_BODY_LIMIT = 2_000;

/** What happened between the verifier's set-up call for one interaction and the next one's. */
export interface Slot {
  readonly stateFailures: string[];
  /** Index of the first exchange the proxy recorded after this set-up. */
  readonly firstExchange: number;
  readonly started: number;
  durationMs: number | undefined;
  /** The provider state Pact set up for it ('' for none), as its state call said. */
  state: string;
}

/**
 * Puts one verifier run back together per pact and interaction: the verifier's results in the order it ran
 * them, matched one to one with the slots its set-up hook opened (state failures, the live exchange, time), its
 * errors claimed by consumer and description, and its output for which pact each interaction belongs to. The
 * catalogue's tables name the documented cases.
 */
export function resultsOfRun(
  run: VerifierRun,
  slots: readonly Slot[],
  exchanges: readonly Exchange[],
  fallbackConsumer: string,
  catalogue: CaseCatalogue = NANGO_CATALOGUE,
): { pacts: PactResults[]; runProblems: string[] } {
  const runProblems: string[] = [];
  const attributed = run.interactions.length === slots.length;
  if (!attributed) {
    runProblems.push(
      `the verifier ran ${run.interactions.length} interactions but set up ${slots.length}: live responses could not be told apart, so none was checked against the spec`,
    );
  }
  const unclaimed = { errors: [...run.errors], pendingErrors: [...run.pendingErrors] };
  let index = 0;
  const pacts = sectionsOf(run, fallbackConsumer).map((section): PactResults => {
    const results = section.interactions.map(({ description, expectedStatus }) => {
      const slot = attributed ? slots[index] : undefined;
      // One interaction sends one request: the first exchange between its set-up and the next one's is its own.
      const exchange =
        slot && slot.firstExchange < (slots[index + 1]?.firstExchange ?? exchanges.length)
          ? exchanges[slot.firstExchange]
          : undefined;
      const verifier = run.interactions[index];
      index += 1;
      const claim = (list: VerifierError[]): VerifierError | undefined => {
        const at = list.findIndex(
          (error) =>
            error.key.startsWith(`Verifying a pact between ${section.consumer} and `) &&
            error.key.endsWith(` - ${description}`),
        );
        return at === -1 ? undefined : list.splice(at, 1)[0];
      };
      const error = claim(unclaimed.errors);
      const pendingError = error ? undefined : claim(unclaimed.pendingErrors);
      const verifierSays =
        error?.problems ??
        pendingError?.problems ??
        (verifier?.ok === false ? ['the Pact verifier reported a failure without details'] : []);
      // The one place a pact's description is matched to a documented case: the result carries its id from here on.
      const contractCase = catalogue.caseByDescription(description);
      const expected = expectedStatus ?? contractCase?.response.status;
      // Pending as the broker's notice, the verifier's pending errors or its JSON (pact-core 20.2) say.
      const pending = section.pending || pendingError !== undefined || verifier?.pending === true;
      return resultOf(
        { description, contractCase, expectedStatus: expected, slot, exchange, verifierSays, pending },
        catalogue,
      );
    });
    return {
      consumer: section.consumer,
      consumerVersions: section.consumerVersions,
      pending: section.pending,
      wip: section.wip,
      results: inCaseOrder(results, catalogue),
    };
  });
  // Errors no interaction claimed are run-wide: a pact that could not be loaded, for one.
  for (const error of [...unclaimed.errors, ...unclaimed.pendingErrors])
    runProblems.push(`${error.key}: ${error.problems.join('; ')}`);
  return { pacts, runProblems };
}

/**
 * The pacts in the verifier's output, where it agrees with the JSON results interaction by interaction (and with
 * the consumer the JSON names for each, when it names one). Where it does not, the JSON alone: one group per run of
 * interactions of one consumer, named `fallback` where the JSON names none (pact-core before 20.2).
 */
function sectionsOf(run: VerifierRun, fallback: string): PactSection[] {
  const sections = pactSections(run.output);
  const described = sections.flatMap((section) =>
    section.interactions.map((item) => ({ ...item, consumer: section.consumer })),
  );
  const consistent =
    described.length === run.interactions.length &&
    described.every((item, at) => {
      const verified = run.interactions[at];
      return (
        item.description === verified?.description &&
        (verified.consumer === undefined || verified.consumer === item.consumer)
      );
    });
  if (consistent) return sections;
  const groups: Array<{ consumer: string; interactions: Array<{ description: string; expectedStatus: undefined }> }> =
    [];
  for (const { description, consumer = fallback } of run.interactions) {
    const last = groups.at(-1);
    if (last?.consumer === consumer) last.interactions.push({ description, expectedStatus: undefined });
    else groups.push({ consumer, interactions: [{ description, expectedStatus: undefined }] });
  }
  return groups.map(({ consumer, interactions }) => ({
    consumer,
    consumerVersions: [],
    pending: false,
    wip: false,
    interactions,
  }));
}

/** The report follows the documented cases' order (204 first); interactions the cases do not know come last. */
function inCaseOrder(results: InteractionResult[], catalogue: CaseCatalogue): InteractionResult[] {
  return [...results].sort((a, b) => catalogue.caseRank(a.caseId) - catalogue.caseRank(b.caseId));
}

interface Observed {
  readonly description: string;
  readonly contractCase: ContractCase | undefined;
  readonly expectedStatus: number | undefined;
  readonly slot: Slot | undefined;
  readonly exchange: Exchange | undefined;
  readonly verifierSays: readonly string[];
  readonly pending: boolean;
}

function resultOf(
  { description, contractCase, expectedStatus, slot, exchange, verifierSays, pending }: Observed,
  catalogue: CaseCatalogue,
): InteractionResult {
  const stateFailures = slot?.stateFailures ?? [];
  const operation = contractCase
    ? operationHeading(catalogue.operationOfCase(contractCase))
    : exchange
      ? `${exchange.method} ${exchange.path}`
      : undefined;
  const base = {
    name: contractCase?.name ?? description,
    description,
    ...(contractCase ? { caseId: catalogue.caseIdOf(contractCase) } : {}),
    ...(operation === undefined ? {} : { operation }),
    expectedStatus,
    durationMs: slot?.durationMs ?? 0,
    pending,
    known: [],
  };
  if (!slot) return { ...base, actualStatus: undefined, pactProblems: [...verifierSays], schemaProblems: undefined };
  if (!exchange) {
    return {
      ...base,
      actualStatus: undefined,
      pactProblems: [...stateFailures, ...verifierSays, 'the verifier sent no request to the provider'],
      schemaProblems: undefined,
    };
  }
  if (exchange.notSentBecause !== undefined) {
    // Pact's mismatches are about the stand-in answer: the state's failure says it.
    return {
      ...base,
      actualStatus: undefined,
      pactProblems: [...stateFailures, `the request was not sent to the provider, as ${exchange.notSentBecause}`],
      schemaProblems: undefined,
    };
  }
  if (!exchange.response) {
    // Pact's mismatches are about the proxy's stand-in answer, not the provider's: the transport failure says it.
    return {
      ...base,
      actualStatus: undefined,
      pactProblems: [...stateFailures, exchange.transportError ?? 'no answer'],
      schemaProblems: undefined,
    };
  }
  const pactProblems = exchange.failedForSchema
    ? standInProblems(verifierSays, exchange.response.status)
    : verifierSays;
  const observed = {
    status: exchange.response.status,
    contentType: exchange.response.contentType,
    body: exchange.response.bodyText.slice(0, OBSERVED_BODY_LIMIT),
  };
  return {
    ...base,
    actualStatus: exchange.response.status,
    pactProblems: [...stateFailures, ...pactProblems],
    schemaProblems: exchange.schemaProblems ?? [],
    observed,
  };
}

/**
 * Pact's verdict on the stand-in a spec-breaking response was replaced with: its status mismatch, told with the
 * provider's real status (none when that one matched), and why the published result is a failure. The body and
 * header mismatches are about the stand-in and are dropped.
 */
function standInProblems(verifierSays: readonly string[], realStatus: number): string[] {
  const statusMismatches = verifierSays.flatMap((problem) => {
    const mismatch = /^status: expected (\d+) but was (\d+)$/.exec(problem);
    if (!mismatch || Number(mismatch[2]) !== STAND_IN_STATUS) return [];
    return Number(mismatch[1]) === realStatus ? [] : [`status: expected ${mismatch[1]} but was ${realStatus}`];
  });
  return [
    ...statusMismatches,
    `published as a failure: the response broke the spec, so Pact's verifier was shown a ${STAND_IN_STATUS} stand-in`,
  ];
}
