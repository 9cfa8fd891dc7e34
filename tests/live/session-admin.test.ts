/**
 * The session admin: how the suite creates and deletes what its provider states need over HTTP, and how it reads
 * what a provider answers. Each rule against a loopback provider that answers as a test scripts it (the reference
 * provider's answer unless told otherwise, tests/support/controllableProvider.ts): what is created, what counts as
 * gone, what is sent again, and which failures are the user's key, the provider's fault, or a creation in doubt.
 * The secret key never shows.
 */
import { ProviderUnreachableError, RequestTimeoutError } from '../../contracts/client/errors';
import { RateLimitBudget, RateLimitedError } from '../../contracts/live/rateLimit';
import {
  AmbiguousCreationError,
  ProviderFaultError,
  SessionAdmin,
  SessionSetupError,
} from '../../contracts/live/sessionAdmin';
import { startControllableProvider, type ControllableProvider, type Fault } from '../support/controllableProvider';
import { refusedUrl, type RecordedRequest } from '../support/scriptedServer';

const SECRET = 'admin-test-secret-key';
const END_USER = 'contract-tests-4567cdef';
const TOKEN = `nango_connect_session_${'a'.repeat(64)}`;

let provider: ControllableProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

/** The provider of the test under way: the reference provider, saying it is one, answering as the test scripts. */
function current(): ControllableProvider {
  if (!provider) throw new Error('no provider: start one with adminOn()');
  return provider;
}

async function adminOn(
  scripted: (request: RecordedRequest) => Fault = () => undefined,
  timeoutMs = 5_000,
): Promise<SessionAdmin> {
  // One provider at a time: a test that starts another closes the one before.
  await provider?.close();
  provider = await startControllableProvider(SECRET, { identifiesAsReference: true });
  provider.script = scripted;
  return new SessionAdmin(provider.url, SECRET, timeoutMs, new RateLimitBudget(0), END_USER);
}

const requests = (method: string, prefix: string): RecordedRequest[] =>
  (provider?.requests ?? []).filter((request) => request.method === method && request.url.startsWith(prefix));
const stdError = (status: number, code: string): Fault => ({ status, body: { error: { code, message: code } } });
const isCreation = (request: RecordedRequest) => request.method === 'POST' && request.url === '/connect/sessions';
const isSessionDelete = (request: RecordedRequest) => request.method === 'DELETE' && request.url === '/connect/session';

/** The message of what `promise` rejects with, checked to name no secret. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection');
  expect(error.message).not.toContain(SECRET);
  return error;
}

describe('creating a session', () => {
  it('asks for the run’s end user, with the secret key, and returns the token of the answer', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    expect(current().reference.issuedTokens()).toEqual([token]);
    const [creation] = requests('POST', '/connect/sessions');
    expect(JSON.parse(creation?.body ?? '')).toEqual({ end_user: { id: END_USER } });
    expect(creation?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('asks for only the integrations given', async () => {
    const admin = await adminOn();
    await admin.create(['one', 'two']);
    expect(JSON.parse(requests('POST', '/connect/sessions')[0]?.body ?? '')).toEqual({
      end_user: { id: END_USER },
      allowed_integrations: ['one', 'two'],
    });
  });

  it('takes the token from any 2xx that holds one, conforming or not: a session a drifting provider made is never lost', async () => {
    const admin = await adminOn((request) =>
      isCreation(request) ? { status: 200, body: { data: { token: TOKEN, extra: true } } } : undefined,
    );
    expect(await admin.create()).toBe(TOKEN);
  });

  it('refuses a 2xx without a connect session token in data.token', async () => {
    const admin = await adminOn((request) =>
      isCreation(request) ? { status: 201, body: { data: { token: 'not-a-session-token' } } } : undefined,
    );
    const error = await failureOf(admin.create());
    expect(error).toBeInstanceOf(SessionSetupError);
    expect(error.message).toMatch(
      /^POST \/connect\/sessions on \S+ answered 201 without a connect session token in data\.token$/,
    );
  });

  it('says the provider refused the key when the first creation is answered 401, with the error code', async () => {
    const admin = await adminOn((request) => (isCreation(request) ? stdError(401, 'unknown_account') : undefined));
    const error = await failureOf(admin.create());
    expect(error).not.toBeInstanceOf(ProviderFaultError);
    expect(error.message).toMatch(
      /^the provider at \S+ refused NANGO_SECRET_KEY: POST \/connect\/sessions answered 401 \(unknown_account\)$/,
    );
  });

  it('says the same of a 403', async () => {
    const admin = await adminOn((request) =>
      isCreation(request) ? { status: 403, body: 'forbidden', bare: true } : undefined,
    );
    expect((await failureOf(admin.create())).message).toMatch(
      /refused NANGO_SECRET_KEY: POST \/connect\/sessions answered 403$/,
    );
  });

  it('calls a 401 or 403 after the key was accepted a provider fault, not the key', async () => {
    let refusing = false;
    const admin = await adminOn((request) =>
      isCreation(request) && refusing ? stdError(401, 'malformed_auth_header') : undefined,
    );
    await admin.create();
    refusing = true;
    const error = await failureOf(admin.create());
    expect(error).toBeInstanceOf(ProviderFaultError);
    expect(error.message).toBe(
      'POST /connect/sessions answered 401 (malformed_auth_header) to the NANGO_SECRET_KEY it accepted earlier in this run: the provider failed, not the key',
    );
  });

  it('calls a 5xx a provider fault once the key was accepted, and a set-up failure before', async () => {
    let failing = true;
    const admin = await adminOn((request) =>
      isCreation(request) && failing ? stdError(500, 'server_error') : undefined,
    );
    const before = await failureOf(admin.create());
    expect(before).not.toBeInstanceOf(ProviderFaultError);
    expect(before.message).toMatch(/^POST \/connect\/sessions on \S+ answered 500 \(server_error\), expected 201$/);
    failing = false;
    await admin.create();
    failing = true;
    const after = await failureOf(admin.create());
    expect(after).toBeInstanceOf(ProviderFaultError);
    expect(after.message).toMatch(/^POST \/connect\/sessions on \S+ answered 500 \(server_error\)$/);
  });

  it('refuses any other status, naming what it expected', async () => {
    const admin = await adminOn((request) => (isCreation(request) ? stdError(400, 'invalid_body') : undefined));
    expect((await failureOf(admin.create())).message).toMatch(/answered 400 \(invalid_body\), expected 201$/);
  });

  it('says a creation whose connection dropped may have created a session, and does not send it again', async () => {
    const admin = await adminOn((request) => (isCreation(request) ? 'drop' : undefined));
    const error = await failureOf(admin.create());
    expect(error).toBeInstanceOf(AmbiguousCreationError);
    expect((error as AmbiguousCreationError).settledByName).toBe(false);
    expect(error.message).toMatch(
      /; the request may still have created a session for end user contract-tests-4567cdef, so it was not sent again$/,
    );
    expect(requests('POST', '/connect/sessions')).toHaveLength(1);
  });

  it('says an unreachable provider is unreachable before it ever answered, and a fault after', async () => {
    const admin = new SessionAdmin(await refusedUrl(), SECRET, 5_000, new RateLimitBudget(0), END_USER);
    const error = await failureOf(admin.create());
    expect(error).toBeInstanceOf(ProviderUnreachableError);
    expect(error).not.toBeInstanceOf(AmbiguousCreationError);

    const accepted = await adminOn();
    await accepted.create();
    await provider?.close();
    provider = undefined;
    const after = await failureOf(accepted.create());
    expect(after).toBeInstanceOf(ProviderFaultError);
    expect(after.message).toMatch(/^the provider at \S+ stopped answering: /);
  });

  it('knows a reference provider by its header, and Nango by its absence', async () => {
    const admin = await adminOn();
    expect(admin.isReferenceProvider).toBe(false);
    await admin.create();
    expect(admin.isReferenceProvider).toBe(true);
    const nango = await adminOn((request) =>
      isCreation(request) ? { status: 201, body: { data: { token: TOKEN } } } : undefined,
    );
    await nango.create();
    expect(nango.isReferenceProvider).toBe(false);
  });
});

describe('telling whether a session lives', () => {
  it('is true on 200, false on 401 or 404, and a set-up failure on anything else', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    expect(await admin.alive(token)).toBe(true);
    expect(await admin.alive(TOKEN)).toBe(false);
    current().script = (request) => (request.method === 'GET' ? stdError(404, 'not_found') : undefined);
    expect(await admin.alive(token)).toBe(false);
    current().script = (request) => (request.method === 'GET' ? stdError(500, 'server_error') : undefined);
    const error = await failureOf(admin.alive(token));
    expect(error.message).toMatch(/^GET \/connect\/session on \S+ answered 500 \(server_error\)$/);
  });
});

describe('deleting a session', () => {
  it('is true when the provider deleted it (any 2xx), with the session’s own token', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    expect(await admin.remove(token, false)).toBe(true);
    expect(current().reference.liveSessionCount()).toBe(0);
    expect(requests('DELETE', '/connect/session')[0]?.headers.authorization).toBe(`Bearer ${token}`);
    current().script = (request) => (isSessionDelete(request) ? { status: 200, body: {} } : undefined);
    expect(await admin.remove(await admin.create(), true)).toBe(true);
  });

  it('is false when it was gone already (401, 404, or the 400 a racing DELETE gets) and its GET agrees', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    await admin.remove(token, false);
    expect(await admin.remove(token, false)).toBe(false);
    for (const status of [400, 404]) {
      current().script = (request) =>
        isSessionDelete(request)
          ? stdError(status, 'server_error')
          : request.method === 'GET'
            ? stdError(401, 'unknown_connect_session_token')
            : undefined;
      expect(await admin.remove(token, true)).toBe(false);
    }
  });

  it('fails when the provider refuses the DELETE of a session its GET still shows', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    current().script = (request) => (isSessionDelete(request) ? stdError(400, 'invalid_query_params') : undefined);
    const error = await failureOf(admin.remove(token, true));
    expect(error).toBeInstanceOf(SessionSetupError);
    expect(error).not.toBeInstanceOf(ProviderFaultError);
    expect(error.message).toMatch(/^DELETE \/connect\/session on \S+ answered 400 \(invalid_query_params\)$/);
  });

  it('sends it again after a 502, 503 or 504, three times in all', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    let failures = 2;
    current().script = (request) =>
      isSessionDelete(request) && failures-- > 0 ? stdError(503, 'unavailable') : undefined;
    expect(await admin.remove(token, true)).toBe(true);
    expect(requests('DELETE', '/connect/session')).toHaveLength(3);
    const another = await admin.create();
    current().script = (request) => (isSessionDelete(request) ? stdError(502, 'bad_gateway') : undefined);
    const error = await failureOf(admin.remove(another, true));
    expect(error).toBeInstanceOf(ProviderFaultError);
    expect(requests('DELETE', '/connect/session')).toHaveLength(6);
  });

  it('sends it again after a dropped connection', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    let drops = 1;
    current().script = (request) => (isSessionDelete(request) && drops-- > 0 ? 'drop' : undefined);
    expect(await admin.remove(token, true)).toBe(true);
    expect(requests('DELETE', '/connect/session')).toHaveLength(2);
  });

  it('asks the session’s GET after a 500: gone is false, still there is a provider fault', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    current().script = (request) => {
      if (!isSessionDelete(request)) return undefined;
      current().reference.respond(request);
      return stdError(500, 'server_error');
    };
    expect(await admin.remove(token, true)).toBe(false);
    expect(current().reference.liveSessionCount()).toBe(0);
    const kept = await admin.create();
    current().script = (request) => (isSessionDelete(request) ? stdError(500, 'server_error') : undefined);
    const error = await failureOf(admin.remove(kept, true));
    expect(error).toBeInstanceOf(ProviderFaultError);
    expect(error.message).toMatch(/^DELETE \/connect\/session on \S+ answered 500 \(server_error\)$/);
  });

  it('sends a DELETE twice at most once hurried', async () => {
    const admin = await adminOn();
    const token = await admin.create();
    admin.hurry();
    current().script = (request) => (isSessionDelete(request) ? stdError(503, 'unavailable') : undefined);
    await failureOf(admin.remove(token, true));
    expect(requests('DELETE', '/connect/session')).toHaveLength(2);
  });
});

describe('integrations and connections', () => {
  it('creates an integration of the unauthenticated provider under the key, with the secret key', async () => {
    const admin = await adminOn();
    await admin.createIntegration('run-key-1');
    expect(current().reference.resourceCounts().integrations).toBe(1);
    const [creation] = requests('POST', '/integrations');
    expect(JSON.parse(creation?.body ?? '')).toEqual({
      unique_key: 'run-key-1',
      provider: 'unauthenticated',
      display_name: 'run-key-1',
    });
    expect(creation?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('refuses an integration the provider would not create, naming the status', async () => {
    const admin = await adminOn((request) =>
      request.url === '/integrations' ? stdError(409, 'duplicate') : undefined,
    );
    expect((await failureOf(admin.createIntegration('run-key-1'))).message).toMatch(
      /^POST \/integrations on \S+ answered 409 \(duplicate\), expected 200$/,
    );
  });

  it('says an integration whose answer was lost may exist, and can be settled by its name', async () => {
    const admin = await adminOn((request) => (request.url === '/integrations' ? 'drop' : undefined));
    const error = await failureOf(admin.createIntegration('run-key-1'));
    expect(error).toBeInstanceOf(AmbiguousCreationError);
    expect((error as AmbiguousCreationError).settledByName).toBe(true);
    expect(error.message).toMatch(/may still have created an integration run-key-1, so it was not sent again$/);
  });

  it('makes a connection through the session’s token alone, and returns its id', async () => {
    const admin = await adminOn();
    await admin.createIntegration('run-key-1');
    const token = await admin.create(['run-key-1']);
    const id = await admin.connect('run-key-1', token);
    expect(id).not.toBe('');
    const [connecting] = requests('POST', '/auth/unauthenticated/');
    expect(connecting?.url).toBe(`/auth/unauthenticated/run-key-1?connect_session_token=${token}`);
    expect(connecting?.headers.authorization).toBeUndefined();
    expect(current().reference.resourceCounts().connections).toBe(1);
  });

  it('refuses a connection answer without a connectionId, or not a 2xx', async () => {
    const admin = await adminOn((request) =>
      request.url.startsWith('/auth/') ? { status: 200, body: { connectionId: '' } } : undefined,
    );
    expect((await failureOf(admin.connect('key', TOKEN))).message).toMatch(
      /^POST \/auth\/unauthenticated\/key on \S+ answered 200 without a connectionId$/,
    );
    current().script = (request) =>
      request.url.startsWith('/auth/')
        ? { status: 400, body: { connectionId: 'c1', error: { code: 'invalid_body' } } }
        : undefined;
    expect((await failureOf(admin.connect('key', TOKEN))).message).toMatch(
      /answered 400 \(invalid_body\) without a connectionId$/,
    );
    current().script = (request) =>
      request.url.startsWith('/auth/') ? { status: 200, body: 'not json', bare: true } : undefined;
    expect((await failureOf(admin.connect('key', TOKEN))).message).toMatch(/answered 200 without a connectionId$/);
  });

  it('deletes a connection of its integration, and an integration: true when deleted, false when there was none', async () => {
    const admin = await adminOn();
    await admin.createIntegration('run-key-1');
    const id = await admin.connect('run-key-1', await admin.create(['run-key-1']));
    expect(await admin.removeConnection(id, 'run-key-1', true)).toBe(true);
    expect(requests('DELETE', '/connection/')[0]?.url).toBe(
      `/connection/${encodeURIComponent(id)}?provider_config_key=run-key-1`,
    );
    expect(requests('DELETE', '/connection/')[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(await admin.removeConnection(id, 'run-key-1', true)).toBe(false);
    expect(await admin.removeIntegration('run-key-1', false)).toBe(true);
    expect(await admin.removeIntegration('run-key-1', false)).toBe(false);
    expect(current().reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
  });

  it('sends a deletion again after a 503 or a dropped connection; a 500 is a fault, a 400 a refusal', async () => {
    const admin = await adminOn();
    await admin.createIntegration('run-key-1');
    let failures = 2;
    current().script = (request) =>
      request.method === 'DELETE' && failures-- > 0
        ? failures === 1
          ? stdError(503, 'unavailable')
          : 'drop'
        : undefined;
    expect(await admin.removeIntegration('run-key-1', true)).toBe(true);
    expect(requests('DELETE', '/integrations/')).toHaveLength(3);
    current().script = (request) => (request.method === 'DELETE' ? stdError(500, 'server_error') : undefined);
    const fault = await failureOf(admin.removeIntegration('run-key-2', true));
    expect(fault).toBeInstanceOf(ProviderFaultError);
    expect(fault.message).toMatch(/^DELETE \/integrations\/run-key-2 on \S+ answered 500 \(server_error\)$/);
    current().script = (request) => (request.method === 'DELETE' ? stdError(400, 'invalid_query_params') : undefined);
    const refusal = await failureOf(admin.removeConnection('c1', 'run-key-2', true));
    expect(refusal).not.toBeInstanceOf(ProviderFaultError);
    expect(refusal.message).toMatch(/^DELETE \/connection\/c1 on \S+ answered 400 \(invalid_query_params\)$/);
  });

  it('calls a 401 or 403 to the key it accepted a provider fault on a deletion, never gone; before any acceptance, a refusal', async () => {
    const admin = await adminOn((request) =>
      request.method === 'DELETE' ? stdError(401, 'unknown_account') : undefined,
    );
    expect(await failureOf(admin.removeIntegration('run-key-1', true))).not.toBeInstanceOf(ProviderFaultError);
    current().script = () => undefined;
    await admin.create();
    current().script = (request) =>
      request.method === 'DELETE'
        ? stdError(request.url.startsWith('/connection/') ? 403 : 401, 'unknown_account')
        : undefined;
    const fault = await failureOf(admin.removeIntegration('run-key-1', true));
    expect(fault).toBeInstanceOf(ProviderFaultError);
    expect(fault.message).toMatch(/^DELETE \/integrations\/run-key-1 on \S+ answered 401 \(unknown_account\)$/);
    expect(await failureOf(admin.removeConnection('c1', 'run-key-1', true))).toBeInstanceOf(ProviderFaultError);
    expect(admin.hasFaulted).toBe(true);
  });

  it('tells the provider answers normally by a DELETE of an integration the run never makes: 404 yes, 401 or no answer no', async () => {
    const admin = await adminOn();
    expect(await admin.answersNormally()).toBe(true);
    expect(requests('DELETE', '/integrations/')[0]?.url).toBe(`/integrations/${END_USER}-probe`);
    expect(admin.hasFaulted).toBe(false);
    current().script = (request) => (request.method === 'DELETE' ? stdError(401, 'unknown_account') : undefined);
    expect(await admin.answersNormally()).toBe(false);
    current().script = (request) => (request.method === 'DELETE' ? 'drop' : undefined);
    expect(await admin.answersNormally()).toBe(false);
    expect(admin.hasFaulted).toBe(true);
    expect(current().reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
  });

  it('gives up on a deletion after three 503s', async () => {
    const admin = await adminOn((request) => (request.method === 'DELETE' ? stdError(503, 'unavailable') : undefined));
    expect(await failureOf(admin.removeIntegration('k', true))).toBeInstanceOf(ProviderFaultError);
    expect(requests('DELETE', '/integrations/')).toHaveLength(3);
  });
});

describe('what the admin’s errors are called', () => {
  it('names each kind of failure by its class', () => {
    const timeout = new RequestTimeoutError('http://127.0.0.1:9/x', 10);
    expect([
      new SessionSetupError('x').name,
      new ProviderFaultError('x').name,
      new AmbiguousCreationError(timeout, 'a session').name,
    ]).toEqual(['SessionSetupError', 'ProviderFaultError', 'AmbiguousCreationError']);
  });
});

describe('answers no rule expects', () => {
  const multipleChoices: Fault = { status: 300, body: { error: { code: 'multiple_choices' } } };

  it('takes a 300 for no creation, connection or deletion', async () => {
    const admin = await adminOn(() => multipleChoices);
    expect((await failureOf(admin.create())).message).toMatch(/answered 300 \(multiple_choices\), expected 201$/);
    expect((await failureOf(admin.createIntegration('k'))).message).toMatch(
      /answered 300 \(multiple_choices\), expected 200$/,
    );
    expect((await failureOf(admin.connect('k', TOKEN))).message).toMatch(
      /answered 300 \(multiple_choices\) without a connectionId$/,
    );
    expect((await failureOf(admin.remove(TOKEN, true))).message).toMatch(
      /^DELETE \/connect\/session on \S+ answered 300 \(multiple_choices\)$/,
    );
    expect((await failureOf(admin.removeIntegration('k', true))).message).toMatch(
      /^DELETE \/integrations\/k on \S+ answered 300 \(multiple_choices\)$/,
    );
  });

  it('refuses a creation answered with a body that is not JSON', async () => {
    const admin = await adminOn((request) =>
      isCreation(request) ? { status: 201, body: '<html>created</html>', bare: true } : undefined,
    );
    expect((await failureOf(admin.create())).message).toMatch(
      /answered 201 without a connect session token in data\.token$/,
    );
    current().script = (request) =>
      request.url.startsWith('/auth/') ? { status: 200, body: 'connected', bare: true } : undefined;
    expect((await failureOf(admin.connect('k', TOKEN))).message).toMatch(/answered 200 without a connectionId$/);
  });

  it('calls a 403 after the key was accepted a provider fault too', async () => {
    let refusing = false;
    const admin = await adminOn((request) => (isCreation(request) && refusing ? { status: 403, body: {} } : undefined));
    await admin.create();
    refusing = true;
    expect(await failureOf(admin.create())).toBeInstanceOf(ProviderFaultError);
  });

  it('does not take a DELETE refused with another 4xx for gone, whatever GET says', async () => {
    const admin = await adminOn((request) =>
      isSessionDelete(request)
        ? stdError(409, 'conflict')
        : request.method === 'GET'
          ? stdError(401, 'unknown_connect_session_token')
          : undefined,
    );
    const error = await failureOf(admin.remove(TOKEN, true));
    expect(error).not.toBeInstanceOf(ProviderFaultError);
    expect(error.message).toMatch(/^DELETE \/connect\/session on \S+ answered 409 \(conflict\)$/);
  });

  it('takes a session whose DELETE got a 500 and whose GET fails too for still there: a provider fault', async () => {
    const admin = await adminOn((request) =>
      request.url.startsWith('/connect/session') && request.method !== 'POST'
        ? stdError(500, 'server_error')
        : undefined,
    );
    expect(await failureOf(admin.remove(TOKEN, true))).toBeInstanceOf(ProviderFaultError);
  });
});

describe('a provider that drops every connection', () => {
  it('gets a session’s DELETE three times, then the failure', async () => {
    const admin = await adminOn((request) => (isSessionDelete(request) ? 'drop' : undefined));
    expect(await failureOf(admin.remove(TOKEN, true))).toBeInstanceOf(ProviderUnreachableError);
    expect(requests('DELETE', '/connect/session')).toHaveLength(3);
  });

  it('gets an integration’s DELETE three times, then the failure', async () => {
    const admin = await adminOn((request) => (request.method === 'DELETE' ? 'drop' : undefined));
    expect(await failureOf(admin.removeIntegration('k', true))).toBeInstanceOf(ProviderUnreachableError);
    expect(requests('DELETE', '/integrations/')).toHaveLength(3);
  });

  it('says a connection whose answer was lost may have been made', async () => {
    const admin = await adminOn((request) => (request.url.startsWith('/auth/') ? 'drop' : undefined));
    expect((await failureOf(admin.connect('run-key-1', TOKEN))).message).toMatch(
      /may still have created a connection to run-key-1, so it was not sent again$/,
    );
  });

  it('calls an integration refused a connection unreachable, not in doubt: nothing went out', async () => {
    const admin = new SessionAdmin(await refusedUrl(), SECRET, 5_000, new RateLimitBudget(0), END_USER);
    const error = await failureOf(admin.createIntegration('k'));
    expect(error).toBeInstanceOf(ProviderUnreachableError);
    expect(error).not.toBeInstanceOf(AmbiguousCreationError);
  });
});

describe('requests as the admin sends them', () => {
  it('sends JSON with the secret key to create an integration, and asks for JSON when it deletes one', async () => {
    const admin = await adminOn();
    await admin.createIntegration('run-key-1');
    await admin.removeIntegration('run-key-1', true);
    const [creation] = requests('POST', '/integrations');
    expect([creation?.headers['content-type'], creation?.headers.accept]).toEqual([
      'application/json',
      'application/json',
    ]);
    expect(requests('DELETE', '/integrations/')[0]?.headers.accept).toBe('application/json');
  });

  it('bounds each request by 2 s once hurried, whatever the run’s timeout', async () => {
    // A server that never answers: the hurried bound is what ends the wait.
    const admin = await adminOn(() => 'withhold', 30_000);
    admin.hurry();
    const error = await failureOf(admin.remove(TOKEN, true));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).timeoutMs).toBe(2_000);
  });
});

describe('rate limits on what the admin sends', () => {
  const limitedOnce = (matches: (request: RecordedRequest) => boolean) => {
    let limited = false;
    return (request: RecordedRequest): Fault => {
      if (!matches(request) || limited) return undefined;
      limited = true;
      return {
        status: 429,
        body: { error: { code: 'too_many_request' } },
        headers: { 'retry-after': '1' },
        bare: true,
      };
    };
  };

  it('name the request that was limited past the run’s budget', async () => {
    const admin = await adminOn(limitedOnce((request) => request.url === '/integrations'));
    const error = await failureOf(admin.createIntegration('k'));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.message).toMatch(/^POST \/integrations was rate limited \(429\)/);
    current().script = limitedOnce((request) => request.url.startsWith('/auth/'));
    expect((await failureOf(admin.connect('run-key-1', TOKEN))).message).toMatch(
      /^POST \/auth\/unauthenticated\/run-key-1 was rate limited \(429\)/,
    );
  });

  it('are waited out past the run’s budget when a session is deleted in clean-up, not in the run', async () => {
    const admin = await adminOn();
    const first = await admin.create();
    const second = await admin.create();
    current().script = limitedOnce(isSessionDelete);
    await expect(admin.remove(first, false)).rejects.toBeInstanceOf(RateLimitedError);
    current().script = limitedOnce(isSessionDelete);
    expect(await admin.remove(second, true)).toBe(true);
    expect(current().reference.liveSessionCount()).toBe(1);
  });

  it('are waited out past the run’s budget by clean-up only', async () => {
    const admin = await adminOn();
    await admin.createIntegration('run-key-1');
    await admin.createIntegration('run-key-2');
    current().script = limitedOnce((request) => request.method === 'DELETE');
    await expect(admin.removeIntegration('run-key-1', false)).rejects.toBeInstanceOf(RateLimitedError);
    current().script = limitedOnce((request) => request.method === 'DELETE');
    expect(await admin.removeIntegration('run-key-2', true)).toBe(true);
  });
});

describe('calls at once', () => {
  it('read each its own answer: a DELETE whose connection drops is sent again while another DELETE is answered', async () => {
    const admin = await adminOn();
    const first = await admin.create();
    const second = await admin.create();
    let holding = true;
    current().script = (request) => {
      if (!isSessionDelete(request) || request.headers.authorization !== `Bearer ${first}` || !holding)
        return undefined;
      holding = false;
      return 'withhold';
    };
    const removingFirst = admin.remove(first, true);
    // The second session's DELETE is answered 204 while the first's is still out; then the first's connection drops.
    expect(await admin.remove(second, true)).toBe(true);
    current().withheld.shift()?.socket?.destroy();
    expect(await removingFirst).toBe(true);
    expect(current().reference.liveSessionCount()).toBe(0);
    expect(
      requests('DELETE', '/connect/session').filter((request) => request.headers.authorization === `Bearer ${first}`),
    ).toHaveLength(2);
  });
});
