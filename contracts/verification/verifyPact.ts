import { explainBrokerFailure } from '../broker/brokerFailure';
import { notABroker } from '../broker/brokerIndex';
import type { VersionInfo } from '../broker/versionInfo';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import { pactsToVerify, type BrokerPact, type PactsQuery } from '../broker/pactsToVerify';
import { publishVerificationResults, type PublicationOutcome } from '../broker/verificationPublisher';
import { isJsonObject, type JsonObject } from '../json';
import { pathParameters, templateMatches, type ResponseValidators } from '../openapi/responseValidators';
import type { LogLevel } from '../pact/logLevel';
import { readPactFile, type PactFile } from '../pact/pactFile';
import { NANGO_CATALOGUE, SECRET_KEY_PLACEHOLDER, type CaseCatalogue, type ContractCase } from '../cases';
import { is2xx } from '../http/status';
import { isConnectSessionToken } from '../sessionToken';
import type { PactSourceSettings } from './pactSourceSettings';
import { guardedStateHandlers, pactVerifier, type VerifierConfig } from './pactWorkarounds';
import { lifecycleStateSetups } from './providerStates';
import { resultsOfRun, type Slot } from './interactionResults';
import { AmbiguousCreationError, ProviderFaultError } from '../live/sessionAdmin';
import { RateLimitedError, type RateLimitBudget } from '../live/rateLimit';
import { startRecordingProxy, type Exchange, type RequestShape } from './recordingProxy';
import type { InteractionFilter } from './interactionFilter';
import type { InteractionProgress, PactResults, VerificationReport } from './results';
import type { RunStop } from '../live/runStop';
import type { SessionLedger } from '../live/sessionLedger';
import { pactSourceConfig } from './verifierConfig';
import { parseVerifierRun } from './verifierResults';
import { contractsOf, verdictOf, withDeclaredPending } from './publication';
import { ContractsError } from '../errors';

export interface VerifyPactOptions {
  readonly source: PactSourceSettings;
  readonly provider: string;
  readonly providerUrl: string;
  /** How the report names the provider: "embedded reference provider", "Nango". */
  readonly providerLabel: string;
  /** The environment's secret key: the verifier's request filter puts it where a pact holds the placeholder. */
  readonly secretKey: string;
  readonly timeoutMs: number;
  readonly logLevel: LogLevel;
  /** The spec's validators for the tabled operations: each live answer is checked against them. */
  readonly validators: ResponseValidators;
  /**
   * The case tables the pacts were written from, which name each result's case and say what an operation creates
   * and removes: the committed ones (NANGO_CATALOGUE) unless a test verifies a fixture's.
   */
  readonly catalogue?: CaseCatalogue;
  /** A property of an answer's body that the spec does not name is a schema problem (SPEC_CLOSED_RESPONSES). */
  readonly closedResponses?: boolean;
  /** Owned by the caller, so an interrupted run can still clean up what the states created. */
  readonly ledger: SessionLedger;
  /** Publish the results to the broker under this provider version. */
  readonly publish: VersionInfo | undefined;
  /** Every request to the provider waits out rate limits through it. */
  readonly budget: RateLimitBudget;
  /** Flipped by an interruption; flipped here when a rate limit outlasts the budget. */
  readonly stop: RunStop;
  /**
   * Whether the known-findings list accepts a schema objection: then Pact is shown the real answer, not a stand-in.
   * Asked without the interaction: results are published only for pacts from a broker, and the verifier's hooks do
   * not say which of their interactions is running, so a finding that names one cannot apply here.
   */
  readonly acceptsSchemaProblem?: (objection: { readonly status: number; readonly problem: string }) => boolean;
  /** Told as each interaction finishes, with what the proxy saw: the verifier only speaks at the very end. */
  readonly onInteractionDone?: (progress: InteractionProgress) => void;
  /** Pact's filter of the interactions to replay, which its verifier reads from the environment itself. */
  readonly filter?: InteractionFilter | undefined;
}

/** The run stopped before it finished (a rate limit that outlasted the budget): nothing it did is a verdict. */
export class RunStoppedError extends ContractsError {
  override name = 'RunStoppedError';
}

/** The parts of the Express request Pact hands a request filter that this suite uses. */
interface FilteredRequest {
  readonly path: string;
  readonly body?: unknown;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Transport failures before the request went out: nothing can have been created. */
const NEVER_SENT = /connection refused|host not found|host name lookup failed/;

/**
 * Replays every interaction of every pact the source yields against the provider in one Pact verifier run
 * (pending pacts, WIP pacts and result publishing are the verifier's own), through a recording proxy that
 * validates each live response against the spec. The verifier runs interactions one after the other and calls
 * its set-up hook before each, so each live response, state failure and duration is tied to its interaction.
 * Throws (before any interaction) when the provider cannot be reached or will not create a connect session, and
 * RunStoppedError when a rate limit outlasts the wait budget (then Pact's verifier is left hanging, publishing
 * nothing, and the caller ends the process once it has what it needs).
 */
export async function verifyPact(options: VerifyPactOptions): Promise<VerificationReport> {
  const { ledger, source, stop } = options;
  const catalogue = options.catalogue ?? NANGO_CATALOGUE;
  const stopOnRateLimit = (error: unknown): void => {
    if (error instanceof RateLimitedError) stop.stop(new RunStoppedError(`could not verify: ${error.message}`));
  };
  // A provider that fails in a state (a 5xx, a key it accepted refused, no answer) tells nothing about the contract.
  const stopOnFault = (error: unknown): void => {
    stopOnRateLimit(error);
    if (
      error instanceof ProviderFaultError ||
      error instanceof AmbiguousCreationError ||
      error instanceof ProviderUnreachableError ||
      error instanceof RequestTimeoutError
    ) {
      stop.stop(
        new RunStoppedError(
          `could not verify: the provider failed mid-run, in a provider state (${error.message}); this is not about NANGO_SECRET_KEY, which it accepted`,
        ),
      );
    }
  };
  // A server that is no Pact Broker is said before anything else is asked of it or of the provider.
  const broker = source.kind === 'file' ? undefined : source.broker;
  const wrongServer = broker && (await notABroker(broker));
  if (wrongServer) throw new PactSourceError(wrongServer);
  // A local pact is read first: a missing or broken file is said plainly, not as a verifier failure.
  const localPact = source.kind === 'file' ? readPactFile(source.file) : undefined;
  // From a broker, the pacts are read beside the preflight: progress lines' totals, what their consumers declared
  // pending, and where each result is published.
  const brokerPacts: Promise<BrokerPact[] | undefined> = localPact
    ? Promise.resolve(undefined)
    : pactsToVerify(pactsQueryOf(source, options.provider), options.timeoutMs);
  // Preflight: reachable and the key accepted, before any interaction. The session goes with the first clean-up.
  try {
    await ledger.open();
  } catch (error) {
    if (error instanceof RateLimitedError) throw new RunStoppedError(`could not verify: ${error.message}`);
    // Silence before any answer (a black-holed address, a server that never answers) is unreachability too.
    if (error instanceof AmbiguousCreationError && error.failure instanceof RequestTimeoutError) {
      const { url, timeoutMs } = error.failure;
      throw new ProviderUnreachableError(
        url,
        `no answer within ${timeoutMs} ms (the request may still have created a session for end user ${ledger.account.endUserId})`,
      );
    }
    throw error;
  }
  if (options.publish && ledger.providerIsReference) {
    await ledger.cleanUp();
    throw new PublishRefusedError(referenceRefusal(options.providerUrl));
  }

  const served = await brokerPacts;
  const total = localPact?.interactions.length ?? served?.reduce((sum, { pact }) => sum + pact.interactions.length, 0);
  // Filtered, the n-th interaction run is not the pact's n-th, and how many will run is Pact's to know.
  const byPosition = options.filter ? { total: undefined, pact: undefined } : { total, pact: localPact };
  const slots: Slot[] = [];
  const current = (): Slot | undefined => slots.at(-1);
  const setups = Object.fromEntries(
    Object.entries(lifecycleStateSetups(ledger)).map(([state, setup]) => [
      state,
      () =>
        setup().catch((error: unknown) => {
          stopOnFault(error);
          throw error;
        }),
    ]),
  );
  const stateHandlers = guardedStateHandlers(setups, (state, cause) =>
    current()?.stateFailures.push(`provider state '${state}' failed: ${cause}`),
  );
  const proxy = await startRecordingProxy({
    targetBaseUrl: options.providerUrl,
    timeoutMs: options.timeoutMs,
    validators: options.validators,
    closedResponses: options.closedResponses === true,
    failSchemaViolations: options.publish !== undefined,
    accepted: (status, problem) => options.acceptsSchemaProblem?.({ status, problem }) === true,
    holdBack: () => (current()?.stateFailures.length ? 'its provider state failed' : undefined),
    literalCredentials: catalogue.literalAuthorizations(),
    budget: options.budget,
    halted: () => stop.stopped,
    onRateLimited: stopOnRateLimit,
    onProviderGone: (reason) =>
      stop.stop(new RunStoppedError(`could not verify: the provider failed mid-run: it stopped answering (${reason})`)),
    onExchange: (exchange, authorization) => followResources(exchange, authorization, ledger, catalogue),
    // An interaction's own creating request, sent before an interrupt, is waited for: what its answer made is deleted.
    onSent: (method, path, recorded) => {
      const creates = catalogue.operationAt(method, path)?.creates;
      if (creates === undefined) return;
      ledger.awaitCreation(
        `${method} ${path} (an interaction's own request) had no answer yet: it may have created a ${creates.resource} (the run's are for end user ${ledger.endUserId})`,
        recorded,
      );
    },
  });
  // Pact only logs a state it has no handler for, then sends the example token: count it as a failed set-up.
  const noticeUnknownStates = (request: FilteredRequest, next: () => void): void => {
    const body: unknown = request.body;
    const state =
      isJsonObject(body) && body['action'] === 'setup' && typeof body['state'] === 'string' ? body['state'] : '';
    const slot = current();
    if (request.path === '/_pactSetup' && slot && state !== '') slot.state = state;
    if (request.path === '/_pactSetup' && state !== '' && !(state in setups))
      slot?.stateFailures.push(`no set-up for provider state '${state}'`);
    next();
  };
  const runProblems: string[] = [];
  let verdict = '';
  let stoppedBy: unknown;
  try {
    const config: VerifierConfig = {
      provider: options.provider,
      providerBaseUrl: proxy.url,
      ...pactSourceConfig(source),
      // Pact calls set-up with the state "" for interactions that have none, and warns of each without a handler.
      stateHandlers: { '': () => Promise.resolve({}), ...stateHandlers },
      // Pact's own way to authenticate a replayed request: the pact holds a placeholder, never the key.
      requestFilter: (request: FilteredRequest, _response: unknown, next: () => void) => {
        if (request.headers['authorization'] === `Bearer ${SECRET_KEY_PLACEHOLDER}`)
          request.headers['authorization'] = `Bearer ${options.secretKey}`;
        noticeUnknownStates(request, next);
      },
      beforeEach: async () => {
        slots.push({
          stateFailures: [],
          firstExchange: proxy.exchanges.length,
          started: performance.now(),
          durationMs: undefined,
          state: '',
        });
      },
      afterEach: async () => {
        const slot = current();
        if (slot) {
          slot.durationMs = performance.now() - slot.started;
          options.onInteractionDone?.(
            progressOf(slots.length, byPosition.total, byPosition.pact, slot, proxy.exchanges, catalogue),
          );
        }
        // A session that will not go stays in the ledger: retried after each interaction (one whose DELETE went
        // unanswered at the end only), reported once at the end.
        await ledger.cleanUp({ betweenInteractions: true });
      },
      logLevel: options.logLevel,
      // Per request: each state makes at most two bounded calls, the interaction's own request is bounded by the
      // proxy, and either may also wait out rate limits, at most the run's whole budget.
      timeout: 3 * options.timeoutMs + options.budget.budgetMs + 1_000,
    };
    try {
      verdict = await Promise.race([pactVerifier(config).verifyProvider(), stop.whenStopped()]);
    } catch (error) {
      if (!stop.stopped) verdict = (error as Error).message;
      else stoppedBy = error;
    }
  } finally {
    // Stopped, the proxy stays open and silent: closing it would hand the verifier an answer to go on with.
    if (!stop.stopped) await proxy.close();
    runProblems.push(...(await ledger.cleanUp({ patient: true })));
  }
  // Stopped, nothing is a verdict: the reason, with what clean-up could not delete.
  if (stoppedBy instanceof RunStoppedError && runProblems.length)
    throw new RunStoppedError(`${stoppedBy.message}; ${runProblems.join('; ')}`);
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- what stopped the run, rethrown as it came
  if (stoppedBy !== undefined) throw stoppedBy;

  const parsed = parseVerifierRun(verdict);
  if (!parsed.ran) return reportOf(options, [], [parsed.reason, ...runProblems], options.publish ? [] : undefined);
  const { run } = parsed;
  if (run.interactions.length === 0 && run.errors.length > 0) {
    // Nothing was verified because nothing could be loaded (refused credentials, a broker that is down, no pacts).
    const why = run.errors
      .flatMap((error) => error.problems.map((problem) => problem.replace(/^request failed: /, '')))
      .join('; ');
    throw new PactSourceError(
      (broker && explainBrokerFailure(why, broker)) ?? `could not get the pacts from ${sourceLabel(source)}: ${why}`,
    );
  }
  // Pact's verifier replays nothing, and says nothing, when its filter keeps no interaction or is no pattern it can read.
  if (run.interactions.length === 0 && options.filter) {
    throw new PactSourceError(
      `${options.filter.shown} kept no interaction of the pact (Pact's verifier reads each as a regular expression over descriptions or provider state names)`,
    );
  }
  // A pact without interactions verifies nothing: could not verify, not "0 of 0 passed" nor failed.
  if (run.interactions.length === 0)
    throw new PactSourceError(
      `${sourceLabel(source)} has no interaction: nothing to verify (run npm run pacts:update, or name another pact)`,
    );
  const results = resultsOfRun(run, slots, proxy.exchanges, localPact?.consumer ?? 'pacts from the broker', catalogue);
  const contracts = contractsOf(
    results.pacts,
    localPact ? [localPact] : (served ?? []).map(({ pact }) => pact),
    options.filter !== undefined,
  );
  const pacts = results.pacts.map((pact, index) => withDeclaredPending(pact, contracts[index]));
  const problems = [...results.runProblems, ...runProblems];
  if (!options.publish) return reportOf(options, pacts, problems, undefined);
  if (ledger.providerIsReference || proxy.exchanges.some((exchange) => exchange.fromReferenceProvider))
    throw new PublishRefusedError(referenceRefusal(options.providerUrl));
  return reportOf(
    options,
    pacts,
    problems,
    await publish(
      options,
      pacts,
      contracts.map((contract) => served?.find(({ pact }) => pact === contract)),
      problems,
    ),
  );
}

/** Publishing was asked for where it would not be true: nothing was published. */
export class PublishRefusedError extends ContractsError {
  override name = 'PublishRefusedError';
}

function referenceRefusal(url: string): string {
  return `refusing to publish verification results: the provider at ${url} answered as a reference provider (its answers carry the x-nango-contracts-reference-provider header), so its results would say nothing about Nango; nothing was published`;
}

/**
 * Tells the broker each pact's verdict (verification/publication.ts). A run with run-wide problems (an answer it
 * could not attribute, a session it could not delete) publishes nothing: its verdicts are not to be trusted.
 */
async function publish(
  options: VerifyPactOptions,
  pacts: readonly PactResults[],
  brokerPacts: ReadonlyArray<BrokerPact | undefined>,
  problems: readonly string[],
): Promise<PublicationOutcome[]> {
  const connection = options.source.kind === 'file' ? undefined : options.source.broker;
  const refuse = (why: string): PublicationOutcome[] =>
    pacts.map(({ consumer }) => ({ consumer, success: false, published: false, why }));
  if (!connection || !options.publish) return refuse('no Pact Broker to publish to');
  if (problems.length) return refuse('the run had problems of its own (see run:), so its verdicts are not published');
  const verdicts = pacts.map((pact, index) => verdictOf(pact, brokerPacts[index]));
  const publishable = verdicts.flatMap((verdict) => (typeof verdict === 'string' ? [] : [verdict]));
  const outcomes = await publishVerificationResults(
    connection,
    options.provider,
    options.publish,
    publishable,
    options.timeoutMs,
  );
  return pacts.map((pact, index): PublicationOutcome => {
    const verdict = verdicts[index];
    if (typeof verdict === 'string' || verdict === undefined)
      return { consumer: pact.consumer, success: false, published: false, why: verdict ?? 'no verdict' };
    return (
      outcomes[publishable.indexOf(verdict)] ?? {
        consumer: pact.consumer,
        success: verdict.success,
        published: false,
        why: 'no answer from the broker',
      }
    );
  });
}

/** The query the verifier sends for its pacts, as the broker module asks it. */
function pactsQueryOf(source: PactSourceSettings, provider: string): PactsQuery {
  if (source.kind === 'url') return { kind: 'url', connection: source.broker, url: source.url };
  if (source.kind !== 'broker') throw new Error('a local pact is counted from the file');
  const body: JsonObject = {
    consumerVersionSelectors: source.selectors.map((selector) => ({ ...selector })),
    includePendingStatus: source.enablePending,
    ...(source.includeWipPactsSince ? { includeWipPactsSince: source.includeWipPactsSince } : {}),
    ...(source.providerBranch ? { providerVersionBranch: source.providerBranch } : {}),
  };
  return { kind: 'selectors', connection: source.broker, provider, body };
}

function progressOf(
  index: number,
  total: number | undefined,
  localPact: PactFile | undefined,
  slot: Slot,
  exchanges: readonly Exchange[],
  catalogue: CaseCatalogue,
): InteractionProgress {
  const exchange: Exchange | undefined = exchanges[slot.firstExchange];
  const durationMs = slot.durationMs ?? 0;
  // A local pact keeps its order; from a broker, a request of one of our documented cases is known by its shape.
  const description = localPact?.interactions[index - 1]?.description;
  const name =
    catalogue.caseByDescription(description)?.name ??
    description ??
    (exchange ? caseByShape(slot.state, exchange, catalogue)?.name : undefined);
  const label = name ?? (exchange ? `${exchange.method} ${exchange.path}` : 'an interaction');
  if (!exchange)
    return {
      index,
      total,
      label,
      status: undefined,
      problems: [...slot.stateFailures, 'the provider got no request'],
      durationMs,
    };
  const why = exchange.notSentBecause
    ? [`not sent: ${exchange.notSentBecause}`]
    : exchange.transportError
      ? [`no answer: ${exchange.transportError}`]
      : [];
  return {
    index,
    total,
    label,
    status: exchange.response?.status,
    problems: [...slot.stateFailures, ...why, ...(exchange.schemaProblems ?? [])],
    durationMs,
  };
}

/** The one documented case whose operation, state and request this is, if exactly one is. */
function caseByShape(
  state: string,
  { method, path, shape }: { readonly method: string; readonly path: string; readonly shape: RequestShape },
  catalogue: CaseCatalogue,
): ContractCase | undefined {
  const matching = catalogue.cases.filter((contractCase) => {
    const { state: caseState, request } = contractCase;
    const { operation } = catalogue.operationOfCase(contractCase);
    const credential = request.credential;
    const sameCredential =
      credential.kind === 'none'
        ? shape.credential === 'none'
        : credential.kind === 'literal'
          ? typeof shape.credential === 'object' && shape.credential.literal === `Bearer ${credential.value}`
          : shape.credential === 'token';
    const sameOperation = operation.method === method.toLowerCase() && templateMatches(operation.path, path);
    return (
      sameOperation &&
      (caseState ?? '') === state &&
      (request.query !== undefined) === shape.query &&
      (request.body !== undefined) === shape.body &&
      sameCredential
    );
  });
  return matching.length === 1 ? matching[0] : undefined;
}

/**
 * What an interaction did to what the run must delete, as the case table says of its operation. One that creates
 * (a session, an integration: where its 2xx puts the id) made one: the ledger deletes it with the rest; one whose
 * answer was lost after it went out may have: told in the account. One that removes (on its status) deleted the
 * session its token names, or the connection or integration its path names: the ledger counts it gone and sends no
 * DELETE of its own, which a real Nango would answer 401 (a session) or 400 (a connection) at the cost of a request
 * of the rate limit, and a provider that hangs on a gone session would not answer at all.
 */
function followResources(
  exchange: Exchange,
  authorization: string | undefined,
  ledger: SessionLedger,
  catalogue: CaseCatalogue,
): void {
  const operation = catalogue.operationAt(exchange.method, exchange.path);
  const removes = operation?.removes;
  if (operation && removes !== undefined && exchange.response?.status === removes.on) {
    const carried = authorization?.replace(/^Bearer /, '');
    const named =
      removes.param === undefined ? undefined : pathParameters(operation.operation.path, exchange.path)[removes.param];
    if (removes.resource === 'session' && carried !== undefined && isConnectSessionToken(carried))
      ledger.markGone(carried);
    if (removes.resource === 'connection' && named !== undefined) ledger.markConnectionGone(named);
    if (removes.resource === 'integration' && named !== undefined) ledger.markIntegrationGone(named);
  }
  const creates = operation?.creates;
  if (creates === undefined) return;
  const { response, transportError } = exchange;
  if (transportError !== undefined && !NEVER_SENT.test(transportError) && creates.resource === 'session') {
    ledger.noteInDoubt(
      `${exchange.method} ${exchange.path}: ${transportError}; it may have created a session for end user ${ledger.endUserId}`,
    );
  }
  if (!response || !is2xx(response.status)) return;
  const created = catalogue.createdResource(exchange.method, exchange.path, response.bodyText);
  if (created?.resource === 'session') ledger.adopt(created.id);
  // Only under a key the run named (its state's): clean-up deletes it by that name in any case.
  if (created?.resource === 'integration') ledger.adoptIntegration(created.id);
}

/** No pact could be loaded, or Pact's filter kept none of its interactions: the run verified nothing. */
export class PactSourceError extends ContractsError {
  override name = 'PactSourceError';
}

function sourceLabel(source: PactSourceSettings): string {
  return source.kind === 'file'
    ? source.file
    : source.kind === 'url'
      ? source.url
      : `the Pact Broker at ${source.broker.baseUrl}`;
}

function reportOf(
  options: VerifyPactOptions,
  pacts: PactResults[],
  runProblems: string[],
  publication: readonly PublicationOutcome[] | undefined,
): VerificationReport {
  const { source } = options;
  return {
    provider: options.provider,
    providerUrl: options.providerUrl,
    providerLabel: options.providerLabel,
    pactSource: sourceLabel(source),
    fromBroker: source.kind !== 'file',
    pacts,
    runProblems,
    published: options.publish
      ? { providerVersion: options.publish.version, providerBranch: options.publish.branch, pacts: publication ?? [] }
      : undefined,
    sessions: options.ledger.account,
    providerIsReference: options.ledger.providerIsReference,
    rateLimitWaitMs: options.budget.waitedMs,
    staleFindings: [],
    ...(options.filter ? { filter: options.filter.shown } : {}),
  };
}
