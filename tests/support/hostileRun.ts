import { hostileInProcess } from './inProcess';
import type { HostileDriftProvider } from './hostileDriftProvider';
import type { CliRun } from './runCli';

/** The secret key every hostile drift provider of the tests takes. */
export const SECRET = 'hostile-test-secret-key';

/**
 * `npm run contracts:hostile` against a drifting provider (seed 20261129, 100 cases unless `env` says otherwise),
 * proving on the way that no secret or token was printed and no session was left.
 */
export async function hostileAgainstProvider(provider: HostileDriftProvider, env: Record<string, string> = {}): Promise<CliRun> {
  const run = await hostileInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, HOSTILE_SEED: '20261129', HOSTILE_RUNS: '100', ...env });
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  expect(run.stdout + run.stderr).not.toMatch(/nango_connect_session_[0-9a-f]{64}/);
  expect(provider.reference.liveSessionCount()).toBe(0);
  return run;
}

/** The failure's headline, and the curl and replay lines beneath it. */
export function failureBlock(stdout: string, check: string, status: number): { headline: string; curl: string; replay: string } {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`FAIL ${check} (status ${status}`));
  if (at === -1) throw new Error(`no "FAIL ${check} (status ${status}" in:\n${stdout}`);
  return { headline: lines[at] ?? '', curl: lines[at + 1]?.trim() ?? '', replay: lines[at + 2]?.trim() ?? '' };
}
