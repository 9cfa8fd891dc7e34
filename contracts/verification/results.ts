import type { CaseId } from '../cases';
import type { SessionAccount } from '../live/sessionLedger';
import { sessionsAccountedFor } from '../live/sessionLedger';
import type { ConsumerVersion } from './pactWorkarounds';
import type { PublicationOutcome } from '../broker/verificationPublisher';

/** What a verification run found, as data: what the worker sends back, the report prints, the CI reports hold. */

/** The outcome of replaying one interaction. */
export interface InteractionResult {
  readonly name: string;
  readonly description: string;
  /** The documented case it was written from, when it is one of this suite's: matched by description once, as the run reads the pact. */
  readonly caseId?: CaseId;
  /** The operation it exercised (`POST /connect/sessions`): its case table's, or the request line the provider got. */
  readonly operation?: string;
  /** undefined when neither the documented cases nor the verifier's output says. */
  readonly expectedStatus: number | undefined;
  /** What the provider answered; undefined when it never answered. */
  readonly actualStatus: number | undefined;
  /** Pact's own matching (status, headers, body), plus provider-state failures. */
  readonly pactProblems: readonly string[];
  /** What the spec says of the live response (documented status, media type, schema); undefined when none came. */
  readonly schemaProblems: readonly string[] | undefined;
  readonly durationMs: number;
  /** Pending (Pact's sense): its failure is shown but does not fail the run. */
  readonly pending: boolean;
  /** Set when its consumer declared it pending in the contract (Pact V4 `pending`): the reason. */
  readonly declaredPending?: string;
  /** Where this suite's own declaration of it stands (`contracts/pending-interactions.yaml:12`), when it is ours. */
  readonly pendingDeclaredAt?: string;
  /** Problems accepted in the known-findings list, with the reason: shown, not failing. */
  readonly known: readonly string[];
  /** Set when results were published and Pact's own verdict, which the broker heard, was a failure the list accepts. */
  readonly brokerTold?: string;
  /** The live answer as it came (redacted where it is written), for reporting drift upstream (`npm run findings`). */
  readonly observed?: { readonly status: number; readonly contentType: string | undefined; readonly body: string };
}

/** The interactions of one pact, as the verifier met them. */
export interface PactResults {
  readonly consumer: string;
  /** The consumer versions the broker said the pact belongs to (none for a local file). */
  readonly consumerVersions: readonly ConsumerVersion[];
  readonly pending: boolean;
  readonly wip: boolean;
  readonly results: readonly InteractionResult[];
}

export interface VerificationReport {
  readonly provider: string;
  readonly providerUrl: string;
  readonly providerLabel: string;
  /** Where the pacts came from: a file, "the Pact Broker at …", a pact URL. */
  readonly pactSource: string;
  readonly fromBroker: boolean;
  readonly pacts: readonly PactResults[];
  /** Sessions that could not be cleaned up, pacts that could not be loaded, and other run-wide problems. */
  readonly runProblems: readonly string[];
  /** Set when results were to be published: under which provider version, and what came of each pact's. */
  readonly published: { readonly providerVersion: string; readonly providerBranch: string | undefined; readonly pacts: readonly PublicationOutcome[] } | undefined;
  /** The connect sessions the run created, and how many of them are gone. */
  readonly sessions: SessionAccount;
  /** The provider said it is a reference provider (a header on its answers), whatever its URL. */
  readonly providerIsReference: boolean;
  /** Time spent waiting out rate limits (429). */
  readonly rateLimitWaitMs: number;
  /** Known findings about verification that did not occur in this run: to be removed from the list. */
  readonly staleFindings: readonly string[];
  /** Pact's filter (PACT_DESCRIPTION, …) as set, when the run replayed only the interactions it keeps. */
  readonly filter?: string;
}

export function passed(result: InteractionResult): boolean {
  return result.pactProblems.length === 0 && result.schemaProblems !== undefined && result.schemaProblems.length === 0;
}

export function allResults(report: VerificationReport): InteractionResult[] {
  return report.pacts.flatMap((pact) => pact.results);
}

export function reportPassed(report: VerificationReport): boolean {
  const results = allResults(report);
  return results.length > 0 && results.every((result) => passed(result) || result.pending) && report.runProblems.length === 0 && sessionsAccountedFor(report.sessions);
}

/** What is known of an interaction the moment it finishes: the request, the live answer and the spec's word on it. */
export interface InteractionProgress {
  /** 1-based, in the verifier's order. */
  readonly index: number;
  /** How many the run has, when known (a local pact file). */
  readonly total: number | undefined;
  /** The case's name when the pact is a local file (the verifier keeps its order), else the request line. */
  readonly label: string;
  readonly status: number | undefined;
  readonly problems: readonly string[];
  readonly durationMs: number;
}
