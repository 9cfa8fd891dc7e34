/**
 * The typed client against a scripted loopback server: it sends what the route expects, resolves to a
 * discriminated result for every documented status, and raises one distinct, clearly worded error for each
 * way a server can misbehave (undocumented status, non-JSON error, schema breach, timeout, refused connection).
 */
import type { ServerResponse } from 'node:http';
import {
  ConnectSessionClientError,
  InvalidBaseUrlError,
  NonJsonErrorBodyError,
  ProviderUnreachableError,
  RequestTimeoutError,
  SchemaViolationError,
  UndocumentedStatusError,
} from '../../contracts/client/errors';
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { refusedUrl, sendJson, startScriptedServer, type RecordedRequest, type ScriptedServer } from '../support/scriptedServer';

const TOKEN = `nango_connect_session_${'ab'.repeat(32)}`;
let answer: (request: RecordedRequest, response: ServerResponse) => void;
let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer((request, response) => answer(request, response));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const client = (): ConnectSessionClient => new ConnectSessionClient(server.url, { timeoutMs: 2_000 });

describe('ConnectSessionClient.deleteSession', () => {
  it('sends DELETE /connect/session with the token as a bearer credential and resolves to deleted on 204', async () => {
    answer = (_request, response) => response.writeHead(204).end();
    await expect(client().deleteSession(TOKEN)).resolves.toEqual({ outcome: 'deleted' });
    expect(server.requests).toEqual([expect.objectContaining({ method: 'DELETE', url: '/connect/session', body: '' })]);
    expect(server.requests[0]?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('sends no Authorization header when no token is given', async () => {
    answer = (_request, response) => sendJson(response, 401, { error: { code: 'missing_auth_header', message: 'missing' } });
    await expect(client().deleteSession(undefined)).resolves.toEqual({
      outcome: 'api-error',
      status: 401,
      body: { error: { code: 'missing_auth_header', message: 'missing' } },
    });
    expect(server.requests[0]?.headers).not.toHaveProperty('authorization');
  });

  it('sends a query string and a JSON body when asked, and resolves 400 to an api-error', async () => {
    const error = { code: 'invalid_body', errors: [{ code: 'unrecognized_keys', message: 'no', path: [] }] };
    answer = (_request, response) => sendJson(response, 400, { error });
    await expect(client().deleteSession(TOKEN, { query: { a: '1' }, body: { b: 2 } })).resolves.toEqual({ outcome: 'api-error', status: 400, body: { error } });
    expect(server.requests[0]).toMatchObject({ url: '/connect/session?a=1', body: '{"b":2}' });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('keeps a path prefix of the base URL', async () => {
    answer = (_request, response) => response.writeHead(204).end();
    await new ConnectSessionClient(`${server.url}/nango`).deleteSession(TOKEN);
    expect(server.requests[0]?.url).toBe('/nango/connect/session');
  });

  it('raises UndocumentedStatusError for a status the spec does not document', async () => {
    answer = (_request, response) => sendJson(response, 500, { error: { code: 'server_error' } });
    const failure = client().deleteSession(TOKEN);
    await expect(failure).rejects.toBeInstanceOf(UndocumentedStatusError);
    await expect(failure).rejects.toThrow('undocumented status 500 (documented: 204, 400, 401, 404); body: {"error":{"code":"server_error"}}');
  });

  it('raises NonJsonErrorBodyError for an error body that is not JSON', async () => {
    answer = (_request, response) => response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
    const failure = client().deleteSession(TOKEN);
    await expect(failure).rejects.toBeInstanceOf(NonJsonErrorBodyError);
    await expect(failure).rejects.toThrow('401 error body is not JSON (content-type: text/plain): Unauthorized');
  });

  it('raises SchemaViolationError for an error body that breaks StdError', async () => {
    answer = (_request, response) => sendJson(response, 404, { error: { message: 'gone', payload: 1 } });
    const failure = client().deleteSession(TOKEN);
    await expect(failure).rejects.toBeInstanceOf(SchemaViolationError);
    await expect(failure).rejects.toThrow(
      "404 response breaks the spec: 404 body: /error must have required property 'code'; 404 body: /error must NOT have additional property 'payload'",
    );
  });

  it('raises RequestTimeoutError when no answer comes in time', async () => {
    answer = () => undefined; // never answers
    const failure = new ConnectSessionClient(server.url, { timeoutMs: 50 }).deleteSession(TOKEN);
    await expect(failure).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(failure).rejects.toThrow(`no answer from ${server.url}/connect/session within 50 ms`);
  });

  it('raises ProviderUnreachableError when the connection is refused', async () => {
    const url = await refusedUrl();
    const failure = new ConnectSessionClient(url).deleteSession(TOKEN);
    await expect(failure).rejects.toBeInstanceOf(ProviderUnreachableError);
    await expect(failure).rejects.toThrow(`cannot reach provider at ${url}/connect/session: connection refused (ECONNREFUSED)`);
  });

  it('every failure is a ConnectSessionClientError whose message never carries the token', async () => {
    answer = (_request, response) => sendJson(response, 503, { error: { code: 'down' } });
    const error: unknown = await client().deleteSession(TOKEN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectSessionClientError);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});

describe('new ConnectSessionClient', () => {
  it.each(['not a url', 'ftp://example.com', ''])('rejects the base URL %j', (baseUrl) => {
    expect(() => new ConnectSessionClient(baseUrl)).toThrow(new InvalidBaseUrlError(baseUrl));
  });
});
