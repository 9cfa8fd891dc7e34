/**
 * Consumer contract for DELETE /connect/session: one Pact V4 interaction per documented case, each driven
 * through the real ConnectSessionClient against Pact's mock server. After the last interaction the written
 * pact is checked against the spec (examples valid, every documented status covered, and PactFlow's own
 * bi-directional comparison: the pact relies on nothing the spec does not promise) and against the committed
 * file in pacts/, so any contract change shows up in review.
 */
import { PactV4 } from '@pact-foundation/pact';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES, CONSUMER, PROVIDER, TOKEN_FROM_STATE, tokenSentBy } from '../../contracts/cases';
import { CONNECT_SESSION_TOKEN_REGEX } from '../../contracts/sessionToken';
import { booleanFrom } from '../../contracts/env';
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { DELETE_SESSION, nangoSpec, nangoValidators } from '../../contracts/nangoApi';
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

describe('DELETE /connect/session', () => {
  for (const contractCase of CASES) {
    it(contractCase.name, async () => {
      const declared = pending.find((declaration) => declaration.interaction === contractCase.description);
      await interactionFromCase(pact, contractCase, declared).executeTest(async (mockServer) => {
        const client = new ConnectSessionClient(mockServer.url);
        const { query, body } = contractCase.request;
        const result = await client.deleteSession(tokenSentBy(contractCase.request.credential), {
          ...(query ? { query } : {}),
          ...(body ? { body } : {}),
        });
        await matchRecorded(mockServer.port);
        const { response } = contractCase;
        expect(result).toEqual(
          response.status === 204 ? { outcome: 'deleted' } : { outcome: 'api-error', status: response.status, body: { error: response.error } },
        );
      });
    });
  }
});

// Runs after the interactions above (jest keeps declaration order within a file), on the file they wrote.
describe('the pact the consumer tests wrote', () => {
  const written = join(pactDir, `${CONSUMER}-${PROVIDER}.json`);

  it('declares pending only interactions it holds, each with its reason', () => {
    const interactions = readPactFile(written).interactions;
    const unknown = pending.filter((declaration) => !interactions.some(({ description }) => description === declaration.interaction));
    expect(unknown.map((declaration) => `line ${declaration.line}: no interaction "${declaration.interaction}"`)).toEqual([]);
    const inPact = interactions.flatMap(({ description, pending: reason }) => (reason === undefined ? [] : [`${description}: ${reason}`]));
    expect(inPact.sort()).toEqual(pending.map(({ interaction, reason }) => `${interaction}: ${reason}`).sort());
  });

  it('holds only example responses that the spec allows', () => {
    expect(checkExamplesAgainstSpec(readPactFile(written), nangoValidators())).toEqual([]);
  });

  it('covers every status the spec documents, and no other', () => {
    expect(checkStatusCoverage(readPactFile(written), nangoValidators(), DELETE_SESSION.method, DELETE_SESSION.path)).toEqual([]);
  });

  it("passes PactFlow's bi-directional comparison with the spec, listing the warnings it expects", async () => {
    const outcome = await compareWithSpec(pactJson(readFileSync(written, 'utf8'), written), nangoSpec().root, loadKnownFindings(), TODAY);
    // Expected warnings are listed with their reasons in known-findings.yaml: shown only when asked for (LOG_LEVEL).
    if (VERBOSE) for (const line of outcome.expected) console.info(`bi-directional comparison, expected warning: ${line}`);
    for (const line of outcome.warnings) console.warn(`bi-directional comparison, warning: ${line}`);
    expect([...outcome.errors, ...outcome.stale]).toEqual([]);
  });

  it('takes the session token of every stateful interaction from its provider state, in the token format', () => {
    type Raw = { interactions: Array<{ providerStates?: unknown[]; request: { generators?: unknown; matchingRules?: unknown } }> };
    const stateful = (JSON.parse(readFileSync(written, 'utf8')) as Raw).interactions.filter((raw) => raw.providerStates?.length);
    expect(stateful).toHaveLength(CASES.filter((contractCase) => contractCase.state).length);
    for (const { request } of stateful) {
      expect(request.generators).toEqual({ header: { Authorization: { type: 'ProviderState', expression: `Bearer \${${TOKEN_FROM_STATE}}` } } });
      expect(request.matchingRules).toEqual({
        header: { Authorization: { combine: 'AND', matchers: [{ match: 'regex', regex: `^Bearer ${CONNECT_SESSION_TOKEN_REGEX.slice(1)}` }] } },
      });
    }
  });

  it('is byte-identical to the committed pact in pacts/', () => {
    if (booleanFrom(process.env, 'PACT_UPDATE', false)) {
      if (process.env['CI'] === 'true') throw new Error('PACT_UPDATE=true is refused in CI: update pacts/ locally and commit it');
      replaceCommitted(written);
    }
    const comparison = compareWithCommitted(written);
    if (!comparison.same) {
      throw new Error(`${comparison.reason}\nIf the contract change is intended, run \`npm run pacts:update\` and commit ${COMMITTED_PACT}.`);
    }
  });
});
