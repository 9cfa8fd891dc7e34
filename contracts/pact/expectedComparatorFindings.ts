/**
 * Findings of PactFlow's bi-directional comparison that this suite's own cases cause on purpose, reviewed one by
 * one. Any other finding is shown (a warning) or fails the run (an error); an entry here that no longer occurs
 * fails too, so the list never outlives its reason.
 */
export interface ExpectedComparatorFinding {
  /** The comparator's rule code, e.g. `request.content-type.unknown`. */
  readonly code: string;
  /** The interaction description it is about. */
  readonly interaction: string;
  readonly reason: string;
}

export const EXPECTED_COMPARATOR_FINDINGS: readonly ExpectedComparatorFinding[] = [
  {
    code: 'request.content-type.unknown',
    interaction: 'a request to delete the connect session with a JSON body',
    reason:
      'the case sends a JSON body on purpose, to pin that Nango rejects one with 400 invalid_body; the spec documents no request body for this DELETE, so it names no content type either',
  },
];
