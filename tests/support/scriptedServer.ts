import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type RunningServer } from '../../contracts/http/server';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface ScriptedServer extends RunningServer {
  readonly requests: RecordedRequest[];
}

/** A loopback HTTP server on port 0 that answers with `respond`, recording every request it gets. */
export async function startScriptedServer(
  respond: (request: RecordedRequest, response: ServerResponse) => void,
): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: body.toString('utf8'),
      };
      requests.push(request);
      respond(request, res);
    });
  });
  return { ...(await listen(server)), requests };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** A URL on which nothing listens: a port that was just open and is closed again. */
export async function refusedUrl(): Promise<string> {
  const server = await startScriptedServer(() => undefined);
  await server.close();
  return server.url;
}
