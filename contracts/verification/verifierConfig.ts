import type { VersionInfo } from '../broker/versionInfo';
import type { VerifierConfig } from './pactWorkarounds';
import type { PactSourceSettings } from './pactSourceSettings';

/** The verifier options that say where the pacts come from and, when asked, where results are published. */
export function pactSourceConfig(source: PactSourceSettings, publish: VersionInfo | undefined): Partial<VerifierConfig> {
  return { ...sourceOptions(source), ...(publish ? publishOptions(publish) : {}) };
}

function sourceOptions(source: PactSourceSettings): Partial<VerifierConfig> {
  switch (source.kind) {
    case 'file':
      return { pactUrls: [source.file] };
    case 'url':
      return { pactUrls: [source.url], ...credentials(source.broker?.auth) };
    case 'broker':
      return {
        pactBrokerUrl: source.broker.baseUrl,
        ...credentials(source.broker.auth),
        consumerVersionSelectors: source.selectors.map((selector) => ({ ...selector })),
        enablePending: source.enablePending,
        ...(source.includeWipPactsSince ? { includeWipPactsSince: source.includeWipPactsSince } : {}),
        ...(source.providerBranch ? { providerVersionBranch: source.providerBranch } : {}),
      };
  }
}

function credentials(auth: (PactSourceSettings & { kind: 'broker' })['broker']['auth'] | undefined): Partial<VerifierConfig> {
  if (auth?.kind === 'token') return { pactBrokerToken: auth.token };
  if (auth?.kind === 'basic') return { pactBrokerUsername: auth.username, pactBrokerPassword: auth.password };
  return {};
}

function publishOptions(publish: VersionInfo): Partial<VerifierConfig> {
  return {
    publishVerificationResult: true,
    providerVersion: publish.version,
    ...(publish.branch ? { providerVersionBranch: publish.branch } : {}),
    ...(publish.buildUrl ? { buildUrl: publish.buildUrl } : {}),
  };
}
