/**
 * Consumer contract for the connect-session lifecycle: one Pact V4 interaction per documented case of each
 * operation, against Pact's mock server. An operation Nango's Node SDK (@nangohq/node) has a method for is driven
 * through that method, the client teams run (its case table names it: `sdk`); the others (GET and DELETE
 * /connect/session, which Connect UI calls) through our ConnectSessionClient. After the last interaction the written
 * pact is checked against the spec (examples valid, every documented status of every operation covered, and
 * PactFlow's own bi-directional comparison: the pact relies on nothing the spec does not promise) and against the
 * committed file in pacts/, so any contract change (an SDK upgrade's among them) shows up in review.
 */
import { PactV4 } from '@pact-foundation/pact';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONSUMER,
  credentialSentBy,
  exampleBody,
  exampleValues,
  OPERATIONS,
  operationHeading,
  PROVIDER,
  SDK_ACCEPT,
  SDK_BINDINGS,
  SDK_PACKAGE,
  SDK_USER_AGENT_REGEX,
  SECRET_KEY_PLACEHOLDER,
  TOKEN_FROM_STATE,
  type ContractCase,
  type LifecycleOperation,
  nangoValidators,
} from '../../contracts/cases';
import { CONNECT_SESSION_TOKEN_REGEX } from '../../contracts/sessionToken';
import { booleanFrom } from '../../contracts/env';
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { callerView, callSdk, expectedCallerView, sdkRequestOf, sdkVersion } from '../../contracts/client/nangoSdk';
import { withSdkMetadata } from '../../contracts/pact/pactMetadata';
import { SENT_BY_PREFIX, senderComment } from '../../contracts/pact/interactionFromCase';
import { nangoSpec } from '../../contracts/nangoApi';
import { compareWithSpec, pactJson } from '../../contracts/pact/bidirectionalCheck';
import { COMMITTED_PACT, compareWithCommitted, replaceCommitted } from '../../contracts/pact/committedPact';
import { loadKnownFindings } from '../../contracts/knownFindings';
import { interactionFromCase } from '../../contracts/pact/interactionFromCase';
import { loadPendingInteractions, pendingInteractionsFile } from '../../contracts/pact/pendingInteractions';
import { isVerbose, logLevelFrom } from '../../contracts/pact/logLevel';
import { checkExamplesAgainstSpec, checkStatusCoverage } from '../../contracts/pact/pactChecks';
import { readPactFile } from '../../contracts/pact/pactFile';
import { matchRecorded } from '../support/mockServerRecord';
import { scratchDir } from '../support/scratch';

const TODAY = new Date().toISOString().slice(0, 10);
const VERBOSE = isVerbose(logLevelFrom(process.env));

const pactDir = scratchDir('pact');
// What the consumer declares pending goes into the pact as such (PENDING_INTERACTIONS_FILE names another list).
const pending = loadPendingInteractions(pendingInteractionsFile(process.env));
const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: pactDir, logLevel: logLevelFrom(process.env) });

/** How our client sends a case: its request from the case's table, its example values where a state puts in the real ones. */
type Sender = (
  client: ConnectSessionClient,
  operation: LifecycleOperation,
  contractCase: ContractCase,
) => Promise<unknown>;

const sendFromTable: Sender = (client, { operation }, { request }) =>
  client.call(operation, {
    credential: credentialSentBy(request.credential),
    ...(request.pathParams ? { pathParams: exampleValues(request.pathParams) } : {}),
    ...(request.query ? { query: exampleValues(request.query) } : {}),
    ...(request.body ? { body: exampleBody(request.body) } : {}),
  });

/**
 * A consumer of its own for an operation, by table id, where our client's request from the table is not how a team
 * calls it; every other operation the SDK has no method for is sent from its table alone. An operation the SDK
 * covers needs none: its table's `sdk` entry says how to call the SDK. Each must resolve to `{ status, body }`.
 */
const SENDERS: Readonly<Record<string, Sender>> = {};

/** What our client must resolve to for the case's documented answer: its status and its example body. */
function expectedResult({ response }: ContractCase): unknown {
  return { status: response.status, body: response.body };
}

describe.each(OPERATIONS.map((operation) => [operationHeading(operation), operation] as const))(
  '%s',
  (_heading: string, operation: LifecycleOperation) => {
    for (const contractCase of operation.cases) {
      it(contractCase.name, async () => {
        const declared = pending.find((declaration) => declaration.interaction === contractCase.description);
        await interactionFromCase(pact, contractCase, declared, operation).executeTest(async (mockServer) => {
          const { sdk } = operation;
          if (sdk) {
            // The SDK's caller reads the example body (axios's error for a 4xx), as the SDK hands it back.
            const view = callerView(sdk, await callSdk(sdk, mockServer.url, sdkRequestOf(contractCase)));
            await matchRecorded(mockServer.port);
            expect(view).toEqual(expectedCallerView(sdk, contractCase.response.status, contractCase.response.body));
            return;
          }
          const send = SENDERS[operation.id] ?? sendFromTable;
          const result = await send(new ConnectSessionClient(mockServer.url), operation, contractCase);
          await matchRecorded(mockServer.port);
          expect(result).toEqual(expectedResult(contractCase));
        });
      });
    }
  },
);

// Runs after the interactions above (jest keeps declaration order within a file), on the file they wrote.
describe('the pact the consumer tests wrote', () => {
  const written = join(pactDir, `${CONSUMER}-${PROVIDER}.json`);
  type Raw = {
    metadata: Record<string, unknown>;
    interactions: Array<{
      description: string;
      comments?: { text?: string[] };
      request: { headers?: Record<string, unknown>; generators?: unknown; matchingRules?: unknown };
    }>;
  };
  const raw = (): Raw => JSON.parse(readFileSync(written, 'utf8')) as Raw;
  const sdkCovered = OPERATIONS.filter((operation) => operation.sdk !== undefined);

  // Pact writes the file as each interaction passes; the SDK it was written with is named once they all have.
  beforeAll(() => withSdkMetadata(written, sdkVersion()));

  it('names the SDK and its version in its metadata', () => {
    expect(raw().metadata['consumerClient']).toEqual({
      drives: sdkCovered.map(operationHeading).join(', '),
      package: SDK_PACKAGE,
      version: sdkVersion(),
    });
  });

  it("has every interaction of an operation the SDK covers sent by the SDK's method, the others by our client", () => {
    // Our client is no fallback for an operation the SDK covers: SENDERS holds none of them.
    expect(sdkCovered.map(({ id }) => id).filter((id) => id in SENDERS)).toEqual([]);
    const byDescription = new Map(raw().interactions.map((interaction) => [interaction.description, interaction]));
    for (const operation of OPERATIONS) {
      for (const { description } of operation.cases) {
        const interaction = byDescription.get(description);
        const sentBy = interaction?.comments?.text?.filter((text) => text.startsWith(SENT_BY_PREFIX));
        const expected = senderComment(operation.sdk);
        expect({ description, sentBy }).toEqual({
          description,
          sentBy: expected === undefined ? undefined : [expected],
        });
        if (!operation.sdk) continue;
        // Pact's mock server took the request only with the SDK's User-Agent: our client's would not have matched.
        expect({ description, userAgent: interaction?.request.matchingRules }).toMatchObject({
          description,
          userAgent: { header: { 'User-Agent': { matchers: [{ match: 'regex', regex: SDK_USER_AGENT_REGEX }] } } },
        });
        // Every header the SDK sets is recorded (tests/client/nango-sdk.test.ts: it sets no other), its Accept as sent.
        const { credential, body } =
          operation.cases.find((contractCase) => contractCase.description === description)?.request ?? {};
        const recorded = [
          'Accept',
          'User-Agent',
          ...(credential?.kind === 'none' ? [] : ['Authorization']),
          ...(body !== undefined || operation.sdk.sendsContentType ? ['Content-Type'] : []),
        ];
        expect({ description, headers: Object.keys(interaction?.request.headers ?? {}).sort() }).toEqual({
          description,
          headers: recorded.sort(),
        });
        expect(interaction?.request.headers?.['Accept']).toEqual(SDK_ACCEPT.split(', '));
      }
    }
  });

  it('drives through the SDK every operation the SDK has a method for', () => {
    const uncovered = OPERATIONS.filter(
      ({ operation, sdk }) =>
        sdk === undefined &&
        SDK_BINDINGS.some(({ route }) => route.method === operation.method && route.path === operation.path),
    );
    expect(
      uncovered.map((operation) => `${operationHeading(operation)} names no SDK method in its case table (sdk)`),
    ).toEqual([]);
  });

  it("takes the SDK's route for each operation it covers", () => {
    const moved = sdkCovered.filter(
      ({ operation, sdk }) => sdk?.route.method !== operation.method || sdk.route.path !== operation.path,
    );
    expect(
      moved.map(
        (operation) =>
          `${operationHeading(operation)}: nango.${operation.sdk?.method} requests ${operation.sdk?.route.method.toUpperCase()} ${operation.sdk?.route.path}`,
      ),
    ).toEqual([]);
  });

  it('declares pending only interactions it holds, each with its reason', () => {
    const interactions = readPactFile(written).interactions;
    const unknown = pending.filter(
      (declaration) => !interactions.some(({ description }) => description === declaration.interaction),
    );
    expect(
      unknown.map((declaration) => `line ${declaration.line}: no interaction "${declaration.interaction}"`),
    ).toEqual([]);
    const inPact = interactions.flatMap(({ description, pending: reason }) =>
      reason === undefined ? [] : [`${description}: ${reason}`],
    );
    expect(inPact.sort()).toEqual(pending.map(({ interaction, reason }) => `${interaction}: ${reason}`).sort());
  });

  it('holds only example responses that the spec allows', () => {
    expect(checkExamplesAgainstSpec(readPactFile(written), nangoValidators())).toEqual([]);
  });

  it('covers every status the spec documents for every operation, and no other', () => {
    expect(
      OPERATIONS.flatMap(({ operation }) =>
        checkStatusCoverage(readPactFile(written), nangoValidators(), operation.method, operation.path),
      ),
    ).toEqual([]);
  });

  it("passes PactFlow's bi-directional comparison with the spec, listing the warnings it expects", async () => {
    const outcome = await compareWithSpec(
      pactJson(readFileSync(written, 'utf8'), written),
      nangoSpec().root,
      loadKnownFindings(),
      TODAY,
    );
    // Expected warnings are listed with their reasons in known-findings.yaml: shown only when asked for (LOG_LEVEL).
    if (VERBOSE)
      for (const line of outcome.expected) console.info(`bi-directional comparison, expected warning: ${line}`);
    for (const line of outcome.warnings) console.warn(`bi-directional comparison, warning: ${line}`);
    expect([...outcome.errors, ...outcome.stale]).toEqual([]);
  });

  it('takes the session token of every interaction that sends one from its provider state, in the token format', () => {
    const stateful = OPERATIONS.flatMap((operation) => operation.cases).filter(
      (contractCase) => contractCase.request.credential.kind === 'token-from-state',
    );
    const withToken = raw().interactions.filter((interaction) =>
      stateful.some((contractCase) => contractCase.description === interaction.description),
    );
    expect(withToken).toHaveLength(stateful.length);
    for (const { request } of withToken) {
      expect(request.generators).toMatchObject({
        header: { Authorization: { type: 'ProviderState', expression: `Bearer \${${TOKEN_FROM_STATE}}` } },
      });
      expect(request.matchingRules).toMatchObject({
        header: {
          Authorization: {
            combine: 'AND',
            matchers: [{ match: 'regex', regex: `^Bearer ${CONNECT_SESSION_TOKEN_REGEX.slice(1)}` }],
          },
        },
      });
    }
  });

  it('holds no secret key: a secret-key interaction carries the placeholder the verifier replaces', () => {
    const secretKeyCases = OPERATIONS.flatMap((operation) => operation.cases).filter(
      (contractCase) => contractCase.request.credential.kind === 'secret-key',
    );
    const authorizations = raw()
      .interactions.filter((interaction) =>
        secretKeyCases.some((contractCase) => contractCase.description === interaction.description),
      )
      .map((interaction) => interaction.request.headers?.['Authorization']);
    expect(authorizations).toEqual(secretKeyCases.map(() => [`Bearer ${SECRET_KEY_PLACEHOLDER}`]));
  });

  it('is byte-identical to the committed pact in pacts/', () => {
    if (booleanFrom(process.env, 'PACT_UPDATE', false)) {
      if (process.env['CI'] === 'true')
        throw new Error('PACT_UPDATE=true is refused in CI: update pacts/ locally and commit it');
      replaceCommitted(written);
    }
    const comparison = compareWithCommitted(written);
    if (!comparison.same) {
      throw new Error(
        `${comparison.reason}\nIf the contract change is intended, run \`npm run pacts:update\` and commit ${COMMITTED_PACT}.`,
      );
    }
  });
});
