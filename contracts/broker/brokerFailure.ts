import type { BrokerConnection } from './brokerSettings';

/** `Environment production does not exist` (record-deployment), `Environment with name 'production' does not exist` (can-i-deploy). */
const ENVIRONMENT_MISSING = /Environment (?:with name )?'?([^'\s]+)'? does not exist/;

/** record-deployment of a version the broker does not have. */
const UNKNOWN_VERSION = /pacticipants\/([^/\s']+)\/versions\/([^/\s']+)' failed: 404/;
/** can-i-deploy about a version the broker does not have: not a "no", no answer at all. */
const NOTHING_PUBLISHED = /No pacts or verifications have been published for version (\S+) of (\S+)/;

/** Broker failures the Pact tools word at length (and more than once), said once and plainly. */
const FAILURES: ReadonlyArray<{
  readonly pattern: RegExp;
  readonly say: (connection: BrokerConnection, text: string) => string;
}> = [
  {
    pattern: /\b(401 Unauthorized|403 Forbidden)\b/,
    say: (connection) =>
      `the Pact Broker at ${connection.baseUrl} refused the credentials (${
        connection.auth.kind === 'basic'
          ? 'PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD'
          : connection.auth.kind === 'token'
            ? 'PACT_BROKER_TOKEN'
            : 'none given: set PACT_BROKER_TOKEN'
      })`,
  },
  {
    pattern: /error sending request|Failed to access pact broker|Connection refused|dns error/i,
    say: (connection) =>
      `cannot reach the Pact Broker at ${connection.baseUrl}: no answer (is it up, and is PACT_BROKER_BASE_URL right?)`,
  },
  {
    pattern: ENVIRONMENT_MISSING,
    say: (connection, text) => {
      const name = ENVIRONMENT_MISSING.exec(text)?.[1] ?? '';
      return `the Pact Broker at ${connection.baseUrl} has no environment ${name}: create it with npm run broker:setup (PACT_ENVIRONMENT=${name})`;
    },
  },
  {
    pattern: UNKNOWN_VERSION,
    say: (connection, text) => {
      const [, pacticipant = '', version = ''] = UNKNOWN_VERSION.exec(text) ?? [];
      return `the Pact Broker at ${connection.baseUrl} has no version ${decodeURIComponent(version)} of ${decodeURIComponent(pacticipant)}: publish it first (npm run pact:publish, or npm run verify with results published), or name a version it has`;
    },
  },
  {
    pattern: NOTHING_PUBLISHED,
    say: (connection, text) => {
      const [, version = '', pacticipant = ''] = NOTHING_PUBLISHED.exec(text) ?? [];
      return `the Pact Broker at ${connection.baseUrl} has no pact or verification for version ${version} of ${pacticipant}: publish it first (npm run pact:publish), or name a version it has`;
    },
  },
  {
    pattern: /Could not find relation 'pf:/,
    say: (connection) =>
      `the Pact Broker at ${connection.baseUrl} is not PactFlow: provider contracts (bi-directional contract testing) are a PactFlow feature`,
  },
];

/** The plain reason for a broker failure described in `text`, or undefined when it is not one of these. */
export function explainBrokerFailure(text: string, connection: BrokerConnection): string | undefined {
  return FAILURES.find((failure) => failure.pattern.test(text))?.say(connection, text);
}
