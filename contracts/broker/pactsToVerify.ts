import { isJsonObject, type JsonObject } from '../json';
import type { BrokerConnection } from './brokerSettings';

/** Where the verifier gets its pacts from a broker: the pacts for these selectors, or one pact's URL. */
export type PactsQuery =
  | { readonly kind: 'selectors'; readonly connection: BrokerConnection; readonly provider: string; readonly body: JsonObject }
  | { readonly kind: 'url'; readonly connection: BrokerConnection | undefined; readonly url: string };

function headersFor(connection: BrokerConnection | undefined): Record<string, string> {
  const auth = connection?.auth;
  const authorization =
    auth?.kind === 'token' ? `Bearer ${auth.token}` : auth?.kind === 'basic' ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
  return { accept: 'application/hal+json, application/json', 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
}

async function json(url: string, init: RequestInit, timeoutMs: number): Promise<JsonObject | undefined> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) return undefined;
  const body: unknown = await response.json();
  return isJsonObject(body) ? body : undefined;
}

/**
 * How many interactions a verification of these pacts runs: the broker's pacts for the same query the verifier
 * sends (Pact 16.5's verifier says nothing of its pacts until it has run them all), their interactions counted.
 * Only numbers progress lines (`[3/14]`): undefined, never an error, when the broker will not say.
 */
export async function interactionCount(query: PactsQuery, timeoutMs: number): Promise<number | undefined> {
  try {
    const headers = headersFor(query.connection);
    const pactUrls =
      query.kind === 'url'
        ? [query.url]
        : await json(`${query.connection.baseUrl}/pacts/provider/${encodeURIComponent(query.provider)}/for-verification`, { method: 'POST', headers, body: JSON.stringify(query.body) }, timeoutMs).then((found) => {
            const embedded = isJsonObject(found?.['_embedded']) ? found['_embedded']['pacts'] : undefined;
            return Array.isArray(embedded) ? embedded.flatMap((pact) => (isJsonObject(pact) && isJsonObject(pact['_links']) && isJsonObject(pact['_links']['self']) ? [String(pact['_links']['self']['href'])] : [])) : undefined;
          });
    if (!pactUrls) return undefined;
    const pacts = await Promise.all(pactUrls.map((url) => json(url, { headers }, timeoutMs)));
    return pacts.every((pact) => pact !== undefined && Array.isArray(pact['interactions']))
      ? pacts.reduce((sum, pact) => sum + (Array.isArray(pact?.['interactions']) ? pact['interactions'].length : 0), 0)
      : undefined;
  } catch {
    return undefined;
  }
}
