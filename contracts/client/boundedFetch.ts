import { ProviderUnreachableError, RequestTimeoutError } from './errors';

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string | undefined;
  readonly bodyText: string;
}

/**
 * `fetch` with a bound on the whole exchange (body included), whose failures are the client's own errors:
 * RequestTimeoutError, or ProviderUnreachableError with the socket-level reason. Messages name the URL
 * without its query, so they never carry caller data.
 */
export async function boundedFetch(url: URL, init: RequestInit, timeoutMs: number): Promise<RawResponse> {
  const where = `${url.origin}${url.pathname}`;
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const bodyText = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      contentType: response.headers.get('content-type') ?? undefined,
      bodyText,
    };
  } catch (error) {
    if (field(error, 'name') === 'TimeoutError') throw new RequestTimeoutError(where, timeoutMs);
    throw new ProviderUnreachableError(where, transportReason(error));
  }
}

/** Reads a property of a thrown value; not `instanceof Error`, since fetch's errors may come from another realm (jest's vm). */
function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** undici hides the socket error under `cause`: "fetch failed" → "connection refused (ECONNREFUSED)". */
function transportReason(error: unknown): string {
  const cause = field(error, 'cause');
  const code = field(cause, 'code');
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'connection reset',
    EAI_AGAIN: 'host name lookup failed',
    UND_ERR_SOCKET: 'connection closed by the server',
  };
  if (typeof code === 'string') return `${known[code] ?? 'network error'} (${code})`;
  const message = String(field(cause, 'message') ?? field(error, 'message') ?? error);
  // The Fetch standard refuses some ports outright (1, 22, 25, 6000, …: its "bad port" list): no request was sent.
  if (message === 'bad port')
    return 'the port is one fetch refuses to connect to (the Fetch standard\'s "bad port" list, such as 1, 22 or 6000): no request was sent; use the port your provider listens on';
  return message;
}
