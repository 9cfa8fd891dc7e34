import { ConfigurationError } from '../configurationError';
import { httpUrl, read } from '../env';

/** How to reach a Pact Broker (self-hosted or PactFlow): its URL and one way of authenticating. */
export interface BrokerConnection {
  readonly baseUrl: string;
  readonly auth:
    | { readonly kind: 'token'; readonly token: string }
    | { readonly kind: 'basic'; readonly username: string; readonly password: string }
    | { readonly kind: 'none' };
}

/** Where broker credentials go instead of a URL, which is printed wherever it is used. */
export const BROKER_CREDENTIALS_HINT = 'use PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD';

/** The broker named by PACT_BROKER_BASE_URL, or undefined when it is unset; credentials checked for consistency. */
export function brokerConnectionFromEnv(env: NodeJS.ProcessEnv): BrokerConnection | undefined {
  const baseUrl = read(env, 'PACT_BROKER_BASE_URL');
  const token = read(env, 'PACT_BROKER_TOKEN');
  const username = read(env, 'PACT_BROKER_USERNAME');
  const password = read(env, 'PACT_BROKER_PASSWORD');
  if (baseUrl === undefined) {
    if (token !== undefined || username !== undefined || password !== undefined) {
      throw new ConfigurationError(
        'Pact Broker credentials are set but PACT_BROKER_BASE_URL is not: set it to the broker URL (e.g. https://your-org.pactflow.io)',
      );
    }
    return undefined;
  }
  return { baseUrl: brokerUrl(baseUrl), auth: authFrom(token, username, password) };
}

/** Like brokerConnectionFromEnv, for commands that cannot run without a broker. */
export function requireBrokerConnection(env: NodeJS.ProcessEnv): BrokerConnection {
  const connection = brokerConnectionFromEnv(env);
  if (!connection) {
    throw new ConfigurationError(
      'PACT_BROKER_BASE_URL is not set: set it to your Pact Broker (e.g. https://your-org.pactflow.io) and PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD',
    );
  }
  return connection;
}

function brokerUrl(value: string): string {
  return httpUrl('PACT_BROKER_BASE_URL', value, {
    example: 'https://your-org.pactflow.io',
    credentialsHint: BROKER_CREDENTIALS_HINT,
  }).replace(/\/$/, '');
}

function authFrom(
  token: string | undefined,
  username: string | undefined,
  password: string | undefined,
): BrokerConnection['auth'] {
  if (token !== undefined && (username !== undefined || password !== undefined)) {
    throw new ConfigurationError('set either PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD, not both');
  }
  if (token !== undefined) return { kind: 'token', token };
  if (username !== undefined && password !== undefined) return { kind: 'basic', username, password };
  if (username !== undefined)
    throw new ConfigurationError('PACT_BROKER_USERNAME is set but PACT_BROKER_PASSWORD is not');
  if (password !== undefined)
    throw new ConfigurationError('PACT_BROKER_PASSWORD is set but PACT_BROKER_USERNAME is not');
  return { kind: 'none' };
}

/** The broker credentials in the environment, as set (valid or not): what output must never show. */
export function brokerSecretsInEnv(env: NodeJS.ProcessEnv): string[] {
  const token = read(env, 'PACT_BROKER_TOKEN');
  const username = read(env, 'PACT_BROKER_USERNAME') ?? '';
  const password = read(env, 'PACT_BROKER_PASSWORD');
  return [
    ...(token ? [token] : []),
    ...(password ? [password, Buffer.from(`${username}:${password}`).toString('base64')] : []),
  ];
}
