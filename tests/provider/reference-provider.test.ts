/**
 * The embedded reference provider serves the four lifecycle operations as Nango's spec documents them and Nango
 * implements them: sessions are created and reconnected with the secret key, read and deleted with their own
 * token; auth runs before the query and body checks, and bodies are judged by the spec's request schema; a
 * deleted session's token answers 404; other methods get 405 with Allow. A connection is made through a connect
 * session with Nango's public API (an `unauthenticated` integration), and both can be deleted again. Every
 * lifecycle answer goes through the typed client, which checks it against the spec.
 */
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { startReferenceProvider, type ReferenceProvider } from '../../contracts/provider/referenceProvider';
import { RateLimitBudget } from '../../contracts/live/rateLimit';
import { SessionAdmin } from '../../contracts/live/sessionAdmin';

const SECRET = 'reference-test-secret';
let provider: ReferenceProvider;
let url: string;
let close: () => Promise<void>;
let client: ConnectSessionClient;
let admin: SessionAdmin;

beforeAll(async () => {
  ({ provider, url, close } = await startReferenceProvider({ secretKey: SECRET }));
  client = new ConnectSessionClient(url);
  admin = new SessionAdmin(url, SECRET, 2_000, new RateLimitBudget(0), 'contract-tests-reference');
});
afterAll(() => close());

const CONNECT_SESSION_TOKEN = /^nango_connect_session_[0-9a-f]{64}$/;

describe('POST /connect/sessions', () => {
  it('creates a session for an end user with the secret key, as a ConnectSession', async () => {
    const result = await client.createSession(SECRET, { end_user: { id: 'user-1' } });
    if (result.outcome !== 'created') throw new Error(`not created: ${JSON.stringify(result)}`);
    expect(result.session.token).toMatch(CONNECT_SESSION_TOKEN);
    expect(result.session.connect_link).toContain(result.session.token);
    expect(Date.parse(result.session.expires_at)).toBeGreaterThan(Date.now());
  });

  it('refuses a missing or wrong secret key with 401, then a query or a body the spec refuses with 400', async () => {
    await expect(client.createSession(undefined, {})).resolves.toMatchObject({ status: 401, body: { error: { code: 'missing_auth_header' } } });
    await expect(client.createSession('not-the-key', {})).resolves.toMatchObject({ status: 401, body: { error: { code: 'unknown_account' } } });
    await expect(client.createSession('not-the-key', {}, { query: { a: '1' } })).resolves.toMatchObject({ status: 401 });
    await expect(client.createSession(SECRET, {}, { query: { a: '1' } })).resolves.toMatchObject({ status: 400, body: { error: { code: 'invalid_query_params' } } });
    const badBody = await client.createSession(SECRET, { allowed_integrations: 'not-a-list' } as unknown as { allowed_integrations: string[] });
    expect(badBody).toMatchObject({ status: 400, body: { error: { code: 'invalid_body', errors: [{ message: 'request body: /allowed_integrations must be array' }] } } });
    await expect(client.createSession(SECRET, { end_user: {} } as unknown as { end_user: { id: string } })).resolves.toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
  });
});

describe('a connection made through a connect session, and POST /connect/sessions/reconnect', () => {
  const post = (path: string, body: unknown, authorization?: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
  const remove = (path: string) => fetch(`${url}${path}`, { method: 'DELETE', headers: { authorization: `Bearer ${SECRET}` } });

  it('makes an unauthenticated connection through a session, reconnects it, and deletes connection and integration', async () => {
    const before = provider.resourceCounts();
    expect((await post('/integrations', { unique_key: 'it-1', provider: 'unauthenticated' }, `Bearer ${SECRET}`)).status).toBe(200);
    expect((await post('/integrations', { unique_key: 'it-1', provider: 'unauthenticated' }, `Bearer ${SECRET}`)).status).toBe(400);
    const token = await admin.create(['it-1']);
    const connected = await post(`/auth/unauthenticated/it-1?connect_session_token=${token}`, {});
    const { connectionId } = (await connected.json()) as { connectionId: string };
    expect(provider.resourceCounts()).toEqual({ connections: before.connections + 1, integrations: before.integrations + 1 });

    const reconnect = await client.reconnectSession(SECRET, { connection_id: connectionId, integration_id: 'it-1' });
    expect(reconnect).toMatchObject({ outcome: 'created', session: { token: expect.stringMatching(CONNECT_SESSION_TOKEN) } });
    await expect(client.reconnectSession(SECRET, { connection_id: 'nope', integration_id: 'it-1' })).resolves.toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    await expect(client.reconnectSession('wrong', { connection_id: connectionId, integration_id: 'it-1' })).resolves.toMatchObject({ status: 401, body: { error: { code: 'unknown_account' } } });

    expect((await remove(`/connection/${connectionId}?provider_config_key=it-1`)).status).toBe(200);
    const again = await remove(`/connection/${connectionId}?provider_config_key=it-1`);
    // What the spec documents for a connection it does not hold (a real Nango answers 400 unknown_connection).
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ message: expect.any(String) });
    expect((await remove('/integrations/it-1')).status).toBe(200);
    expect((await remove('/integrations/it-1')).status).toBe(404);
    expect(provider.resourceCounts()).toEqual(before);
  });

  it('connects only to an integration the session allows, of the unauthenticated provider', async () => {
    await post('/integrations', { unique_key: 'it-2', provider: 'unauthenticated' }, `Bearer ${SECRET}`);
    const token = await admin.create(['another']);
    expect((await post(`/auth/unauthenticated/it-2?connect_session_token=${token}`, {})).status).toBe(400);
    expect((await post('/integrations', { unique_key: 'it-3', provider: 'github' }, `Bearer ${SECRET}`)).status).toBe(400);
    await remove('/integrations/it-2');
  });
});

describe('GET /connect/session', () => {
  it('answers a ConnectSession while the session lives, 400 to a query, 404 once deleted, 401 to an unknown token', async () => {
    const token = await admin.create();
    await expect(client.getSession(token)).resolves.toMatchObject({ outcome: 'found', session: { token } });
    await expect(admin.alive(token)).resolves.toBe(true);
    await expect(client.getSession(token, { query: { a: '1' } })).resolves.toMatchObject({ status: 400, body: { error: { code: 'invalid_query_params' } } });
    await admin.remove(token, true);
    await expect(client.getSession(token)).resolves.toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    await expect(admin.alive(token)).resolves.toBe(false);
    await expect(client.getSession(`nango_connect_session_${'0'.repeat(64)}`)).resolves.toMatchObject({ status: 401, body: { error: { code: 'unknown_connect_session_token' } } });
  });
});

describe('DELETE /connect/session', () => {
  it('deletes the session of the token with 204, then answers 404 for it', async () => {
    const token = await admin.create();
    await expect(client.deleteSession(token)).resolves.toEqual({ outcome: 'deleted' });
    await expect(client.deleteSession(token)).resolves.toMatchObject({ outcome: 'api-error', status: 404, body: { error: { code: 'not_found' } } });
  });

  it.each([
    ['no Authorization header', undefined, 'missing_auth_header'],
    ['a token in the wrong format', 'not-a-token', 'invalid_connect_session_token_format'],
    ['a well-formed token of no session', `nango_connect_session_${'0'.repeat(64)}`, 'unknown_connect_session_token'],
  ])('answers 401 to %s', async (_what, token, code) => {
    await expect(client.deleteSession(token)).resolves.toMatchObject({ outcome: 'api-error', status: 401, body: { error: { code, message: expect.any(String) } } });
  });

  it('answers 401 malformed_auth_header to a header that is not a bearer credential', async () => {
    const response = await fetch(`${url}/connect/session`, { method: 'DELETE', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toMatchObject({ error: { code: 'malformed_auth_header' } });
  });

  it('checks auth before the query and the body', async () => {
    await expect(client.deleteSession(undefined, { query: { unexpected: '1' }, body: { a: 1 } })).resolves.toMatchObject({ status: 401 });
  });

  it('answers 400 to a query or a body, and keeps the session', async () => {
    const token = await admin.create();
    await expect(client.deleteSession(token, { query: { unexpected: 'true' } })).resolves.toEqual({
      outcome: 'api-error',
      status: 400,
      body: { error: { code: 'invalid_query_params', errors: [{ code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'unexpected'", path: [] }] } },
    });
    await expect(client.deleteSession(token, { body: { unexpected: true } })).resolves.toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    await expect(client.deleteSession(token)).resolves.toEqual({ outcome: 'deleted' });
  });

  it('answers a method the route does not serve 405 with Allow, OPTIONS with Allow, and HEAD as it answers GET (RFC 9110)', async () => {
    const token = await admin.create();
    const send = (method: string) => fetch(`${url}/connect/session`, { method, headers: { authorization: `Bearer ${token}` } });
    for (const method of ['PUT', 'POST', 'PATCH']) {
      const refused = await send(method);
      expect([method, refused.status, refused.headers.get('allow')]).toEqual([method, 405, 'DELETE, GET, HEAD, OPTIONS']);
      expect(await refused.json()).toEqual({ error: { code: 'method_not_allowed', message: `${method} is not allowed on /connect/session` } });
    }
    const options = await send('OPTIONS');
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'DELETE, GET, HEAD, OPTIONS']);
    const head = await send('HEAD');
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'application/json; charset=utf-8', '']);
    // None of them deleted the session.
    await expect(admin.alive(token)).resolves.toBe(true);
    await admin.remove(token, true);
  });

  it('keeps count of live sessions, for clean-up checks', async () => {
    const before = provider.liveSessionCount();
    const token = await admin.create();
    expect(provider.liveSessionCount()).toBe(before + 1);
    await admin.remove(token, true);
    expect(provider.liveSessionCount()).toBe(before);
  });
});

describe('the connection and integration operations, routed from their tables and judged by the spec', () => {
  const call = (method: string, path: string, authorization: string | null = `Bearer ${SECRET}`) => provider.respond({ method, url: path, headers: authorization === null ? {} : { authorization }, body: '' });
  const json = (answer: { body: string | undefined }): unknown => JSON.parse(answer.body ?? 'null');

  it('answers GET /connection/{connectionId} with a ConnectionFull the spec accepts, 404 as {message} for none, 424 once its refresh is exhausted', async () => {
    await client.call({ method: 'post', path: '/integrations' }, { credential: SECRET, body: { unique_key: 'it-get', provider: 'unauthenticated' } });
    const token = await admin.create(['it-get']);
    const connectionId = await admin.connect('it-get', token);
    const found = await client.call({ method: 'get', path: '/connection/{connectionId}' }, { credential: SECRET, pathParams: { connectionId }, query: { provider_config_key: 'it-get' } });
    expect(found).toMatchObject({ status: 200, body: { connection_id: connectionId, provider_config_key: 'it-get', provider: 'unauthenticated', credentials: {} } });
    await expect(client.call({ method: 'get', path: '/connection/{connectionId}' }, { credential: SECRET, pathParams: { connectionId: 'none' }, query: { provider_config_key: 'it-get' } })).resolves.toEqual({ status: 404, body: { message: expect.any(String) } });
    await admin.exhaustRefresh(connectionId, 'it-get');
    await expect(client.call({ method: 'get', path: '/connection/{connectionId}' }, { credential: SECRET, pathParams: { connectionId }, query: { provider_config_key: 'it-get' } })).resolves.toMatchObject({ status: 424, body: { error: { code: 'connection_refresh_exhausted' } } });
    await expect(admin.removeIntegration('it-get', true)).resolves.toBe(true);
  });

  it("checks the query against the operation's parameters in the spec: a required one missing, an undocumented one, a value of the wrong type", () => {
    expect([call('GET', '/connection/c-1').status, json(call('GET', '/connection/c-1'))]).toEqual([400, { message: 'invalid_query_params' }]);
    expect(call('GET', '/connection/c-1?provider_config_key=k&unexpected=1').status).toBe(400);
    expect(call('GET', '/connection/c-1?provider_config_key=k&force_refresh=maybe').status).toBe(400);
    // Documented and well typed: the query passes, and the connection is simply unknown.
    expect(call('GET', '/connection/c-1?provider_config_key=k&force_refresh=true&refresh_token=false').status).toBe(404);
    // Auth first, as Nango checks it.
    expect(call('GET', '/connection/c-1?unexpected=1', null).status).toBe(401);
  });

  it('refuses POST /integrations bodies the spec refuses, and answers DELETE /integrations/{uniqueKey} 404 for none', () => {
    const post = (body: unknown) => provider.respond({ method: 'POST', url: '/integrations', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(json(post({ unique_key: 'only-a-key' }))).toMatchObject({ error: { code: 'invalid_body', errors: [{ message: "request body: (root) must have required property 'provider'" }] } });
    expect(post({ unique_key: 'it-x', provider: 'unauthenticated', forward_webhooks: 'yes' }).status).toBe(400);
    expect([call('DELETE', '/integrations/none').status, json(call('DELETE', '/integrations/none'))]).toEqual([404, { error: { code: 'not_found', message: expect.any(String) } }]);
  });

  it('answers a method no table has on their paths 405 with the methods they serve', () => {
    expect(call('PUT', '/connection/c-1')).toMatchObject({ status: 405, headers: { allow: 'DELETE, GET, HEAD, OPTIONS' } });
    expect(call('PATCH', '/integrations/it-x')).toMatchObject({ status: 405, headers: { allow: 'DELETE, OPTIONS' } });
    expect(call('GET', '/integrations')).toMatchObject({ status: 405, headers: { allow: 'OPTIONS, POST' } });
  });
});

describe('the embedded reference provider', () => {
  it('listens on the port it is given, 0 meaning any free one, and says which', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('refuses an empty secret key', async () => {
    await expect(startReferenceProvider({ secretKey: '' })).rejects.toThrow('the reference provider needs a non-empty secret key');
  });
});
