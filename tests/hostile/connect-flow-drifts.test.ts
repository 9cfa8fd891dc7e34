/**
 * The hostile run reports drifts of the connection and integration operations as it does the sessions': against a
 * provider whose GET /connection/{connectionId} answers a 200 without the `provider_config_key` ConnectionFull
 * requires, and whose POST /integrations creates an integration but answers 201 (the spec documents 200), both at
 * the remote default budget, each is reported with a curl repro of its operation, and every connection and
 * integration the run made (the 201's integration among them: adopted from its body) is gone afterwards
 * (hostileAgainstProvider proves nothing is left, and no piece of the secret key or a token printed).
 */
import { startHostileDriftProvider, type HostileDriftProvider } from '../support/hostileDriftProvider';
import { failureBlock, FULL_COVERAGE, hostileAgainstProvider, SECRET } from '../support/hostileRun';
import type { CliRun } from '../support/runCli';

let provider: HostileDriftProvider | undefined;
let run: CliRun;
beforeAll(async () => {
  provider = await startHostileDriftProvider(['connection-without-provider-config-key', 'integration-created-as-201'], SECRET);
  run = await hostileAgainstProvider(provider, { HOSTILE_RUNS: '', HOSTILE_SEED: '20261207' });
}, 120_000);
afterAll(() => provider?.close());

it.each([
  ['response_schema_conformance', 200, 'GET', '/connection/', /200 body: \(root\) must have required property 'provider_config_key'/],
  ['status_code_conformance', 201, 'POST', '/integrations', /201 is not a status the spec documents for POST \/integrations/],
] as const)('reports %s (status %s) of %s %s, with its curl repro', (check, status, method, path, headline) => {
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(FULL_COVERAGE);
  const block = failureBlock(run.stdout, check, status);
  expect(block.headline).toMatch(headline);
  expect(block.curl.startsWith(`curl -i -X ${method} "http://127.0.0.1:`)).toBe(true);
  expect(block.curl).toContain(path);
  expect(block.curl).toContain('-H "authorization: Bearer ${NANGO_SECRET_KEY}"');
});

it('deletes every integration the drifting POST /integrations made, and counts each', () => {
  const [, created, deleted] = /integrations: (\d+) created, (\d+) deleted/.exec(run.stdout) ?? [];
  // As many as the provider made: the 201s of POST /integrations, the run's own included.
  const made = provider?.answered.filter(({ method, url, status }) => method === 'POST' && url === '/integrations' && status >= 200 && status < 300).length;
  expect(Number(created)).toBe(made);
  expect(Number(created)).toBeGreaterThan(0);
  expect(deleted).toBe(created);
  expect(provider?.reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
});
