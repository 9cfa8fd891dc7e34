import { STATES, TOKEN_FROM_STATE } from '../cases';
import type { JsonObject } from '../json';
import { isConnectSessionToken } from '../provider/tokens';
import type { SessionLedger } from './sessionLedger';

export type StateSetup = () => Promise<JsonObject | undefined>;
/** Plain async functions: Pact 16.5's types reject the `{ setup, teardown }` form here. */
export type StateHandlerMap = Record<string, () => Promise<JsonObject>>;

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

/**
 * Pact's state handlers, guarded: Pact only logs a handler that throws and then sends the example token, and
 * sends it silently when a handler returns nothing. Both are reported through `onFailure`, by state name, and
 * the handler then resolves with no values: a set-up call that fails would leave Pact's before/after-each
 * bookkeeping one tear-down short for the rest of the run. The caller keeps the request from the provider.
 */
export function guardedStateHandlers(setups: Record<string, StateSetup>, onFailure: (state: string, cause: string) => void): StateHandlerMap {
  const handlers: StateHandlerMap = {};
  for (const [state, setup] of Object.entries(setups)) {
    handlers[state] = async () => {
      try {
        const values = await setup();
        const token = values?.[TOKEN_FROM_STATE];
        if (!values || typeof token !== 'string' || !isConnectSessionToken(token)) throw new Error(`handed back no connect session token in ${TOKEN_FROM_STATE}`);
        return values;
      } catch (error) {
        onFailure(state, (error as Error).message);
        return {};
      }
    };
  }
  return handlers;
}
