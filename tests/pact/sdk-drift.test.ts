/**
 * An SDK release that changes the wire fails the consumer tests before the pact is committed: the interactions of
 * the SDK-covered operations, built as the consumer tests build them, taken by Pact's mock server from the SDK as
 * it is, and refused from patched builds of it (the module wrapped here, node_modules untouched) that send one
 * more body field or another Accept header, and from our own client (which is not the SDK).
 */
import { PactV4 } from '@pact-foundation/pact';
import {
  CONSUMER,
  exampleBody,
  OPERATIONS,
  PROVIDER,
  credentialSentBy,
  type ContractCase,
  type LifecycleOperation,
} from '../../contracts/cases';
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { callerView, callSdk, Nango, sdkRequestOf, type NangoClass } from '../../contracts/client/nangoSdk';
import type { ConnectSessionInput } from '../../contracts/nangoApi';
import { interactionFromCase } from '../../contracts/pact/interactionFromCase';
import { matchRecorded } from '../support/mockServerRecord';
import { scratchDir } from '../support/scratch';

const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: scratchDir('sdk-drift'), logLevel: 'error' });

const create = OPERATIONS.find((operation) => operation.sdk?.method === 'createConnectSession') as LifecycleOperation;
const created = create.cases.find((contractCase) => contractCase.response.status === 201) as ContractCase;

/** A build of the SDK whose createConnectSession sends one more body field than it does. */
class OneMoreField extends Nango {
  override createConnectSession(
    sessionProps: Parameters<Nango['createConnectSession']>[0],
  ): ReturnType<Nango['createConnectSession']> {
    return super.createConnectSession({ ...sessionProps, webhook_url_override: 'https://example.com/hook' });
  }
}

/** A build whose HTTP client asks for JSON alone (the Accept header axios sets is part of the contract). */
class AcceptsJsonOnly extends Nango {
  constructor(...args: ConstructorParameters<typeof Nango>) {
    super(...args);
    this.http.defaults.headers.common['Accept'] = 'application/json';
  }
}

/** Runs the 201 case's interaction with `build` of the SDK as its consumer; rejects when Pact's mock server does. */
async function runWith(build: NangoClass): Promise<void> {
  const sdk = create.sdk;
  if (!sdk) throw new Error('POST /connect/sessions names no SDK method');
  await interactionFromCase(pact, created).executeTest(async (mockServer) => {
    const outcome = await callSdk(sdk, mockServer.url, sdkRequestOf(created), build);
    await matchRecorded(mockServer.port, 200);
    // A refused request answers 500: the SDK throws, and Pact names the mismatch.
    if ('threw' in outcome) return;
    expect(callerView(sdk, outcome)).toEqual({ returned: { data: expect.any(Object) } });
  });
}

// Pact's core logs each mismatch it then throws: the rejections below assert them, so the log is kept back.
beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

it('takes the request of the SDK as it is', async () => {
  await expect(runWith(Nango)).resolves.toBeUndefined();
});

it('refuses a build that sends one more body field', async () => {
  await expect(runWith(OneMoreField)).rejects.toThrow(
    'Expected a Map with keys [end_user] but received one with keys [end_user, webhook_url_override]',
  );
});

it('refuses a build that sends another Accept header', async () => {
  await expect(runWith(AcceptsJsonOnly)).rejects.toThrow(
    "Mismatch with header 'Accept': Expected value 'text/plain' at index 1 but was missing",
  );
});

it("refuses our own client's request for an interaction the SDK sends (its User-Agent is not the SDK's)", async () => {
  const { request } = created;
  const send = interactionFromCase(pact, created).executeTest(async (mockServer) => {
    // Pact's mock server answers a request it refuses with a 500, which our client throws on: Pact names why.
    await new ConnectSessionClient(mockServer.url)
      .createSession(credentialSentBy(request.credential), exampleBody(request.body ?? {}) as ConnectSessionInput)
      .catch(() => undefined);
    await matchRecorded(mockServer.port, 200);
  });
  await expect(send).rejects.toThrow("Mismatch with header 'User-Agent'");
});
