import type { JsonObject } from '../json';
import type { BrokerConnection } from './brokerSettings';
import { brokerHeaders } from './pactsToVerify';
import type { VersionInfo } from './versionInfo';

/** What the broker is told of one pact: its verdict and every interaction's result. */
export interface PactVerdict {
  readonly consumer: string;
  readonly publishUrl: string;
  readonly success: boolean;
  readonly testResults: readonly JsonObject[];
}

/** What came of telling the broker about one pact. */
export type PublicationOutcome = { readonly consumer: string; readonly success: boolean } & (
  { readonly published: true } | { readonly published: false; readonly why: string }
);

/** Who verified: this suite, which drives Pact's verifier and publishes the verdict itself. */
const VERIFIED_BY = { implementation: 'nango-contract-tests', version: '0.1.0' } as const;

async function send(
  url: string,
  method: 'PUT' | 'POST',
  body: JsonObject,
  connection: BrokerConnection,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method,
      headers: brokerHeaders(connection),
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.ok) return undefined;
    const text = (await response.text()).replace(/\s+/g, ' ').slice(0, 200);
    return `the broker answered ${response.status}${text ? `: ${text}` : ''}`;
  } catch (error) {
    return `the broker did not answer (${(error as Error).message})`;
  }
}

/**
 * Publishes one verification result per pact through the broker's API, as Pact's verifier would (the provider
 * version on its branch first, then each result to the pact's `pb:publish-verification-results` link), but with
 * the verdict this suite computed: the success of the interactions the contract requires, every interaction in
 * `testResults`, pending ones marked as such.
 */
export async function publishVerificationResults(
  connection: BrokerConnection,
  provider: string,
  version: VersionInfo,
  verdicts: readonly PactVerdict[],
  timeoutMs: number,
): Promise<PublicationOutcome[]> {
  if (version.branch) {
    const branchUrl = `${connection.baseUrl}/pacticipants/${encodeURIComponent(provider)}/branches/${encodeURIComponent(version.branch)}/versions/${encodeURIComponent(version.version)}`;
    const why = await send(branchUrl, 'PUT', {}, connection, timeoutMs);
    if (why)
      return verdicts.map(({ consumer, success }) => ({
        consumer,
        success,
        published: false,
        why: `the provider version's branch could not be recorded: ${why}`,
      }));
  }
  // One after the other, as Pact's verifier does: a broker on SQLite refuses concurrent writes (database is locked).
  const outcomes: PublicationOutcome[] = [];
  for (const { consumer, publishUrl, success, testResults } of verdicts) {
    const body: JsonObject = {
      success,
      providerApplicationVersion: version.version,
      ...(version.buildUrl ? { buildUrl: version.buildUrl } : {}),
      testResults: [...testResults],
      verifiedBy: { ...VERIFIED_BY },
    };
    const why = await send(publishUrl, 'POST', body, connection, timeoutMs);
    outcomes.push(why ? { consumer, success, published: false, why } : { consumer, success, published: true });
  }
  return outcomes;
}
