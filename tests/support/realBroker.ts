import { randomBytes } from 'node:crypto';

/**
 * The real Pact Broker (pact_broker 2.113, as the pactfoundation/pact-broker image runs it) that broker tests run
 * against: PACT_BROKER_TEST_URL, which .ci/run sets once ../shared/pact-broker/start.sh has started one on a free
 * port. Tests share it, so each names its own versions, branches and environments (`unique`).
 */
export const REAL_BROKER_URL = process.env['PACT_BROKER_TEST_URL']?.trim() || undefined;

/** .ci/run sets this: there the broker tests must run, and a missing broker fails them. */
const REQUIRED = process.env['PACT_BROKER_TEST_REQUIRED'] === 'true';

/** A name no other test (nor an earlier run against the same broker) uses. */
export const unique = (name: string): string => `${name}-${randomBytes(4).toString('hex')}`;

/**
 * `describe`, on a real broker when there is one. Without one it says so in the suite's name and skips (outside
 * this repository's CI), or fails (in .ci/run, which starts one).
 */
export function describeOnRealBroker(name: string, body: (url: string) => void): void {
  if (REAL_BROKER_URL) return describe(name, () => body(REAL_BROKER_URL));
  if (REQUIRED) {
    return describe(name, () => {
      it('has a real Pact Broker to run against', () => {
        throw new Error(
          'PACT_BROKER_TEST_REQUIRED=true but PACT_BROKER_TEST_URL is not set: .ci/run starts one with ../shared/pact-broker/start.sh',
        );
      });
    });
  }
  // Skipped on purpose, and by name: there is nothing to run these against.
  const skipped = describe.skip;
  skipped(
    `${name}: skipped, no real Pact Broker (start one with ../shared/pact-broker/start.sh PORT, then set PACT_BROKER_TEST_URL)`,
    () => body(''),
  );
}
