/**
 * The typed client against a scripted loopback server: for each lifecycle operation it sends what the route
 * expects (the secret key for the POSTs, the session token for GET and DELETE), resolves to a tagged result for
 * every documented status, and raises one distinct, clearly worded error for each way a server can misbehave
 * (undocumented status, non-JSON body, schema breach, timeout, refused connection).
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
import {
  refusedUrl,
  sendJson,
  startScriptedServer,
  type RecordedRequest,
  type ScriptedServer,
} from '../support/scriptedServer';

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
    answer = (_request, response) =>
      sendJson(response, 401, { error: { code: 'missing_auth_header', message: 'missing' } });
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
    await expect(client().deleteSession(TOKEN, { query: { a: '1' }, body: { b: 2 } })).resolves.toEqual({
      outcome: 'api-error',
      status: 400,
      body: { error },
    });
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
    await expect(failure).rejects.toThrow(
      'undocumented status 500 for DELETE /connect/session (documented: 204, 400, 401, 404); body: {"error":{"code":"server_error"}}',
    );
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
    await expect(failure).rejects.toThrow(
      `cannot reach provider at ${url}/connect/session: connection refused (ECONNREFUSED)`,
    );
  });

  it('every failure is a ConnectSessionClientError whose message never carries the token', async () => {
    answer = (_request, response) => sendJson(response, 503, { error: { code: 'down' } });
    const error: unknown = await client()
      .deleteSession(TOKEN)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectSessionClientError);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});

const SECRET = 'client-test-secret';
const SESSION = {
  token: TOKEN,
  connect_link: 'https://connect.nango.dev/?session_token=x',
  expires_at: '2026-12-01T10:00:00.000Z',
};

describe('ConnectSessionClient.createSession', () => {
  it('sends POST /connect/sessions with the secret key and the input as JSON, and resolves to created on 201', async () => {
    answer = (_request, response) => sendJson(response, 201, { data: SESSION });
    await expect(client().createSession(SECRET, { end_user: { id: 'u-1' } })).resolves.toEqual({
      outcome: 'created',
      session: SESSION,
    });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/connect/sessions',
      body: '{"end_user":{"id":"u-1"}}',
    });
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${SECRET}`,
      'content-type': 'application/json',
    });
  });

  it('resolves 400 and 401 to api-errors, and sends a query when asked', async () => {
    answer = (_request, response) => sendJson(response, 400, { error: { code: 'invalid_query_params' } });
    await expect(client().createSession(SECRET, {}, { query: { a: '1' } })).resolves.toEqual({
      outcome: 'api-error',
      status: 400,
      body: { error: { code: 'invalid_query_params' } },
    });
    expect(server.requests[0]?.url).toBe('/connect/sessions?a=1');
    answer = (_request, response) => sendJson(response, 401, { error: { code: 'unknown_account', message: 'no' } });
    await expect(client().createSession('wrong', {})).resolves.toMatchObject({ outcome: 'api-error', status: 401 });
  });

  it('raises SchemaViolationError for a 201 without the token, and UndocumentedStatusError for a 404', async () => {
    answer = (_request, response) => sendJson(response, 201, { data: { expires_at: SESSION.expires_at } });
    await expect(client().createSession(SECRET, {})).rejects.toThrow(
      new SchemaViolationError(201, ["201 body: /data must have required property 'token'"]),
    );
    answer = (_request, response) => sendJson(response, 404, { error: { code: 'not_found' } });
    await expect(client().createSession(SECRET, {})).rejects.toThrow(
      'undocumented status 404 for POST /connect/sessions (documented: 201, 400, 401)',
    );
  });

  it('raises SchemaViolationError for an expiry that is not a date-time', async () => {
    answer = (_request, response) => sendJson(response, 201, { data: { ...SESSION, expires_at: 'in half an hour' } });
    await expect(client().createSession(SECRET, {})).rejects.toBeInstanceOf(SchemaViolationError);
  });
});

describe('ConnectSessionClient.reconnectSession', () => {
  it('sends POST /connect/sessions/reconnect with the connection and integration, and resolves to created on 201', async () => {
    answer = (_request, response) => sendJson(response, 201, { data: SESSION });
    await expect(client().reconnectSession(SECRET, { connection_id: 'c-1', integration_id: 'i-1' })).resolves.toEqual({
      outcome: 'created',
      session: SESSION,
    });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/connect/sessions/reconnect',
      body: '{"connection_id":"c-1","integration_id":"i-1"}',
    });
  });

  it('resolves 400 to an api-error and raises NonJsonErrorBodyError for a text 400', async () => {
    answer = (_request, response) => sendJson(response, 400, { error: { code: 'invalid_body' } });
    await expect(client().reconnectSession(SECRET, { connection_id: 'x', integration_id: 'y' })).resolves.toMatchObject(
      { outcome: 'api-error', status: 400 },
    );
    answer = (_request, response) => response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad');
    await expect(client().reconnectSession(SECRET, { connection_id: 'x', integration_id: 'y' })).rejects.toBeInstanceOf(
      NonJsonErrorBodyError,
    );
  });
});

describe('ConnectSessionClient.getSession', () => {
  it('sends GET /connect/session with the token, and resolves to found on 200', async () => {
    answer = (_request, response) => sendJson(response, 200, { data: SESSION });
    await expect(client().getSession(TOKEN)).resolves.toEqual({ outcome: 'found', session: SESSION });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/connect/session', body: '' });
    expect(server.requests[0]?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('resolves 400, 401 and 404 to api-errors', async () => {
    for (const status of [400, 401, 404] as const) {
      answer = (_request, response) => sendJson(response, status, { error: { code: 'c' } });
      await expect(client().getSession(TOKEN, { query: { a: '1' } })).resolves.toEqual({
        outcome: 'api-error',
        status,
        body: { error: { code: 'c' } },
      });
    }
  });

  it('raises UndocumentedStatusError for a 204', async () => {
    answer = (_request, response) => response.writeHead(204).end();
    await expect(client().getSession(TOKEN)).rejects.toBeInstanceOf(UndocumentedStatusError);
  });
});

describe('new ConnectSessionClient', () => {
  it.each(['not a url', 'ftp://example.com', ''])('rejects the base URL %j', (baseUrl) => {
    expect(() => new ConnectSessionClient(baseUrl)).toThrow(new InvalidBaseUrlError(baseUrl));
  });
});
