import { readFileSync, writeFileSync } from 'node:fs';
import { OPERATIONS, operationHeading, SDK_PACKAGE } from '../cases';
import { isJsonObject, type JsonObject } from '../json';
import { PactFileError } from './pactFile';

/** The key of the pact's metadata that names the client the interactions were written with. */
export const CONSUMER_CLIENT_KEY = 'consumerClient';

/**
 * Names in the pact's metadata the SDK its interactions were written with (`consumerClient`: the package, its
 * version, the operations it drives), so a pact in a broker says which SDK release it holds the requests of. Pact
 * JS offers no custom metadata (PactV4 keeps its core handle private and remakes it after each test), so it is
 * added to the file Pact wrote, in Pact's own layout (two-space JSON, keys in order): the file stays deterministic.
 */
export function withSdkMetadata(file: string, version: string): void {
  let pact: unknown;
  try {
    pact = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PactFileError(`${file}: cannot add the SDK's metadata (${(error as Error).message})`);
  }
  if (!isJsonObject(pact)) throw new PactFileError(`${file}: is not a pact (expected a JSON object)`);
  const drives = OPERATIONS.filter((operation) => operation.sdk !== undefined)
    .map(operationHeading)
    .join(', ');
  const metadata: JsonObject = {
    ...(isJsonObject(pact['metadata']) ? pact['metadata'] : {}),
    [CONSUMER_CLIENT_KEY]: { drives, package: SDK_PACKAGE, version },
  };
  const sorted = Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(file, JSON.stringify({ ...pact, metadata: sorted }, null, 2));
}
