import { describeFinding, matchKnown, type KnownFinding } from '../knownFindings';
import type { InteractionResult, VerificationReport } from '../verification/results';

/** The checks provider verification reports under, as the known-findings list names them. */
const VERIFICATION_CHECKS = ['pact', 'schema'] as const;

/**
 * Moves each Pact or schema problem that the known-findings list accepts (and has not expired) out of the
 * failing problems into `known`, with the reason, so a team can stay green on a drift it has reported upstream
 * while any new drift still fails. An expired acceptance leaves the problem failing, saying so; a finding about
 * verification that no longer occurs is listed as stale (not in a run Pact's filter kept to part of the pact).
 * A Pact-level problem (status, matching) is still what Pact's verifier published to the broker: the result says
 * so (`brokerTold`). Schema objections the list accepts
 * were never shown to Pact as a failure (the recording proxy asks the list first), so the broker heard Pact's verdict.
 */
export function applyKnownFindings(
  report: VerificationReport,
  findings: readonly KnownFinding[],
  today: string,
): VerificationReport {
  const met = new Set<KnownFinding>();
  const sort = (
    result: InteractionResult,
    check: (typeof VERIFICATION_CHECKS)[number],
    problems: readonly string[],
  ) => {
    const failing: string[] = [];
    const known: string[] = [];
    for (const problem of problems) {
      const match = matchKnown(
        findings,
        { check, interaction: result.description, status: result.actualStatus, text: problem },
        today,
      );
      if (match) met.add(match.finding);
      if (match && !match.expired) known.push(`${check}: ${problem} (accepted: ${match.finding.reason})`);
      else failing.push(match ? `${problem} (accepted until ${match.finding.expires ?? '?'}, now expired)` : problem);
    }
    return { failing, known };
  };
  const pacts = report.pacts.map((pact) => ({
    ...pact,
    results: pact.results.map((result): InteractionResult => {
      const pactSide = sort(result, 'pact', result.pactProblems);
      const schemaSide =
        result.schemaProblems === undefined ? undefined : sort(result, 'schema', result.schemaProblems);
      const accepted = {
        ...result,
        pactProblems: pactSide.failing,
        schemaProblems: schemaSide?.failing,
        known: [...result.known, ...pactSide.known, ...(schemaSide?.known ?? [])],
      };
      // Accepted here, but Pact's own verdict on the answer was a failure, and that is what the broker heard.
      const acceptedPactProblems = result.pactProblems.filter((problem) => !pactSide.failing.includes(problem));
      return report.published && acceptedPactProblems.length
        ? { ...accepted, brokerTold: `failure (Pact: ${acceptedPactProblems.join('; ')})` }
        : accepted;
    }),
  }));
  // Filtered, what did not occur may belong to an interaction that was not replayed: nothing is judged stale. Nor
  // on a reference provider, which serves the spec: the list is about the real server, and what it accepts
  // there does not occur here (calling it stale would have the next real run fail).
  const judged = report.filter === undefined && !report.providerIsReference ? findings : [];
  const stale = judged
    .filter((finding) => (VERIFICATION_CHECKS as readonly string[]).includes(finding.check) && !met.has(finding))
    .map(
      (finding) =>
        `the known finding "${describeFinding(finding)}" did not occur: remove it from the known-findings list`,
    );
  return { ...report, pacts, staleFindings: [...report.staleFindings, ...stale] };
}
