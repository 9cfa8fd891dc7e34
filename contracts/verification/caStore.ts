import { join } from 'node:path';
import { PROJECT_ROOT } from '../projectRoot';
import type { VerificationSettings } from './settings';

/**
 * Pact's native verifier reads the system's CA store for the HTTP clients it builds: on pact-core 19 two thirds of a
 * verification's CPU against the embedded provider, on 20.2 about a seventh (0.60 s against 0.70 s, measured here).
 * A run whose every URL (the provider, and the broker if any) is plain HTTP on this machine's loopback makes no TLS
 * connection, so it is given a store of one certificate instead: a throwaway self-signed one whose key was never
 * kept, so it vouches for no server. Not an empty store: pact-core 20.2's verifier refuses to build a client with
 * no certificate at all ("Request Failed - builder error" for every interaction). Any other host keeps the
 * system's store, even over http://: it may redirect to https://.
 */
export const NO_CA_STORE: Readonly<Record<'SSL_CERT_FILE' | 'SSL_CERT_DIR', string>> = {
  SSL_CERT_FILE: join(PROJECT_ROOT, 'contracts', 'verification', 'no-tls-ca.pem'),
  SSL_CERT_DIR: '/dev/null',
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** http:// on localhost, 127.0.0.1 or ::1. */
export function isPlainLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && LOOPBACK_HOSTS.has(hostname);
}

/** Every URL a verification run with these settings reaches, the embedded provider (always http://127.0.0.1) aside. */
function urlsReached({ target, source }: VerificationSettings): string[] {
  const provider = target.kind === 'remote' ? [target.baseUrl] : [];
  if (source.kind === 'file') return provider;
  if (source.kind === 'broker') return [...provider, source.broker.baseUrl];
  return [...provider, source.url, ...(source.broker ? [source.broker.baseUrl] : [])];
}

/** The environment the verification worker needs on top of the run's: an empty CA store when no TLS can happen. */
export function caStoreFor(settings: VerificationSettings): Readonly<Record<string, string>> {
  return urlsReached(settings).every(isPlainLoopback) ? NO_CA_STORE : {};
}
