import { request as httpRequest, Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { RawResponse } from '../client/boundedFetch';
import { ProviderUnreachableError, RequestCutShortError, RequestTimeoutError } from '../client/errors';

/** A request exactly as sent: any header value HTTP/1.1 can carry, any body, under any content type. */
export interface SentRequest {
  readonly method: string;
  /** Path and query, already encoded. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * Sends the request with node:http(s), not fetch: fetch normalises headers and refuses bodies on some methods,
 * which is precisely what a hostile request must be free to do. Bounded by `timeoutMs`, with the client's errors;
 * `cutShort`, once aborted, ends it at once (an interrupted run's wait for a request under way is over).
 */
export function sendRaw(
  baseUrl: string,
  sent: SentRequest,
  timeoutMs: number,
  cutShort?: { readonly signal: AbortSignal; readonly waitedMs: number },
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${sent.target}`, base);
  const where = `${url.origin}${url.pathname}`;
  const secure = url.protocol === 'https:';
  const headers: Record<string, string | number> = { ...sent.headers };
  if (sent.body !== undefined) headers['content-length'] = Buffer.byteLength(sent.body);
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: sent.method, headers, agent: secure ? agents.https : agents.http },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const contentType = response.headers['content-type'];
          resolve({
            status: response.statusCode ?? 0,
            headers: toHeaders(response.headers),
            contentType,
            bodyText: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', (error) => reject(new ProviderUnreachableError(where, error.message)));
      },
    );
    request.setTimeout(timeoutMs, () => {
      request.destroy();
      reject(new RequestTimeoutError(where, timeoutMs));
    });
    if (cutShort) {
      const cut = () => {
        request.destroy();
        reject(new RequestCutShortError(where, cutShort.waitedMs));
      };
      if (cutShort.signal.aborted) cut();
      else {
        cutShort.signal.addEventListener('abort', cut, { once: true });
        request.on('close', () => cutShort.signal.removeEventListener('abort', cut));
      }
    }
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(new ProviderUnreachableError(where, error.code ?? error.message)),
    );
    request.end(sent.body);
  });
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}
