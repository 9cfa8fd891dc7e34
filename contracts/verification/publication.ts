import type { BrokerPact } from '../broker/pactsToVerify';
import type { PactVerdict } from '../broker/verificationPublisher';
import type { PactFile } from '../pact/pactFile';
import type { InteractionResult, PactResults } from './results';

/**
 * The contract each verified pact came from, in the verifier's order: the verifier runs the pacts in the order
 * the broker serves them, so pact i is the broker's pact i, checked by consumer and by its interactions'
 * descriptions (`filtered`: the verified ones among the contract's, as Pact's filter keeps some). Undefined
 * where they disagree (the broker's answer changed between the two reads).
 */
export function contractsOf(
  pacts: readonly PactResults[],
  contracts: readonly PactFile[],
  filtered = false,
): Array<PactFile | undefined> {
  const descriptions = (items: readonly { readonly description: string }[]): string =>
    JSON.stringify(items.map(({ description }) => description).sort());
  return pacts.map((pact, index) => {
    const contract = contracts[index];
    const known = new Set(contract?.interactions.map(({ description }) => description));
    const sameInteractions = filtered
      ? pact.results.every(({ description }) => known.has(description))
      : contract !== undefined && descriptions(contract.interactions) === descriptions(pact.results);
    const same = contracts.length === pacts.length && contract?.consumer === pact.consumer && sameInteractions;
    return same ? contract : undefined;
  });
}

/** Marks the interactions their contract declares pending (Pact V4 `pending`): shown, with the reason, but not failing the run. */
export function withDeclaredPending(pact: PactResults, contract: PactFile | undefined): PactResults {
  if (!contract) return pact;
  const results = pact.results.map((result): InteractionResult => {
    const reason = contract.interactions.find(({ description }) => description === result.description)?.pending;
    return reason === undefined ? result : { ...result, declaredPending: reason, pending: true };
  });
  return { ...pact, results };
}

/** What the contract requires of one interaction: all but what its consumer declared pending. */
const required = (result: InteractionResult): boolean => result.declaredPending === undefined;

/**
 * What the broker is told of each pact: `success` over the interactions the contract requires (Pact's verdict on
 * each, which a spec-breaking answer's stand-in made a failure), every interaction in `testResults`, the pending
 * ones failing visibly with their reason. Known findings accepted at verification time play no part: the broker
 * hears the verdict on the answers. Returns why instead when a pact cannot be published to.
 */
export function verdictOf(pact: PactResults, brokerPact: BrokerPact | undefined): PactVerdict | string {
  if (!brokerPact) return 'its pact could not be matched to one the broker serves';
  if (!brokerPact.publishUrl) return `the broker's pact ${brokerPact.url} has no pb:publish-verification-results link`;
  const testResults = pact.results.map((result) => ({
    interactionDescription: result.description,
    success: result.pactProblems.length === 0,
    ...(result.declaredPending === undefined ? {} : { pending: true, pendingReason: result.declaredPending }),
    ...(result.pactProblems.length
      ? { mismatches: result.pactProblems.map((problem) => ({ description: problem })) }
      : {}),
  }));
  const success = pact.results.filter(required).every((result) => result.pactProblems.length === 0);
  return { consumer: pact.consumer, publishUrl: brokerPact.publishUrl, success, testResults };
}
