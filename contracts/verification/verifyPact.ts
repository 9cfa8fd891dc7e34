import { Verifier } from '@pact-foundation/pact';
import { CASES } from '../cases';
import { ProviderUnreachableError, RequestTimeoutError } from '../client/errors';
import type { ResponseValidators } from '../openapi/responseValidators';
import type { LogLevel } from '../pact/logLevel';
import { readPactFile, type PactHttpInteraction } from '../pact/pactFile';
import { guardedStateHandlers, sessionStateSetups } from './providerStates';
import { startRecordingProxy, type Exchange } from './recordingProxy';
import type { InteractionResult, VerificationReport } from './report';
import type { SessionLedger } from './sessionLedger';
import { verifierProblems } from './verifierResults';

export interface VerifyPactOptions {
  readonly pactFile: string;
  readonly providerUrl: string;
  /** How the report names the provider: "embedded reference provider", "Nango". */
  readonly providerLabel: string;
  readonly timeoutMs: number;
  readonly logLevel: LogLevel;
  readonly validators: ResponseValidators;
  /** Owned by the caller, so an interrupted run can still clean up what the states created. */
  readonly ledger: SessionLedger;
}

/**
 * Replays every interaction of the pact against the provider, one verifier run each (Pact's own
 * PACT_DESCRIPTION filter), so that each live response, state failure and duration belongs to one interaction.
 * Throws (before any interaction) when the provider cannot be reached or will not create a connect session.
 */
export async function verifyPact(options: VerifyPactOptions): Promise<VerificationReport> {
  const pact = readPactFile(options.pactFile);
  const { ledger } = options;
  // Preflight: reachable and the key accepted, before any interaction. The session goes with the first clean-up.
  try {
    await ledger.open();
  } catch (error) {
    // Silence before any answer (a black-holed address, a server that never answers) is unreachability too.
    if (error instanceof RequestTimeoutError) throw new ProviderUnreachableError(error.url, `no answer within ${error.timeoutMs} ms`);
    throw error;
  }

  const stateFailures: string[] = [];
  const setups = sessionStateSetups(ledger);
  const stateHandlers = guardedStateHandlers(setups, (state, cause) => stateFailures.push(`provider state '${state}' failed: ${cause}`));
  const proxy = await startRecordingProxy(options.providerUrl, options.timeoutMs);
  const results: InteractionResult[] = [];
  const runProblems: string[] = [];
  try {
    for (const interaction of inCaseOrder(pact.interactions)) {
      proxy.exchanges.length = 0;
      stateFailures.length = 0;
      const unknownStates = interaction.providerStates.filter((state) => !(state in setups));
      const started = performance.now();
      const verifierSays = unknownStates.length
        ? unknownStates.map((state) => `no set-up for provider state '${state}'`)
        : await runVerifier(interaction, {
            provider: pact.provider,
            providerBaseUrl: proxy.url,
            pactUrls: [options.pactFile],
            stateHandlers,
            logLevel: options.logLevel,
            // Each state makes at most two bounded calls; the interaction's own request is bounded by the proxy.
            timeout: 3 * options.timeoutMs + 1_000,
          });
      const durationMs = performance.now() - started;
      // A session that will not go stays in the ledger: retried after each interaction, reported once at the end.
      await ledger.cleanUp();
      results.push(resultOf(interaction, { stateFailures, verifierSays, exchanges: proxy.exchanges, durationMs }, options.validators));
    }
  } finally {
    await proxy.close();
    runProblems.push(...(await ledger.cleanUp()));
  }
  return { consumer: pact.consumer, provider: pact.provider, providerUrl: options.providerUrl, providerLabel: options.providerLabel, results, runProblems };
}

type VerifierConfig = ConstructorParameters<typeof Verifier>[0];

async function runVerifier(interaction: PactHttpInteraction, config: VerifierConfig): Promise<string[]> {
  const previous = process.env['PACT_DESCRIPTION'];
  process.env['PACT_DESCRIPTION'] = `^${interaction.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  try {
    return verifierProblems(await new Verifier(config).verifyProvider(), interaction.description);
  } catch (error) {
    return verifierProblems((error as Error).message, interaction.description);
  } finally {
    if (previous === undefined) delete process.env['PACT_DESCRIPTION'];
    else process.env['PACT_DESCRIPTION'] = previous;
  }
}

/** The report follows the documented cases' order (204 first); interactions the cases do not know come last. */
function inCaseOrder(interactions: readonly PactHttpInteraction[]): PactHttpInteraction[] {
  const rank = (interaction: PactHttpInteraction): number => {
    const index = CASES.findIndex((contractCase) => contractCase.description === interaction.description);
    return index === -1 ? CASES.length : index;
  };
  return [...interactions].sort((a, b) => rank(a) - rank(b));
}

interface Observed {
  readonly stateFailures: readonly string[];
  readonly verifierSays: readonly string[];
  readonly exchanges: readonly Exchange[];
  readonly durationMs: number;
}

function resultOf(interaction: PactHttpInteraction, observed: Observed, validators: ResponseValidators): InteractionResult {
  const { stateFailures, verifierSays, exchanges, durationMs } = observed;
  const name = CASES.find((contractCase) => contractCase.description === interaction.description)?.name ?? interaction.description;
  const base = { name, description: interaction.description, expectedStatus: interaction.response.status, durationMs };
  // One verifier run sends one request; the first exchange is the interaction's.
  const [exchange] = exchanges;
  if (!exchange) {
    return { ...base, actualStatus: undefined, pactProblems: [...stateFailures, ...verifierSays, 'the verifier sent no request to the provider'], schemaProblems: undefined };
  }
  if (!exchange.response) {
    // Pact's mismatches are about the proxy's stand-in answer, not the provider's: the transport failure says it.
    return { ...base, actualStatus: undefined, pactProblems: [...stateFailures, exchange.transportError ?? 'no answer'], schemaProblems: undefined };
  }
  let schemaProblems: string[];
  try {
    schemaProblems = validators.checkResponse(exchange.method, exchange.path, exchange.response);
  } catch (error) {
    schemaProblems = [(error as Error).message];
  }
  return { ...base, actualStatus: exchange.response.status, pactProblems: [...stateFailures, ...verifierSays], schemaProblems };
}
