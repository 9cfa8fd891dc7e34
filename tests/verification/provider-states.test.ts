/**
 * The guard around Pact's state handlers: Pact itself only logs a handler that throws, and sends the example
 * values when a handler returns less than its interactions read. Both must reach the report, by state name, with
 * each value missing or out of its format; the handler then hands Pact no values (the verification keeps that
 * interaction's request from the provider).
 */
import { STATES, TOKEN_FROM_STATE } from '../../contracts/cases';
import { guardedStateHandlers } from '../../contracts/verification/pactWorkarounds';

const TOKEN = `nango_connect_session_${'1a'.repeat(32)}`;

describe('guarded provider states', () => {
  it('hands the set-up values to Pact when the state hands back a token', async () => {
    const failures: string[] = [];
    const handlers = guardedStateHandlers(
      { [STATES.sessionExists]: async () => ({ [TOKEN_FROM_STATE]: TOKEN }) },
      (state, cause) => failures.push(`${state}: ${cause}`),
    );
    await expect(handlers[STATES.sessionExists]?.()).resolves.toEqual({ [TOKEN_FROM_STATE]: TOKEN });
    expect(failures).toEqual([]);
  });

  it.each([
    ['returns nothing', async () => undefined],
    ['returns no token', async () => ({ other: 'value' })],
    ['returns a token in the wrong format', async () => ({ [TOKEN_FROM_STATE]: 'abc' })],
  ])('fails a state that %s', async (_what, setup) => {
    const failures: string[] = [];
    const handlers = guardedStateHandlers({ [STATES.sessionExists]: setup }, (state, cause) =>
      failures.push(`${state}: ${cause}`),
    );
    await expect(handlers[STATES.sessionExists]?.()).resolves.toEqual({});
    expect(failures).toEqual([`${STATES.sessionExists}: handed back no connect session token in ${TOKEN_FROM_STATE}`]);
  });

  it('fails a connection state that hands back less than the reconnect case reads, naming each value', async () => {
    const failures: string[] = [];
    const handlers = guardedStateHandlers(
      { [STATES.connectionExists]: async () => ({ connectionId: 'c-1', integrationId: '' }) },
      (state, cause) => failures.push(`${state}: ${cause}`),
    );
    await expect(handlers[STATES.connectionExists]?.()).resolves.toEqual({});
    expect(failures).toEqual([`${STATES.connectionExists}: handed back no integrationId in integrationId`]);
  });

  it('fails a state whose set-up throws, with the cause', async () => {
    const failures: string[] = [];
    const handlers = guardedStateHandlers(
      {
        'a state': async () => {
          throw new Error(
            'cannot reach provider at http://127.0.0.1:1/connect/sessions: connection refused (ECONNREFUSED)',
          );
        },
      },
      (state, cause) => failures.push(`${state}: ${cause}`),
    );
    await expect(handlers['a state']?.()).resolves.toEqual({});
    expect(failures).toEqual([
      'a state: cannot reach provider at http://127.0.0.1:1/connect/sessions: connection refused (ECONNREFUSED)',
    ]);
  });
});
