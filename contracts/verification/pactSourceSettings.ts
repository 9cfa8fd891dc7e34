import { readdirSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { BROKER_CREDENTIALS_HINT, brokerConnectionFromEnv, type BrokerConnection } from '../broker/brokerSettings';
import { branchFor, versionInfo, type GitFacts, type VersionInfo } from '../broker/versionInfo';
import { ConfigurationError } from '../configurationError';
import { booleanFrom, httpUrlFrom, read } from '../env';
import { isJsonObject, type JsonObject } from '../json';
import { COMMITTED_PACT } from '../pact/committedPact';
import type { InteractionFilter } from './interactionFilter';

/** Where the pacts to verify come from: a local file (default), a Pact Broker through selectors, or one pact URL. */
export type PactSourceSettings =
  | { readonly kind: 'file'; readonly file: string }
  | {
      readonly kind: 'broker';
      readonly broker: BrokerConnection;
      readonly selectors: readonly JsonObject[];
      readonly enablePending: boolean;
      readonly includeWipPactsSince: string | undefined;
      /** The provider's branch, for `matchingBranch` selectors and pending status. */
      readonly providerBranch: string | undefined;
    }
  | { readonly kind: 'url'; readonly url: string; readonly broker: BrokerConnection | undefined };

/** The main branch's pacts, those deployed or released, and those of the branch that matches the provider's. */
export const DEFAULT_CONSUMER_VERSION_SELECTORS: readonly JsonObject[] = [
  { mainBranch: true },
  { deployedOrReleased: true },
  { matchingBranch: true },
];

const BROKER_ONLY = ['PACT_CONSUMER_VERSION_SELECTORS', 'PACT_INCLUDE_WIP_PACTS_SINCE', 'PACT_ENABLE_PENDING'] as const;

export function pactSourceFromEnv(env: NodeJS.ProcessEnv, git: () => GitFacts): PactSourceSettings {
  const pactUrl = httpUrlFrom(env, 'PACT_URL', { queryAllowed: true, credentialsHint: BROKER_CREDENTIALS_HINT });
  // A webhook's pact URL names its broker: credentials alone are enough to fetch it and publish to it.
  const brokerBase = read(env, 'PACT_BROKER_BASE_URL') ?? (pactUrl === undefined ? undefined : new URL(pactUrl).origin);
  const broker = brokerConnectionFromEnv(brokerBase === undefined ? env : { ...env, PACT_BROKER_BASE_URL: brokerBase });
  const pactFile = read(env, 'PACT_FILE');
  if (pactUrl !== undefined && pactFile !== undefined)
    throw new ConfigurationError('PACT_URL and PACT_FILE are both set: verify one pact at a time');
  if (pactUrl === undefined && (broker === undefined || pactFile !== undefined)) {
    if (pactFile !== undefined && broker !== undefined) {
      throw new ConfigurationError(
        'PACT_FILE and PACT_BROKER_BASE_URL are both set: unset PACT_FILE to verify the pacts from the broker, or PACT_BROKER_BASE_URL to verify the file',
      );
    }
    const misplaced = BROKER_ONLY.find((name) => read(env, name) !== undefined);
    if (misplaced)
      throw new ConfigurationError(
        `${misplaced} only applies to pacts from a Pact Broker: set PACT_BROKER_BASE_URL too`,
      );
    const file = resolve(pactFile ?? COMMITTED_PACT);
    if (pactFile !== undefined) pactFileCheck(pactFile, file);
    return { kind: 'file', file };
  }
  if (pactUrl !== undefined) {
    const misplaced = BROKER_ONLY.find((name) => read(env, name) !== undefined);
    if (misplaced)
      throw new ConfigurationError(`${misplaced} does not apply with PACT_URL, which names exactly the pact to verify`);
    return { kind: 'url', url: pactUrl, broker };
  }
  return {
    kind: 'broker',
    broker: broker as BrokerConnection,
    selectors: selectorsFrom(read(env, 'PACT_CONSUMER_VERSION_SELECTORS')),
    enablePending: booleanFrom(env, 'PACT_ENABLE_PENDING', true),
    includeWipPactsSince: dateFrom(read(env, 'PACT_INCLUDE_WIP_PACTS_SINCE')),
    providerBranch: branchFor('provider', env, git()),
  };
}

/** The provider version, branch and build URL results are published under; undefined unless asked for. */
export function publishingFromEnv(
  env: NodeJS.ProcessEnv,
  source: PactSourceSettings,
  embedded: boolean,
  git: () => GitFacts,
  filter?: InteractionFilter,
): VersionInfo | undefined {
  if (!booleanFrom(env, 'PACT_PUBLISH_VERIFICATION_RESULTS', false)) return undefined;
  if (filter) {
    // The broker takes a result for the whole pact: one over part of it would pass what was never verified.
    throw new ConfigurationError(
      `PACT_PUBLISH_VERIFICATION_RESULTS=true with ${filter.shown}: the broker would take a verdict on part of the pact for all of it; unset the filter to publish`,
    );
  }
  if (source.kind === 'file') {
    throw new ConfigurationError(
      'PACT_PUBLISH_VERIFICATION_RESULTS=true needs pacts from a Pact Broker (PACT_BROKER_BASE_URL or PACT_URL): a local pact file has nowhere to publish to',
    );
  }
  if (embedded) {
    // A result says "this provider version honours the pact": the embedded stand-in says nothing about Nango.
    throw new ConfigurationError(
      'PACT_PUBLISH_VERIFICATION_RESULTS=true needs a real or local Nango (NANGO_BASE_URL and NANGO_SECRET_KEY): results from the embedded reference provider would say nothing about NangoAPI',
    );
  }
  return versionInfo('provider', env, git());
}

function selectorsFrom(value: string | undefined): JsonObject[] {
  if (value === undefined) return [...DEFAULT_CONSUMER_VERSION_SELECTORS];
  const problem = `PACT_CONSUMER_VERSION_SELECTORS must be a JSON array of selector objects, e.g. [{"mainBranch":true},{"deployedOrReleased":true}]`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // JSON.parse objects only to text that is not JSON, which the line below says, with the text.
    throw new ConfigurationError(`${problem} (got ${JSON.stringify(value)}, which is not JSON)`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(isJsonObject))
    throw new ConfigurationError(`${problem} (got ${value})`);
  return parsed;
}

function dateFrom(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ConfigurationError(
      `PACT_INCLUDE_WIP_PACTS_SINCE must be a date such as 2026-01-31 (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

/** PACT_FILE names a file that exists: a folder or a missing file is one line, before anything runs. */
function pactFileCheck(given: string, file: string): void {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch {
    // statSync failed: the path names nothing, which is the one line said.
    throw new ConfigurationError(`PACT_FILE=${given}: no such file`);
  }
  if (stats.isDirectory()) {
    const pacts = readdirSync(file).filter((name) => name.endsWith('.json'));
    throw new ConfigurationError(
      `PACT_FILE=${given} is a folder, not a pact file${pacts.length ? `: name one in it, e.g. PACT_FILE=${join(given, pacts[0] ?? '')}` : ''}`,
    );
  }
}
