/**
 * The ledger counts each thing once, however many clean-ups run at the same time: a signal that arrives while the
 * clean-up after an interaction is deleting starts a second clean-up, and both must not delete (and count) the
 * same session, connection or integration twice.
 */
import { RateLimitBudget } from '../../contracts/live/rateLimit';
import { SessionAdmin } from '../../contracts/live/sessionAdmin';
import { sessionsLine, SessionLedger } from '../../contracts/live/sessionLedger';
import { startControllableProvider, type ControllableProvider } from '../support/controllableProvider';

const SECRET = 'ledger-test-secret';
let provider: ControllableProvider | undefined;
afterEach(() => provider?.close());

async function ledgerOnProvider(): Promise<SessionLedger> {
  provider = await startControllableProvider(SECRET);
  return new SessionLedger(new SessionAdmin(provider.url, SECRET, 5_000, new RateLimitBudget(0), 'contract-tests-0123abcd'));
}

describe('the session ledger', () => {
  it('counts each session, connection and integration once when two clean-ups run at the same time', async () => {
    const ledger = await ledgerOnProvider();
    await ledger.connection();
    await ledger.open();
    const [first, second] = await Promise.all([ledger.cleanUp(), ledger.cleanUp()]);
    expect([first, second]).toEqual([[], []]);
    expect(sessionsLine(ledger.account)).toBe(
      'sessions: 2 created, 2 deleted; connections: 1 created, 1 deleted; integrations: 1 created, 1 deleted (end user contract-tests-0123abcd)',
    );
    // Each deleted by one request: the second clean-up waited for the first's.
    const deleted = provider?.requests.filter((request) => request.method === 'DELETE').map((request) => request.url.split('/')[1]);
    expect(deleted?.sort()).toEqual(['connect', 'connect', 'connection', 'integrations']);
    expect(provider?.reference.liveSessionCount()).toBe(0);
    expect(provider?.reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
  });

  it('counts a session once when a state deletes it while a clean-up does', async () => {
    const ledger = await ledgerOnProvider();
    const token = await ledger.open();
    await Promise.all([ledger.delete(token), ledger.cleanUp()]);
    expect(ledger.account).toMatchObject({ created: 1, deleted: 1 });
    expect(provider?.requests.filter((request) => request.method === 'DELETE')).toHaveLength(1);
  });
});
