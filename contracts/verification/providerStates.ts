import { STATES, TOKEN_FROM_STATE } from '../cases';
import type { JsonObject } from '../json';
import type { SessionLedger } from '../live/sessionLedger';

export type StateSetup = () => Promise<JsonObject | undefined>;

/** The set-up of each provider state the pact names, through real HTTP calls on the provider. */
export function sessionStateSetups(ledger: SessionLedger): Record<string, StateSetup> {
  return {
    [STATES.sessionExists]: async () => ({ [TOKEN_FROM_STATE]: await ledger.open() }),
    [STATES.sessionDeleted]: async () => {
      const token = await ledger.open();
      await ledger.delete(token);
      return { [TOKEN_FROM_STATE]: token };
    },
  };
}
