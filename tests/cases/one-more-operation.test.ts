/**
 * An operation is data: from a fixture spec with one more operation than Nango's, its table alone (written here,
 * no other file knowing it) yields a pact interaction the consumer's client drives and the spec's checks accept, a
 * reference-provider route that authenticates and judges the request by the spec (405 with Allow for another
 * method), hostile coverage with the secret-key forms its auth takes, and a verification row per case: the pact
 * verified in-process, with the fixture's tables as the run's catalogue, against a reference provider of them. What
 * it does on success is the one thing the reference provider cannot know from a table: it answers 501 until it is
 * given behaviour, which this test gives it.
 */
import { PactV4 } from '@pact-foundation/pact';
import { join } from 'node:path';
import {
  caseCatalogue,
  LIFECYCLE,
  lifecycleValidators,
  NANGO_CATALOGUE,
  OPERATIONS,
  type LifecycleOperation,
} from '../../contracts/cases';
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { coverageCases } from '../../contracts/hostile/coverage';
import { hostileOperations } from '../../contracts/hostile/operations';
import type { JsonObject } from '../../contracts/json';
import { nangoSpec } from '../../contracts/nangoApi';
import { checkedSpec } from '../../contracts/openapi/specDocument';
import { interactionFromCase } from '../../contracts/pact/interactionFromCase';
import { checkExamplesAgainstSpec, checkStatusCoverage } from '../../contracts/pact/pactChecks';
import { readPactFile } from '../../contracts/pact/pactFile';
import {
  jsonAnswer,
  ReferenceProvider,
  type ProviderAnswer,
  type ProviderRequest,
} from '../../contracts/provider/referenceProvider';
import { RateLimitBudget } from '../../contracts/live/rateLimit';
import { RunStop } from '../../contracts/live/runStop';
import { SessionAdmin } from '../../contracts/live/sessionAdmin';
import { recoveryWaitFor, SessionLedger } from '../../contracts/live/sessionLedger';
import { formatReport } from '../../contracts/report/verificationReport';
import { allResults, passed } from '../../contracts/verification/results';
import { verifyPact } from '../../contracts/verification/verifyPact';
import { scratchDir } from '../support/scratch';

const SECRET = 'fixture-secret';
const OPERATION = { method: 'get', path: '/contract-fixtures/{fixtureId}' } as const;

/** Nango's spec and one more operation: a secret-key GET with a path parameter, an optional boolean query, 200 and 401. */
function fixtureRoot(): JsonObject {
  const root = structuredClone(nangoSpec().root);
  (root['paths'] as JsonObject)[OPERATION.path] = {
    get: {
      parameters: [
        { name: 'fixtureId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
      ],
      responses: {
        '200': {
          description: 'ok',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['data'],
                properties: { data: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
              },
            },
          },
        },
        '401': { $ref: '#/components/responses/Unauthorized' },
      },
    },
  };
  return root;
}

const TABLE: LifecycleOperation = {
  id: 'getFixture',
  operation: OPERATION,
  specPointer: '/paths/~1contract-fixtures~1{fixtureId}/get',
  auth: 'secret-key',
  cases: [
    {
      name: 'gets a fixture',
      description: 'a request to get a fixture',
      request: { credential: { kind: 'secret-key' }, pathParams: { fixtureId: 'fx-1' }, query: { verbose: 'true' } },
      response: { status: 200, body: { data: { id: 'fx-1' } } },
    },
    {
      name: 'refuses to get a fixture without an Authorization header',
      description: 'a request to get a fixture without an Authorization header',
      request: { credential: { kind: 'none' }, pathParams: { fixtureId: 'fx-1' } },
      response: { status: 401, body: { error: { code: 'missing_auth_header' } } },
    },
  ],
};

const root = fixtureRoot();
const validators = lifecycleValidators(checkedSpec(root, 'fixture.yaml'), [...LIFECYCLE, OPERATION]);

it('is no operation of the committed tables: nothing but this file knows it', () => {
  expect(OPERATIONS.some(({ operation }) => operation.path === OPERATION.path)).toBe(false);
});

/** The fixture's pact, written by the consumer's client from the table alone. */
async function fixturePact(): Promise<string> {
  const dir = scratchDir('one-more-operation');
  const pact = new PactV4({ consumer: 'FixtureConsumer', provider: 'FixtureProvider', dir, logLevel: 'error' });
  for (const contractCase of TABLE.cases) {
    const { request, response } = contractCase;
    await interactionFromCase(pact, contractCase, undefined, TABLE).executeTest(async (mockServer) => {
      const client = new ConnectSessionClient(mockServer.url, { validators });
      const credential = request.credential.kind === 'secret-key' ? SECRET : undefined;
      const query = request.query
        ? Object.fromEntries(Object.entries(request.query).map(([name, value]) => [name, String(value)]))
        : undefined;
      const answer = await client.call(OPERATION, {
        credential,
        pathParams: { fixtureId: 'fx-1' },
        ...(query ? { query } : {}),
      });
      expect(answer).toEqual({ status: response.status, body: response.body });
    });
  }
  return join(dir, 'FixtureConsumer-FixtureProvider.json');
}

it('yields a pact interaction per case, driven by the client from the table, that the spec accepts and that covers its statuses', async () => {
  const written = readPactFile(await fixturePact());
  expect(written.interactions.map(({ request }) => `${request.method} ${request.path}`)).toEqual([
    'GET /contract-fixtures/fx-1',
    'GET /contract-fixtures/fx-1',
  ]);
  expect(checkExamplesAgainstSpec(written, validators)).toEqual([]);
  expect(checkStatusCoverage(written, validators, OPERATION.method, OPERATION.path)).toEqual([]);
});

it('yields a reference-provider route: auth first, then the query by the spec, 405 with Allow for another method', () => {
  const provider = new ReferenceProvider({ secretKey: SECRET, operations: [...OPERATIONS, TABLE], validators });
  const send = (method: string, url: string, authorization?: string) =>
    provider.respond({ method, url, headers: authorization ? { authorization } : {}, body: '' });
  const unauthenticated = send('GET', '/contract-fixtures/fx-1');
  expect([unauthenticated.status, JSON.parse(unauthenticated.body ?? '')]).toEqual([
    401,
    { error: { code: 'missing_auth_header', message: expect.any(String) } },
  ]);
  expect(
    validators.checkResponse('get', '/contract-fixtures/fx-1', {
      status: 401,
      contentType: unauthenticated.headers['content-type'],
      bodyText: unauthenticated.body ?? '',
    }),
  ).toEqual([]);
  expect(send('GET', '/contract-fixtures/fx-1?verbose=maybe', `Bearer ${SECRET}`)).toMatchObject({ status: 400 });
  expect(send('GET', '/contract-fixtures/fx-1?unexpected=1', `Bearer ${SECRET}`)).toMatchObject({ status: 400 });
  expect(send('GET', '/contract-fixtures/fx-1?verbose=true', `Bearer ${SECRET}`)).toMatchObject({ status: 501 });
  expect(send('PUT', '/contract-fixtures/fx-1', `Bearer ${SECRET}`)).toMatchObject({
    status: 405,
    headers: { allow: 'GET, HEAD, OPTIONS' },
  });
});

it('yields hostile coverage with the secret-key forms, a query and bodies it does not document, and its undocumented methods', () => {
  const kinds = coverageCases(validators, hostileOperations(root, [TABLE])).map(({ kind }) => kind);
  const own = kinds.filter((kind) => kind.startsWith(`operation:GET ${OPERATION.path}`));
  expect(own).toEqual(
    expect.arrayContaining([
      `operation:GET ${OPERATION.path}`,
      `operation:GET ${OPERATION.path} + auth:secret-key:bare`,
      `operation:GET ${OPERATION.path} + auth:wrong-secret-key:drop-last`,
      `operation:GET ${OPERATION.path} + auth:session:bearer`,
      `operation:GET ${OPERATION.path} + query`,
    ]),
  );
  expect(own.some((kind) => kind.includes('auth:deleted-session'))).toBe(false);
  expect(kinds.filter((kind) => kind.startsWith('method:') && kind.endsWith(OPERATION.path))).toEqual(
    ['PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'].map(
      (method) => `method:${method} ${OPERATION.path}`,
    ),
  );
});

/** The reference provider of the fixture's tables, given what the fixture operation does on success: the test's to say. */
class FixtureProvider extends ReferenceProvider {
  override respond(request: ProviderRequest): ProviderAnswer {
    const answer = super.respond(request);
    const fixtureId = /^\/contract-fixtures\/([^/?]+)/.exec(request.url)?.[1];
    return answer.status === 501 && fixtureId !== undefined
      ? jsonAnswer(200, { data: { id: decodeURIComponent(fixtureId) } })
      : answer;
  }
}

it('yields a verification row per case: its pact verified in-process with its table as the catalogue', async () => {
  const file = await fixturePact();
  const operations = [...OPERATIONS, TABLE];
  const provider = await new FixtureProvider({ secretKey: SECRET, operations, validators }).listen();
  const budget = new RateLimitBudget(0);
  const ledger = new SessionLedger(
    new SessionAdmin(provider.url, SECRET, 5_000, budget, 'contract-tests-fixture'),
    undefined,
    recoveryWaitFor(0),
  );
  try {
    const report = await verifyPact({
      source: { kind: 'file', file },
      provider: 'FixtureProvider',
      providerUrl: provider.url,
      providerLabel: 'the fixture reference provider',
      secretKey: SECRET,
      timeoutMs: 5_000,
      logLevel: 'error',
      validators,
      catalogue: caseCatalogue(operations),
      ledger,
      publish: undefined,
      budget,
      stop: new RunStop(),
    });
    // Named, identified and headed by the fixture's table, which the committed catalogue does not hold.
    expect(NANGO_CATALOGUE.caseByDescription(TABLE.cases[0]?.description)).toBeUndefined();
    expect(
      allResults(report).map((result) => ({
        caseId: result.caseId,
        name: result.name,
        operation: result.operation,
        expected: result.expectedStatus,
        actual: result.actualStatus,
        schemaProblems: result.schemaProblems,
        passed: passed(result),
      })),
    ).toEqual([
      {
        caseId: 'getFixture:0',
        name: 'gets a fixture',
        operation: `GET ${OPERATION.path}`,
        expected: 200,
        actual: 200,
        schemaProblems: [],
        passed: true,
      },
      {
        caseId: 'getFixture:1',
        name: 'refuses to get a fixture without an Authorization header',
        operation: `GET ${OPERATION.path}`,
        expected: 401,
        actual: 401,
        schemaProblems: [],
        passed: true,
      },
    ]);
    expect(report.runProblems).toEqual([]);
    expect(formatReport(report)).toContain('refuses to get a fixture without an Authorization header');
  } finally {
    await provider.close();
  }
});
