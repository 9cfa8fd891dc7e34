/**
 * A connection the user names (NANGO_TEST_CONNECTION) is theirs: states may read it, never hand it to an interaction
 * that deletes or spoils it. The rule is read from the tables (an operation that `removes` a connection), so a new
 * deleting case cannot take the shared state by mistake.
 */
import { OPERATIONS, STATES } from '../../contracts/cases';
import { RateLimitBudget } from '../../contracts/live/rateLimit';
import { SessionAdmin } from '../../contracts/live/sessionAdmin';
import { SessionLedger } from '../../contracts/live/sessionLedger';
import { lifecycleStateSetups } from '../../contracts/verification/providerStates';
import { startControllableProvider, type ControllableProvider } from '../support/controllableProvider';

const SECRET = 'named-connection-secret';

let provider: ControllableProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

/** States that may hand the user's own connection to an interaction: only those that read it. */
const SHARES_THE_NAMED_CONNECTION = new Set<string>([STATES.connectionExists]);

it('gives no interaction that deletes a connection the state that may hand it the named one', () => {
  const deleting = OPERATIONS.filter((operation) => operation.removes?.resource === 'connection');
  expect(deleting.length).toBeGreaterThan(0);
  for (const operation of deleting)
    for (const contractCase of operation.cases)
      if (contractCase.state)
        expect([contractCase.description, SHARES_THE_NAMED_CONNECTION.has(contractCase.state)]).toEqual([
          contractCase.description,
          false,
        ]);
});

it('hands the named connection to the reading state only; the deleting and spoiling states get one of the run', async () => {
  provider = await startControllableProvider(SECRET, { identifiesAsReference: true });
  const named = { integrationId: 'users-own-integration', connectionId: 'users-own-connection' };
  const ledger = new SessionLedger(
    new SessionAdmin(provider.url, SECRET, 5_000, new RateLimitBudget(0), 'contract-tests-0123abcd'),
    named,
    1_000,
  );
  const setups = lifecycleStateSetups(ledger);
  await expect(setups[STATES.connectionExists]()).resolves.toEqual(named);
  for (const state of [STATES.ownConnectionExists, STATES.connectionRefreshExhausted]) {
    const handed = await setups[state]();
    expect(handed?.['connectionId']).not.toBe(named.connectionId);
    expect(handed?.['integrationId']).not.toBe(named.integrationId);
  }
  await ledger.cleanUp({ patient: true });
  expect(provider.reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
});
