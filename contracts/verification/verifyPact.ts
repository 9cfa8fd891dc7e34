import { Verifier } from '@pact-foundation/pact';
import { explainBrokerFailure } from '../broker/brokerFailure';
import type { VersionInfo } from '../broker/versionInfo';
import { CASES } from '../cases';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import { isJsonObject } from '../json';
import type { ResponseValidators } from '../openapi/responseValidators';
import type { LogLevel } from '../pact/logLevel';
import { readPactFile } from '../pact/pactFile';
import type { PactSourceSettings } from './pactSourceSettings';
import { guardedStateHandlers, sessionStateSetups } from './providerStates';
import { STAND_IN_STATUS, startRecordingProxy, type Exchange } from './recordingProxy';
import type { InteractionResult, PactResults, VerificationReport } from './report';
import type { SessionLedger } from './sessionLedger';
import { pactSections, type PactSection } from './verifierOutput';
import { parseVerifierRun, type VerifierError, type VerifierRun } from './verifierResults';

export interface VerifyPactOptions {
  readonly source: PactSourceSettings;
  readonly provider: string;
  readonly providerUrl: string;
  /** How the report names the provider: "embedded reference provider", "Nango". */
  readonly providerLabel: string;
  readonly timeoutMs: number;
  readonly logLevel: LogLevel;
  readonly validators: ResponseValidators;
  /** Owned by the caller, so an interrupted run can still clean up what the states created. */
  readonly ledger: SessionLedger;
  /** Publish the results to the broker under this provider version. */
  readonly publish: VersionInfo | undefined;
}

/** What happened between the verifier's set-up call for one interaction and its tear-down. */
interface Slot {
  readonly stateFailures: string[];
  readonly firstExchange: number;
  readonly started: number;
  durationMs: number | undefined;
}

type VerifierConfig = ConstructorParameters<typeof Verifier>[0];
/** The parts of the Express request Pact hands a request filter that this suite uses. */
interface FilteredRequest {
  readonly path: string;
  readonly body?: unknown;
}


/**
 * Replays every interaction of every pact the source yields against the provider in one Pact verifier run
 * (pending pacts, WIP pacts and result publishing are the verifier's own), through a recording proxy that
 * validates each live response against the spec. The verifier runs interactions one after the other and calls
 * its set-up hook before each, so each live response, state failure and duration is tied to its interaction.
 * Throws (before any interaction) when the provider cannot be reached or will not create a connect session.
 */
export async function verifyPact(options: VerifyPactOptions): Promise<VerificationReport> {
  const { ledger, source } = options;
  // A local pact is read first: a missing or broken file is said plainly, not as a verifier failure.
  const localPact = source.kind === 'file' ? readPactFile(source.file) : undefined;
  // Preflight: reachable and the key accepted, before any interaction. The session goes with the first clean-up.
  try {
    await ledger.open();
  } catch (error) {
    // Silence before any answer (a black-holed address, a server that never answers) is unreachability too.
    if (error instanceof RequestTimeoutError) throw new ProviderUnreachableError(error.url, `no answer within ${error.timeoutMs} ms`);
    throw error;
  }

  const slots: Slot[] = [];
  const current = (): Slot | undefined => slots.at(-1);
  const setups = sessionStateSetups(ledger);
  const stateHandlers = guardedStateHandlers(setups, (state, cause) => current()?.stateFailures.push(`provider state '${state}' failed: ${cause}`));
  const proxy = await startRecordingProxy({
    targetBaseUrl: options.providerUrl,
    timeoutMs: options.timeoutMs,
    validators: options.validators,
    failSchemaViolations: options.publish !== undefined,
    holdBack: () => (current()?.stateFailures.length ? 'its provider state failed' : undefined),
  });
  // Pact only logs a state it has no handler for, then sends the example token: count it as a failed set-up.
  const noticeUnknownStates = (request: FilteredRequest, next: () => void): void => {
    const body: unknown = request.body;
    const state = isJsonObject(body) && body['action'] === 'setup' && typeof body['state'] === 'string' ? body['state'] : '';
    if (request.path === '/_pactSetup' && state !== '' && !(state in setups)) current()?.stateFailures.push(`no set-up for provider state '${state}'`);
    next();
  };
  const runProblems: string[] = [];
  let verdict: string;
  try {
    const config: VerifierConfig = {
      provider: options.provider,
      providerBaseUrl: proxy.url,
      ...pactSourceConfig(source),
      ...(options.publish
        ? {
            publishVerificationResult: true,
            providerVersion: options.publish.version,
            ...(options.publish.branch ? { providerVersionBranch: options.publish.branch } : {}),
            ...(options.publish.buildUrl ? { buildUrl: options.publish.buildUrl } : {}),
          }
        : {}),
      stateHandlers,
      requestFilter: (request: FilteredRequest, _response: unknown, next: () => void) => noticeUnknownStates(request, next),
      beforeEach: async () => {
        slots.push({ stateFailures: [], firstExchange: proxy.exchanges.length, started: performance.now(), durationMs: undefined });
      },
      afterEach: async () => {
        const slot = current();
        if (slot) slot.durationMs = performance.now() - slot.started;
        // A session that will not go stays in the ledger: retried after each interaction, reported once at the end.
        await ledger.cleanUp();
      },
      logLevel: options.logLevel,
      // Per request: each state makes at most two bounded calls; the interaction's own request is bounded by the proxy.
      timeout: 3 * options.timeoutMs + 1_000,
    };
    try {
      verdict = await new Verifier(config).verifyProvider();
    } catch (error) {
      verdict = (error as Error).message;
    }
  } finally {
    await proxy.close();
    runProblems.push(...(await ledger.cleanUp()));
  }

  const parsed = parseVerifierRun(verdict);
  if (!parsed.ran) return reportOf(options, [], [parsed.reason, ...runProblems]);
  const { run } = parsed;
  if (run.interactions.length === 0 && run.errors.length > 0) {
    // Nothing was verified because nothing could be loaded (refused credentials, a broker that is down, no pacts).
    const why = run.errors.flatMap((error) => error.problems.map((problem) => problem.replace(/^request failed: /, ''))).join('; ');
    const broker = source.kind === 'file' ? undefined : source.broker;
    throw new PactSourceError((broker && explainBrokerFailure(why, broker)) ?? `could not get the pacts from ${sourceLabel(source)}: ${why}`);
  }
  const sections = sectionsOf(run, localPact?.consumer ?? 'pacts from the broker');
  const attributed = run.interactions.length === slots.length;
  if (!attributed) {
    runProblems.push(`the verifier ran ${run.interactions.length} interactions but set up ${slots.length}: live responses could not be told apart, so none was checked against the spec`);
  }
  const unclaimed = { errors: [...run.errors], pendingErrors: [...run.pendingErrors] };
  let index = 0;
  const pacts: PactResults[] = sections.map((section) => {
    const results = section.interactions.map(({ description, expectedStatus }) => {
      const slot = attributed ? slots[index] : undefined;
      // One interaction sends one request: the first exchange between its set-up and the next one's is its own.
      const exchange = slot && slot.firstExchange < (slots[index + 1]?.firstExchange ?? proxy.exchanges.length) ? proxy.exchanges[slot.firstExchange] : undefined;
      const verifier = run.interactions[index];
      index += 1;
      const claim = (list: VerifierError[]): VerifierError | undefined => {
        const at = list.findIndex((error) => error.key.startsWith(`Verifying a pact between ${section.consumer} and `) && error.key.endsWith(` - ${description}`));
        return at === -1 ? undefined : list.splice(at, 1)[0];
      };
      const error = claim(unclaimed.errors);
      const pendingError = error ? undefined : claim(unclaimed.pendingErrors);
      const verifierSays = error?.problems ?? pendingError?.problems ?? (verifier?.ok === false ? ['the Pact verifier reported a failure without details'] : []);
      const expected = expectedStatus ?? CASES.find((candidate) => candidate.description === description)?.response.status;
      return resultOf({ description, expectedStatus: expected, slot, exchange, verifierSays, pending: section.pending || pendingError !== undefined });
    });
    return { consumer: section.consumer, consumerVersions: section.consumerVersions, pending: section.pending, wip: section.wip, results: inCaseOrder(results) };
  });
  // Errors no interaction claimed are run-wide: a pact that could not be loaded, no pacts found.
  for (const error of [...unclaimed.errors, ...unclaimed.pendingErrors]) runProblems.push(`${error.key}: ${error.problems.join('; ')}`);
  return reportOf(options, pacts, runProblems);
}

function pactSourceConfig(source: PactSourceSettings): Partial<VerifierConfig> {
  const auth = (broker: PactSourceSettings & { kind: 'broker' | 'url' }): Partial<VerifierConfig> => {
    const credentials = broker.broker?.auth;
    if (credentials?.kind === 'token') return { pactBrokerToken: credentials.token };
    if (credentials?.kind === 'basic') return { pactBrokerUsername: credentials.username, pactBrokerPassword: credentials.password };
    return {};
  };
  switch (source.kind) {
    case 'file':
      return { pactUrls: [source.file] };
    case 'url':
      return { pactUrls: [source.url], ...auth(source) };
    case 'broker':
      return {
        pactBrokerUrl: source.broker.baseUrl,
        ...auth(source),
        consumerVersionSelectors: source.selectors.map((selector) => ({ ...selector })),
        enablePending: source.enablePending,
        ...(source.includeWipPactsSince ? { includeWipPactsSince: source.includeWipPactsSince } : {}),
        ...(source.providerBranch ? { providerVersionBranch: source.providerBranch } : {}),
      };
  }
}

/** The pacts in the verifier's output; one group named `fallback` when the output cannot be read back to the results. */
function sectionsOf(run: VerifierRun, fallback: string): PactSection[] {
  const sections = pactSections(run.output);
  const described = sections.flatMap((section) => section.interactions);
  const consistent = described.length === run.interactions.length && described.every((item, at) => item.description === run.interactions[at]?.description);
  if (consistent) return sections;
  const interactions = run.interactions.map((item) => ({ description: item.description, expectedStatus: undefined }));
  return [{ consumer: fallback, consumerVersions: [], pending: false, wip: false, interactions }];
}

/** No pact could be loaded: the run verified nothing. */
export class PactSourceError extends Error {
  override name = 'PactSourceError';
}

function sourceLabel(source: PactSourceSettings): string {
  return source.kind === 'file' ? source.file : source.kind === 'url' ? source.url : `the Pact Broker at ${source.broker.baseUrl}`;
}

function reportOf(options: VerifyPactOptions, pacts: PactResults[], runProblems: string[]): VerificationReport {
  const { source } = options;
  return {
    provider: options.provider,
    providerUrl: options.providerUrl,
    providerLabel: options.providerLabel,
    pactSource: sourceLabel(source),
    fromBroker: source.kind !== 'file',
    pacts,
    runProblems,
    published: options.publish ? { providerVersion: options.publish.version, providerBranch: options.publish.branch } : undefined,
  };
}

/** The report follows the documented cases' order (204 first); interactions the cases do not know come last. */
function inCaseOrder(results: InteractionResult[]): InteractionResult[] {
  const rank = (result: InteractionResult): number => {
    const index = CASES.findIndex((contractCase) => contractCase.description === result.description);
    return index === -1 ? CASES.length : index;
  };
  return [...results].sort((a, b) => rank(a) - rank(b));
}

interface Observed {
  readonly description: string;
  readonly expectedStatus: number | undefined;
  readonly slot: Slot | undefined;
  readonly exchange: Exchange | undefined;
  readonly verifierSays: readonly string[];
  readonly pending: boolean;
}

function resultOf({ description, expectedStatus, slot, exchange, verifierSays, pending }: Observed): InteractionResult {
  const stateFailures = slot?.stateFailures ?? [];
  const base = {
    name: CASES.find((candidate) => candidate.description === description)?.name ?? description,
    description,
    expectedStatus,
    durationMs: slot?.durationMs ?? 0,
    pending,
  };
  if (!slot) return { ...base, actualStatus: undefined, pactProblems: [...verifierSays], schemaProblems: undefined };
  if (!exchange) {
    return { ...base, actualStatus: undefined, pactProblems: [...stateFailures, ...verifierSays, 'the verifier sent no request to the provider'], schemaProblems: undefined };
  }
  if (exchange.notSentBecause !== undefined) {
    // Pact's mismatches are about the stand-in answer: the state's failure says it.
    return { ...base, actualStatus: undefined, pactProblems: [...stateFailures, `the request was not sent to the provider, as ${exchange.notSentBecause}`], schemaProblems: undefined };
  }
  if (!exchange.response) {
    // Pact's mismatches are about the proxy's stand-in answer, not the provider's: the transport failure says it.
    return { ...base, actualStatus: undefined, pactProblems: [...stateFailures, exchange.transportError ?? 'no answer'], schemaProblems: undefined };
  }
  const pactProblems = exchange.failedForSchema ? standInProblems(verifierSays, exchange.response.status) : verifierSays;
  return { ...base, actualStatus: exchange.response.status, pactProblems: [...stateFailures, ...pactProblems], schemaProblems: exchange.schemaProblems ?? [] };
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
  return [...statusMismatches, `published as a failure: the response broke the spec, so Pact's verifier was shown a ${STAND_IN_STATUS} stand-in`];
}
