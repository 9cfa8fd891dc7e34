import { STATES, TOKEN_FROM_STATE, type ProviderStateName } from '../cases';
import type { JsonObject } from '../json';
import type { SessionLedger } from '../live/sessionLedger';

export type StateSetup = () => Promise<JsonObject | undefined>;

/**
 * Every provider state the cases name, in one map (as pactflow/example-provider keeps its state handlers), each
 * set up through real HTTP calls on the provider and handing back the values its interactions' `${…}` read. Keyed
 * by every state name: a state added to the cases without a set-up here does not type-check.
 */
export function lifecycleStateSetups(ledger: SessionLedger): Record<ProviderStateName, StateSetup> {
  return {
    [STATES.endUser]: async () => ({ endUserId: ledger.endUserId }),
    [STATES.sessionExists]: async () => ({ [TOKEN_FROM_STATE]: await ledger.open() }),
    [STATES.sessionDeleted]: async () => {
      const token = await ledger.open();
      await ledger.delete(token);
      return { [TOKEN_FROM_STATE]: token };
    },
    [STATES.connectionExists]: async () => {
      const { connectionId, integrationId } = await ledger.connection();
      return { connectionId, integrationId };
    },
    [STATES.connectionRefreshExhausted]: async () => {
      const { connectionId, integrationId } = await ledger.exhaustedConnection();
      return { connectionId, integrationId };
    },
    [STATES.integrationExists]: async () => ({ integrationId: await ledger.integration() }),
    [STATES.integrationKeyUnused]: async () => ({ integrationKey: ledger.integrationKey() }),
  };
}
