import type { VerifierConfig } from './pactWorkarounds';
import type { PactSourceSettings } from './pactSourceSettings';

/**
 * The verifier options that say where the pacts come from. The verifier never publishes: Pact 16.5 publishes
 * `success: false` for a pact whose only failure is a pending interaction, so the suite publishes each result
 * itself (verification/publication.ts) with the verdict the contract asks for.
 */
export function pactSourceConfig(source: PactSourceSettings): Partial<VerifierConfig> {
  return sourceOptions(source);
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

function credentials(
  auth: (PactSourceSettings & { kind: 'broker' })['broker']['auth'] | undefined,
): Partial<VerifierConfig> {
  if (auth?.kind === 'token') return { pactBrokerToken: auth.token };
  if (auth?.kind === 'basic') return { pactBrokerUsername: auth.username, pactBrokerPassword: auth.password };
  return {};
}
