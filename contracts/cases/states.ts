import { isConnectSessionToken } from '../sessionToken';

/**
 * The provider states the cases name, and the values each hands back for the pact's `${…}` expressions, with the
 * format a value must have: a state that hands back less fails its interaction, by name, instead of letting the
 * verifier send the pact's example.
 */
export const STATES = {
  endUser: 'an end user of this run',
  sessionExists: 'a connect session exists',
  sessionDeleted: 'the connect session has been deleted',
  connectionExists: 'a connection made through a connect session exists',
  connectionRefreshExhausted: 'a connection whose credentials can no longer be refreshed',
  integrationExists: 'an integration of the unauthenticated provider exists',
  integrationKeyUnused: 'an integration key of this run that no integration has',
} as const;
export type ProviderStateName = (typeof STATES)[keyof typeof STATES];

const nonEmpty = (value: string): boolean => value.length > 0;

/** Each value a state may hand back, and what it must look like. */
export const STATE_VALUES = {
  connectSessionToken: isConnectSessionToken,
  endUserId: nonEmpty,
  connectionId: nonEmpty,
  integrationId: nonEmpty,
  integrationKey: nonEmpty,
} as const;
export type StateValueName = keyof typeof STATE_VALUES;

/** What each state hands back. */
export const VALUES_OF_STATE: Readonly<Record<ProviderStateName, readonly StateValueName[]>> = {
  [STATES.endUser]: ['endUserId'],
  [STATES.sessionExists]: ['connectSessionToken'],
  [STATES.sessionDeleted]: ['connectSessionToken'],
  [STATES.connectionExists]: ['connectionId', 'integrationId'],
  [STATES.connectionRefreshExhausted]: ['connectionId', 'integrationId'],
  [STATES.integrationExists]: ['integrationId'],
  [STATES.integrationKeyUnused]: ['integrationKey'],
};

/** The variable a session state hands over; the request reads it as `${connectSessionToken}`. */
export const TOKEN_FROM_STATE = 'connectSessionToken' satisfies StateValueName;

/** What is wrong with the values a state handed back: one line per value missing or not in its format. */
export function stateValueProblems(state: string, values: Readonly<Record<string, unknown>> | undefined): string[] {
  const expected: readonly StateValueName[] = (VALUES_OF_STATE as Readonly<Record<string, readonly StateValueName[]>>)[state] ?? [];
  return expected.flatMap((name) => {
    const value = values?.[name];
    return typeof value === 'string' && STATE_VALUES[name](value) ? [] : [`handed back no ${name === TOKEN_FROM_STATE ? 'connect session token' : name} in ${name}`];
  });
}
