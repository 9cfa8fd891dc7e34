import { createServer, type IncomingMessage } from 'node:http';
import { boundedFetch } from '../client/boundedFetch';
import { ConnectSessionClientError } from '../client/errors';
import { listen, readBody } from '../http/server';

/** One request the verifier sent and what the provider answered (or why it did not). */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly response: { readonly status: number; readonly contentType: string | undefined; readonly bodyText: string } | undefined;
  /** Set when no answer came: a timeout or a connection failure, worded by the client. */
  readonly transportError: string | undefined;
}

export interface RecordingProxy {
  readonly url: string;
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

/** Status the proxy answers with when the provider gave none; Pact then reports a status mismatch. */
const NO_ANSWER_STATUS = 504;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'accept-encoding', 'content-encoding', 'upgrade']);

/**
 * Sits between Pact's verifier and the provider, so every live response can be validated against the spec
 * (Pact accepts extra properties) and every request is bounded by the timeout.
 */
export async function startRecordingProxy(targetBaseUrl: string, timeoutMs: number): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const target = new URL(targetBaseUrl);
  const prefix = target.pathname.replace(/\/$/, '');

  const server = createServer((request, response) => {
    void (async () => {
      const incoming = new URL(request.url ?? '/', 'http://proxy');
      const url = new URL(`${prefix}${incoming.pathname}${incoming.search}`, target);
      try {
        const body = await readBody(request);
        const answer = await boundedFetch(
          url,
          { method: request.method ?? 'GET', headers: forwardable(request.headers), ...(body.length > 0 ? { body } : {}) },
          timeoutMs,
        );
        exchanges.push({
          method: request.method ?? '',
          path: incoming.pathname,
          response: { status: answer.status, contentType: answer.contentType, bodyText: answer.bodyText },
          transportError: undefined,
        });
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name)) headers[name] = value;
        });
        response.writeHead(answer.status, headers).end(answer.bodyText);
      } catch (error) {
        const reason = error instanceof ConnectSessionClientError ? error.message : String(error);
        exchanges.push({ method: request.method ?? '', path: incoming.pathname, response: undefined, transportError: reason });
        response.writeHead(NO_ANSWER_STATUS, { 'content-type': 'text/plain' }).end(`no answer from the provider: ${reason}`);
      }
    })();
  });
  const running = await listen(server);
  return { url: running.url, exchanges, close: running.close };
}

function forwardable(headers: IncomingMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
