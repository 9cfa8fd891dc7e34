import type { BrokerConnection } from './brokerSettings';

/** Broker failures the Pact tools word at length (and more than once), said once and plainly. */
const FAILURES: ReadonlyArray<{ readonly pattern: RegExp; readonly say: (connection: BrokerConnection) => string }> = [
  {
    pattern: /\b(401 Unauthorized|403 Forbidden)\b/,
    say: (connection) =>
      `the Pact Broker at ${connection.baseUrl} refused the credentials (${
        connection.auth.kind === 'basic' ? 'PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD' : connection.auth.kind === 'token' ? 'PACT_BROKER_TOKEN' : 'none given: set PACT_BROKER_TOKEN'
      })`,
  },
  {
    pattern: /error sending request|Failed to access pact broker|Connection refused|dns error/i,
    say: (connection) => `cannot reach the Pact Broker at ${connection.baseUrl}: no answer (is it up, and is PACT_BROKER_BASE_URL right?)`,
  },
];

/** The plain reason for a broker failure described in `text`, or undefined when it is not one of these. */
export function explainBrokerFailure(text: string, connection: BrokerConnection): string | undefined {
  return FAILURES.find((failure) => failure.pattern.test(text))?.say(connection);
}
