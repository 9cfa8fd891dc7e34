import { caStoreFor } from '../caStore';
import type { VerificationSettings } from '../settings';

/**
 * The variables Pact reads from process.env itself, which the worker sets for it from the run's parsed settings
 * (and nothing else of the environment is a setting to it), each for its reason:
 * - LOG_LEVEL: pact-core's logger takes its level from it as it loads (the settings' logLevel);
 * - PACT_DESCRIPTION, PACT_PROVIDER_STATE, PACT_PROVIDER_NO_STATE: its verifier's filter of the interactions to
 *   replay, which it reads from nowhere else (the settings' filter, checked by the parent);
 * - PACT_DO_NOT_TRACK: its usage telemetry, always off;
 * - SSL_CERT_FILE, SSL_CERT_DIR: its native verifier's CA store (caStore.ts: one of one throwaway certificate when
 *   no TLS can happen; else the system's, as the parent's environment gives it).
 */
export const PACT_READS = [
  'LOG_LEVEL',
  'PACT_DESCRIPTION',
  'PACT_PROVIDER_STATE',
  'PACT_PROVIDER_NO_STATE',
  'PACT_DO_NOT_TRACK',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
] as const;
export type PactVariable = (typeof PACT_READS)[number];

/** Pact's variables for one run; one left out is unset. */
export type PactEnvironment = Readonly<Partial<Record<PactVariable, string>>>;

/**
 * Variables pact-core falls back on when an option is unset (a broker source, its credentials, publishing): never
 * in the worker's environment, so the settings alone say where the pacts come from, with which credentials, and
 * that the suite publishes (verification/publication.ts), not the verifier. The secret key travels in the settings.
 */
export const NOT_FOR_PACT = [
  'PACT_BROKER_BASE_URL',
  'PACT_BROKER_TOKEN',
  'PACT_BROKER_USERNAME',
  'PACT_BROKER_PASSWORD',
  'PACT_BROKER_PUBLISH_VERIFICATION_RESULTS',
  'NANGO_SECRET_KEY',
] as const;

/** Pact's variables for a run with these settings; the system's CA store, where it stays, from `env`. */
export function pactEnvironment(settings: VerificationSettings, env: NodeJS.ProcessEnv): PactEnvironment {
  const filter = settings.filter;
  // The system's CA store is no setting of the suite's: passed on as it is, unless no TLS can happen.
  const system = (name: PactVariable): string | undefined => env[name];
  const caStore: Readonly<Record<string, string | undefined>> = caStoreFor(settings);
  const values: Record<PactVariable, string | undefined> = {
    LOG_LEVEL: settings.logLevel,
    PACT_DESCRIPTION: filter?.description,
    PACT_PROVIDER_STATE: filter?.providerState,
    PACT_PROVIDER_NO_STATE: filter?.noState ? 'true' : undefined,
    PACT_DO_NOT_TRACK: 'true',
    SSL_CERT_FILE: caStore['SSL_CERT_FILE'] ?? system('SSL_CERT_FILE'),
    SSL_CERT_DIR: caStore['SSL_CERT_DIR'] ?? system('SSL_CERT_DIR'),
  };
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [PactVariable, string] => entry[1] !== undefined),
  );
}

/** The environment a worker process starts with: the system's (PATH, proxies), less NOT_FOR_PACT, with Pact's own. */
export function workerProcessEnv(env: NodeJS.ProcessEnv, pactEnv: PactEnvironment): NodeJS.ProcessEnv {
  const started: NodeJS.ProcessEnv = { ...env };
  for (const name of [...NOT_FOR_PACT, ...PACT_READS]) delete started[name];
  return { ...started, ...pactEnv };
}

/** Sets Pact's variables in this process for a run: each the run's, or unset. */
export function adoptPactEnvironment(pactEnv: PactEnvironment): void {
  for (const name of NOT_FOR_PACT) delete process.env[name];
  for (const name of PACT_READS) {
    const value = pactEnv[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
