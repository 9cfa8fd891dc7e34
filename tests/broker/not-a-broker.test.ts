/**
 * PACT_BROKER_BASE_URL at a server that answers but is no Pact Broker (another API's JSON, a web server's 404
 * page): every broker command says so in one line naming the fix, exit 2, before anything else happens. Without
 * it the Pact CLI said "no version 1" (record-deployment), crashed (pact:publish), or answered can-i-deploy
 * "Computer says no" (exit 1, a verdict about a server that holds none); and verify created sessions first.
 */
import type { ServerResponse } from 'node:http';
import { runInProcess, type InProcessScript } from '../support/inProcess';
import { startControllableProvider, type ControllableProvider } from '../support/controllableProvider';
import { sendJson, startScriptedServer, type ScriptedServer } from '../support/scriptedServer';

const TOKEN = 'broker-token-for-not-a-broker-tests';
const SECRET = 'nango-secret-for-not-a-broker-tests';

const SERVERS = {
  'another API answering JSON': (response: ServerResponse) => sendJson(response, 200, { status: 'ok' }),
  'a web server answering 404 with a page': (response: ServerResponse) => {
    response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<html><body>Not Found</body></html>');
  },
} as const;

let server: ScriptedServer | undefined;
let provider: ControllableProvider | undefined;
afterEach(async () => {
  await server?.close();
  await provider?.close();
  server = provider = undefined;
});

describe.each(Object.entries(SERVERS))('a broker URL at %s', (_kind, answer) => {
  it.each(['pact:publish', 'can-i-deploy', 'record-deployment', 'broker:setup', 'verify'] as const)(
    'makes %s say in one line that it is no Pact Broker, and how to fix it',
    async (script: InProcessScript) => {
      server = await startScriptedServer((_request, response) => answer(response));
      provider = await startControllableProvider(SECRET);
      const run = await runInProcess(script, {
        PACT_BROKER_BASE_URL: server.url,
        PACT_BROKER_TOKEN: TOKEN,
        PACT_CONSUMER_VERSION: '1',
        PACT_CONSUMER_BRANCH: 'main',
        NANGO_BASE_URL: provider.url,
        NANGO_SECRET_KEY: SECRET,
      });
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `could not run: ${server.url.replace(/[.]/g, '\\.')} is not a Pact Broker: GET \\S+ answered \\d{3} \\S+, not the broker's index \\(HAL with pb: links\\); set PACT_BROKER_BASE_URL to the broker's base URL`,
        ),
      );
      expect(run.stdout).not.toMatch(/Computer says|panicked/);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
      // Said before anything is done: only the broker's index asked for, nothing created on the provider.
      expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /']);
      expect(provider.requests).toEqual([]);
    },
  );
});
