import type { VerificationSettings } from './settings';

/**
 * Pact's native verifier reads the system's CA store for every HTTP client it builds: measured here, two thirds of
 * a verification's cost against the embedded provider. A run whose every URL (the provider, and the broker if any)
 * is plain HTTP on this machine's loopback makes no TLS connection, so it is given an empty store instead. Any other
 * host keeps the system's store, even over http://: it may redirect to https://.
 */
export const NO_CA_STORE: Readonly<Record<'SSL_CERT_FILE' | 'SSL_CERT_DIR', string>> = { SSL_CERT_FILE: '/dev/null', SSL_CERT_DIR: '/dev/null' };

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
