/**
 * The verification worker's CA store: empty only when the run can make no TLS connection (every URL it reaches is
 * plain HTTP on loopback), the system's everywhere else, a remote http:// host included (it may redirect to https).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GitFacts } from '../../contracts/broker/versionInfo';
import { caStoreFor, NO_CA_STORE } from '../../contracts/verification/caStore';
import { settingsFromEnv } from '../../contracts/verification/settings';

const git = (): GitFacts => ({ commit: 'abc123', branch: 'main', dirty: false });
const storeFor = (env: Record<string, string>) => caStoreFor(settingsFromEnv(env, git));
const remote = (url: string) => ({ NANGO_BASE_URL: url, NANGO_SECRET_KEY: 'sk' });

describe('the CA store a verification gets', () => {
  it('when no TLS can happen, holds one certificate, for no server: pact-core 20.2 refuses an empty store', () => {
    const pem = readFileSync(NO_CA_STORE.SSL_CERT_FILE, 'utf8');
    expect(pem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(1);
    const certificate = new X509Certificate(pem);
    expect(certificate.subject).toContain('no TLS expected');
    expect(certificate.checkHost('127.0.0.1')).toBeUndefined();
    expect(certificate.checkIP('127.0.0.1')).toBeUndefined();
  });

  it('is empty for the embedded provider and the committed pact', () => {
    expect(storeFor({})).toEqual(NO_CA_STORE);
  });

  it.each(['http://localhost:3003', 'http://127.0.0.1:3003', 'http://[::1]:3003'])(
    'is empty for a local Nango at %s',
    (url) => {
      expect(storeFor(remote(url))).toEqual(NO_CA_STORE);
    },
  );

  it.each(['https://api.nango.dev', 'http://api.nango.dev', 'https://localhost:3003', 'http://192.168.1.20:3003'])(
    "is the system's for a provider at %s",
    (url) => {
      expect(storeFor(remote(url))).toEqual({});
    },
  );

  it('is empty for pacts from a broker on loopback over http', () => {
    expect(storeFor({ PACT_BROKER_BASE_URL: 'http://127.0.0.1:9292' })).toEqual(NO_CA_STORE);
  });

  it("is the system's for pacts from a broker over https, whatever the provider", () => {
    expect(
      storeFor({ ...remote('http://localhost:3003'), PACT_BROKER_BASE_URL: 'https://broker.example.com' }),
    ).toEqual({});
  });

  it("is the system's for one pact URL on a remote broker", () => {
    expect(storeFor({ PACT_URL: 'https://broker.example.com/pacts/provider/NangoAPI/consumer/C/latest' })).toEqual({});
  });
});
