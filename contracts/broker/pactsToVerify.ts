import { isJsonObject, type JsonObject } from '../json';
import { parsePact, type PactFile } from '../pact/pactFile';
import type { BrokerConnection } from './brokerSettings';

/** Where the verifier gets its pacts from a broker: the pacts for these selectors, or one pact's URL. */
export type PactsQuery =
  | {
      readonly kind: 'selectors';
      readonly connection: BrokerConnection;
      readonly provider: string;
      readonly body: JsonObject;
    }
  | { readonly kind: 'url'; readonly connection: BrokerConnection | undefined; readonly url: string };

/** One pact the broker serves for verification: its content, and where a result for it is published. */
export interface BrokerPact {
  readonly url: string;
  /** The pact's `pb:publish-verification-results` link. */
  readonly publishUrl: string | undefined;
  readonly pact: PactFile;
}

export function brokerHeaders(connection: BrokerConnection | undefined): Record<string, string> {
  const auth = connection?.auth;
  const authorization =
    auth?.kind === 'token'
      ? `Bearer ${auth.token}`
      : auth?.kind === 'basic'
        ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
        : undefined;
  return {
    accept: 'application/hal+json, application/json',
    'content-type': 'application/json',
    ...(authorization ? { authorization } : {}),
  };
}

async function json(url: string, init: RequestInit, timeoutMs: number): Promise<JsonObject | undefined> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) return undefined;
  const body: unknown = await response.json();
  return isJsonObject(body) ? body : undefined;
}

const linkOf = (node: JsonObject | undefined, relation: string): string | undefined => {
  const links = node?.['_links'];
  const link = isJsonObject(links) ? links[relation] : undefined;
  return isJsonObject(link) && typeof link['href'] === 'string' ? link['href'] : undefined;
};

/**
 * The pacts a verification of this query runs, as the broker serves them (the same query the verifier sends): for
 * progress lines' totals, the interactions the consumer declared pending, and where to publish each result.
 * Undefined, never an error, when the broker will not say.
 */
export async function pactsToVerify(query: PactsQuery, timeoutMs: number): Promise<BrokerPact[] | undefined> {
  try {
    const headers = brokerHeaders(query.connection);
    const pactUrls =
      query.kind === 'url'
        ? [query.url]
        : await json(
            `${query.connection.baseUrl}/pacts/provider/${encodeURIComponent(query.provider)}/for-verification`,
            { method: 'POST', headers, body: JSON.stringify(query.body) },
            timeoutMs,
          ).then((found) => {
            const embedded = isJsonObject(found?.['_embedded']) ? found['_embedded']['pacts'] : undefined;
            return Array.isArray(embedded)
              ? embedded.flatMap((pact) =>
                  isJsonObject(pact) ? [linkOf(pact, 'self')].filter((url): url is string => url !== undefined) : [],
                )
              : undefined;
          });
    if (!pactUrls) return undefined;
    const pacts = await Promise.all(
      pactUrls.map(async (url) => ({ url, content: await json(url, { headers }, timeoutMs) })),
    );
    if (!pacts.every(({ content }) => content !== undefined)) return undefined;
    return pacts.map(({ url, content }) => ({
      url,
      publishUrl: linkOf(content, 'pb:publish-verification-results'),
      pact: parsePact(content, url),
    }));
  } catch {
    // The broker would not say: progress lines go without totals, and Pact's verifier, which fetches the pacts itself, reports its own failure.
    return undefined;
  }
}
