/**
 * The adapter between the case tables and Nango's Node SDK (contracts/client/nangoSdk.ts), for each SDK method the
 * suite binds (contracts/cases/sdkBinding.ts), the four its tables do not use yet among them: the SDK, driven with
 * a case's request, requests the binding's route with the arguments the binding maps, sends no header the pact
 * does not record (but its HTTP library's transport headers), and the adapter reads back what its caller reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SDK_ACCEPT,
  SDK_BINDINGS,
  SDK_PACKAGE,
  SDK_USER_AGENT_REGEX,
  TRANSPORT_HEADERS,
  type SdkBinding,
  type SdkMethodName,
} from '../../contracts/cases';
import {
  callerView,
  callSdk,
  expectedCallerView,
  Nango,
  sdkArguments,
  sdkUserAgentExample,
  sdkVersion,
  type SdkRequest,
} from '../../contracts/client/nangoSdk';
import { ROOT } from '../support/runCli';
import {
  refusedUrl,
  sendJson,
  startScriptedServer,
  type RecordedRequest,
  type ScriptedServer,
} from '../support/scriptedServer';

const KEY = 'NANGO_SECRET_KEY';

/** A request of each bound method, as a case would give it. */
const REQUESTS: Readonly<Record<SdkMethodName, SdkRequest>> = {
  createConnectSession: { credential: KEY, body: { end_user: { id: 'user-1' }, allowed_integrations: ['github'] } },
  createReconnectSession: { credential: KEY, body: { connection_id: 'conn-1', integration_id: 'key-1' } },
  getConnection: { credential: KEY, pathParams: { connectionId: 'conn-1' }, query: { provider_config_key: 'key-1' } },
  deleteConnection: {
    credential: KEY,
    pathParams: { connectionId: 'conn-1' },
    query: { provider_config_key: 'key-1' },
  },
  createIntegration: { credential: KEY, body: { unique_key: 'key-1', provider: 'unauthenticated' } },
  deleteIntegration: { credential: KEY, pathParams: { uniqueKey: 'key-1' } },
};

let server: ScriptedServer;
let answer: { status: number; body: unknown } = { status: 200, body: {} };
beforeAll(async () => {
  server = await startScriptedServer((_request, response) =>
    answer.body === undefined
      ? response.writeHead(answer.status).end()
      : sendJson(response, answer.status, answer.body),
  );
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  answer = { status: 200, body: { data: { answered: true } } };
});

/** The one request the SDK made. */
function sent(): RecordedRequest & { path: string; query: Record<string, string> } {
  expect(server.requests).toHaveLength(1);
  const request = server.requests[0] as RecordedRequest;
  const url = new URL(request.url, server.url);
  return { ...request, path: url.pathname, query: Object.fromEntries(url.searchParams) };
}

describe.each(SDK_BINDINGS.map((binding) => [binding.method, binding] as const))(
  'nango.%s',
  (_method, binding: SdkBinding) => {
    const request = REQUESTS[binding.method];

    it("requests the binding's route with the arguments it maps, and the query the SDK adds", async () => {
      await callSdk(binding, server.url, request);
      const { method, path, query, body } = sent();
      const route = binding.route.path.replace(
        /\{(\w+)\}/g,
        (_whole, name: string) => request.pathParams?.[name] ?? `{${name}}`,
      );
      expect({ method, path }).toEqual({ method: binding.route.method.toUpperCase(), path: route });
      expect(query).toEqual({ ...request.query, ...binding.addsQuery });
      expect(body === '' ? undefined : JSON.parse(body)).toEqual(
        binding.args.some((argument) => argument.from === 'body') ? request.body : undefined,
      );
    });

    it('sends only the headers the pact records, besides its transport headers', async () => {
      await callSdk(binding, server.url, request);
      const { headers } = sent();
      const recorded = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !TRANSPORT_HEADERS.includes(name)),
      );
      expect(recorded).toEqual({
        authorization: `Bearer ${KEY}`,
        accept: SDK_ACCEPT,
        'user-agent': expect.stringMatching(new RegExp(SDK_USER_AGENT_REGEX)),
        ...(binding.sendsContentType ? { 'content-type': 'application/json' } : {}),
      });
    });

    it('hands its caller what the binding says it resolves to', async () => {
      const view = callerView(binding, await callSdk(binding, server.url, request));
      const body = { data: { answered: true } };
      expect(view).toEqual({ returned: binding.resolvesTo === 'body' ? body : { status: 200, data: body } });
      expect(view).toEqual(expectedCallerView(binding, 200, body));
    });

    it('hands its caller an empty body as axios reads it', async () => {
      answer = { status: 204, body: undefined };
      const view = callerView(binding, await callSdk(binding, server.url, request));
      expect(view).toEqual({ returned: binding.resolvesTo === 'body' ? '' : { status: 204, data: '' } });
      expect(view).toEqual(expectedCallerView(binding, 204, undefined));
    });

    it("throws axios's error for an error status, with the status and the body a caller reads the code from", async () => {
      answer = { status: 400, body: { error: { code: 'invalid_body' } } };
      const view = callerView(binding, await callSdk(binding, server.url, request));
      expect(view).toEqual({ threw: { isAxiosError: true, status: 400, body: answer.body } });
      expect(view).toEqual(expectedCallerView(binding, 400, { error: { code: 'invalid_body' } }));
    });
  },
);

describe("what a case sends that the SDK's method takes no argument for", () => {
  const create = SDK_BINDINGS.find((binding) => binding.method === 'createConnectSession') as SdkBinding;
  const getConnection = SDK_BINDINGS.find((binding) => binding.method === 'getConnection') as SdkBinding;

  it('adds a query parameter through the SDK request interceptor, keeping the query the SDK sets', async () => {
    await callSdk(create, server.url, { ...REQUESTS.createConnectSession, query: { unexpected: 'true' } });
    expect(sent().query).toEqual({ unexpected: 'true' });
    await callSdk(getConnection, server.url, {
      ...REQUESTS.getConnection,
      query: { provider_config_key: 'key-1', unexpected: 'true' },
    });
    expect(server.requests.map((request) => new URL(request.url, server.url).searchParams.get('unexpected'))).toEqual([
      'true',
      'true',
    ]);
    expect(new URL(server.requests[1]?.url ?? '', server.url).searchParams.get('force_refresh')).toBe('false');
  });

  it('sends a JSON body on a method that sends none, through the same interceptor', async () => {
    const deleteIntegration = SDK_BINDINGS.find((binding) => binding.method === 'deleteIntegration') as SdkBinding;
    await callSdk(deleteIntegration, server.url, { ...REQUESTS.deleteIntegration, body: { unexpected: true } });
    const { method, body, headers } = sent();
    expect({ method, body: JSON.parse(body) as unknown, contentType: headers['content-type'] }).toEqual({
      method: 'DELETE',
      body: { unexpected: true },
      contentType: 'application/json',
    });
  });

  it('sends no Authorization header for a case that has no credential', async () => {
    await callSdk(create, server.url, { ...REQUESTS.createConnectSession, credential: undefined });
    expect(sent().headers['authorization']).toBeUndefined();
  });

  it("sends the case's credential as the SDK's key, whatever it is", async () => {
    await callSdk(create, server.url, {
      ...REQUESTS.createConnectSession,
      credential: 'not-a-secret-key-of-any-environment',
    });
    expect(sent().headers['authorization']).toBe('Bearer not-a-secret-key-of-any-environment');
  });
});

describe('the adapter refuses what no caller could read', () => {
  const deleteConnection = SDK_BINDINGS.find((binding) => binding.method === 'deleteConnection') as SdkBinding;

  it('names the parameter a case lacks for an argument', () => {
    expect(() => sdkArguments(deleteConnection, { credential: KEY, query: { provider_config_key: 'key-1' } })).toThrow(
      "nango.deleteConnection: the case's request has no path parameter connectionId",
    );
  });

  it('throws again what the SDK threw without an HTTP answer', async () => {
    const outcome = await callSdk(deleteConnection, await refusedUrl(), REQUESTS.deleteConnection);
    expect(() => callerView(deleteConnection, outcome)).toThrow(/ECONNREFUSED/);
  });
});

describe('the SDK the suite runs', () => {
  it('is the version package.json pins exactly, as it announces itself on the wire', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules', SDK_PACKAGE, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(manifest.dependencies[SDK_PACKAGE]).toMatch(/^\d+\.\d+\.\d+$/);
    expect([sdkVersion(), installed.version]).toEqual([
      manifest.dependencies[SDK_PACKAGE],
      manifest.dependencies[SDK_PACKAGE],
    ]);
  });

  it("matches the SDK's User-Agent by format, a caller's own suffix included", () => {
    expect(new Nango({ host: server.url, secretKey: KEY }, { userAgent: 'my-app/1.0' }).userAgent).toMatch(
      new RegExp(SDK_USER_AGENT_REGEX),
    );
    expect('node').not.toMatch(new RegExp(SDK_USER_AGENT_REGEX));
  });

  it("records a User-Agent example in the SDK's format with its version and no machine's details", () => {
    expect(sdkUserAgentExample()).toMatch(new RegExp(SDK_USER_AGENT_REGEX));
    expect(sdkUserAgentExample()).toBe(`nango-node-client/${sdkVersion()} (os/release; node.js/version)`);
  });
});
