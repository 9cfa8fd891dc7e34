import { makeConsumerPact, type ConsumerPact } from '@pact-foundation/pact-core';

let ffi: ConsumerPact | undefined;

/**
 * Waits until Pact's mock server on `port` has recorded its expected request as matched, at most `withinMs`.
 * Pact's mock server (pact-core 19) records a match on a task of its own after it has answered, so under CPU load
 * executeTest can look first and report "expected but not received" for a request the client saw answered
 * (pact-foundation/pact-reference#535, pact-foundation/pact-core-mock-server#13). This waits on the record itself;
 * a request that truly never came still fails the test, once the wait is over.
 */
export async function matchRecorded(port: number, withinMs = 2_000): Promise<void> {
  // Any consumer pact handle reads any mock server's state: the FFI keys mock servers by port.
  ffi ??= makeConsumerPact('mock-server-probe', 'mock-server-probe');
  const deadline = performance.now() + withinMs;
  while (!ffi.mockServerMatchedSuccessfully(port) && performance.now() < deadline) {
    await new Promise((polled) => setTimeout(polled, 5));
  }
}
