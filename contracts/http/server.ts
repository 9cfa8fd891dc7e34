import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  /** `http://host:port`, with the port the system picked when asked for 0. */
  readonly url: string;
  /** Stops listening and drops open connections (a held request included). */
  readonly close: () => Promise<void>;
}

/** Listens (port 0: any free port) and resolves once listening, with the port read back. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a request body whole; over `maxBytes` it still reads to the end (so an answer can be sent), then rejects. */
export function readBody(request: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () =>
      size > maxBytes ? reject(new Error(`body larger than ${maxBytes} bytes`)) : resolve(Buffer.concat(chunks)),
    );
    request.on('error', reject);
  });
}
