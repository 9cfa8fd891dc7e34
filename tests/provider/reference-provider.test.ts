/**
 * The embedded reference provider behaves as Nango documents and implements the two routes: sessions are
 * created with the secret key, deleted with their own token; auth runs before the query and body checks; a
 * deleted session's token answers 404; other methods get 405 with Allow. Every DELETE answer goes through the typed client, which checks it
 * against the spec.
 */
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { startReferenceProvider, type ReferenceProvider } from '../../contracts/provider/referenceProvider';
import { isConnectSessionToken } from '../../contracts/sessionToken';
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

const createSession = (authorization: string | undefined, body: unknown) =>
  fetch(`${url}/connect/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify(body),
  });

describe('POST /connect/sessions', () => {
  it('creates a session for an end user with the secret key', async () => {
    const response = await createSession(`Bearer ${SECRET}`, { end_user: { id: 'user-1' } });
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as { data: { token: string; connect_link: string; expires_at: string } };
    expect(isConnectSessionToken(data.token)).toBe(true);
    expect(data.connect_link).toContain(data.token);
    expect(Date.parse(data.expires_at)).toBeGreaterThan(Date.now());
  });

  it('refuses a missing or wrong secret key, and a body without end_user.id', async () => {
    await expect((await createSession(undefined, { end_user: { id: 'u' } })).json()).resolves.toMatchObject({ error: { code: 'missing_auth_header' } });
    const wrongKey = await createSession('Bearer not-the-key', { end_user: { id: 'u' } });
    expect(wrongKey.status).toBe(401);
    await expect(wrongKey.json()).resolves.toMatchObject({ error: { code: 'unknown_account' } });
    const noUser = await createSession(`Bearer ${SECRET}`, { end_user: {} });
    expect(noUser.status).toBe(400);
    await expect(noUser.json()).resolves.toMatchObject({ error: { code: 'invalid_body', errors: [{ path: ['end_user', 'id'] }] } });
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

  it("answers GET /connect/session with the session's details while it lives, as Nango does", async () => {
    const token = await admin.create();
    const get = (authorization: string) => fetch(`${url}/connect/session`, { headers: { authorization } });
    const alive = await get(`Bearer ${token}`);
    expect(alive.status).toBe(200);
    expect(await alive.json()).toMatchObject({ data: { end_user: { id: 'contract-tests-reference' }, expires_at: expect.any(String) } });
    await expect(admin.alive(token)).resolves.toBe(true);
    await admin.remove(token, true);
    expect((await get(`Bearer ${token}`)).status).toBe(404);
    await expect(admin.alive(token)).resolves.toBe(false);
    expect((await get(`Bearer nango_connect_session_${'0'.repeat(64)}`)).status).toBe(401);
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

describe('the embedded reference provider', () => {
  it('listens on the port it is given, 0 meaning any free one, and says which', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('refuses an empty secret key', async () => {
    await expect(startReferenceProvider({ secretKey: '' })).rejects.toThrow('the reference provider needs a non-empty secret key');
  });
});
