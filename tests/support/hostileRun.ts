import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nangoValidators } from '../../contracts/cases';
import { coverageCases } from '../../contracts/hostile/coverage';
import { hostileOperations } from '../../contracts/hostile/operations';
import { nangoSpec } from '../../contracts/nangoApi';
import { CONNECT_SESSION_TOKEN_PREFIX } from '../../contracts/sessionToken';
import { hostileInProcess } from './inProcess';
import { scratchDir } from './scratch';
import type { HostileDriftProvider } from './hostileDriftProvider';
import type { CliRun } from './runCli';

/** How many kinds of request the coverage pass sends, from the spec and the tables. */
export const COVERAGE_KINDS = coverageCases(nangoValidators(), hostileOperations(nangoSpec().root)).length;
/** The report's coverage line when the whole pass was sent. */
export const FULL_COVERAGE = new RegExp(`^coverage: ${COVERAGE_KINDS} of ${COVERAGE_KINDS} kinds of request sent$`, 'm');

/** The secret key every hostile drift provider of the tests takes. */
export const SECRET = 'hostile-test-secret-key';

/**
 * `npm run contracts:hostile` against a drifting provider (seed 20261129, 100 cases unless `env` says otherwise),
 * proving on the way that no secret or token was printed and no session, connection or integration was left.
 */
export async function hostileAgainstProvider(provider: HostileDriftProvider, env: Record<string, string> = {}): Promise<CliRun> {
  const reports = scratchDir('hostile-reports');
  const run = await hostileInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET, HOSTILE_SEED: '20261129', HOSTILE_RUNS: '100', REPORTS_DIR: reports, ...env });
  expectNoSecretPiece([run.stdout, run.stderr, ...readdirSync(reports).map((file) => readFileSync(join(reports, file), 'utf8'))], [SECRET, ...provider.reference.issuedTokens()]);
  expect(provider.reference.liveSessionCount()).toBe(0);
  expect(provider.reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
  return run;
}

/** No text holds a 16-character piece of any secret or token (the tokens' public prefix aside). */
export function expectNoSecretPiece(texts: readonly string[], secrets: readonly string[]): void {
  const all = texts.join('\n').toLowerCase();
  const prefix = CONNECT_SESSION_TOKEN_PREFIX.toLowerCase();
  const leaked = secrets.flatMap((secret) =>
    Array.from({ length: Math.max(0, secret.length - 15) }, (_, at) => secret.slice(at, at + 16).toLowerCase()).filter((piece) => !prefix.includes(piece) && all.includes(piece)),
  );
  expect(leaked).toEqual([]);
}

/**
 * The failure's headline and the lines beneath it: the repro (every line to paste, sessions and all), its last
 * request's curl line (the one whose answer fails), the replay and the origin.
 */
export function failureBlock(stdout: string, check: string, status: number): { headline: string; repro: string[]; curl: string; replay: string; origin: string } {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`FAIL ${check} (status ${status}`));
  if (at === -1) throw new Error(`no "FAIL ${check} (status ${status}" in:\n${stdout}`);
  const replayAt = lines.findIndex((line, index) => index > at && line.trim().startsWith('replay: '));
  const repro = lines.slice(at + 1, replayAt).map((line) => line.trim());
  // A request that creates a session is sent inside ANSWER="$(<its curl line> -sS)", which then deletes what it made.
  const requests = repro.map((line) => /^ANSWER="\$\((curl -i .*) -sS\)"; /.exec(line)?.[1] ?? line).filter((line) => /^(curl -[iI]|for i in )/.test(line));
  return { headline: lines[at] ?? '', repro, curl: requests.at(-1) ?? '', replay: lines[replayAt]?.trim() ?? '', origin: lines[replayAt + 1]?.trim() ?? '' };
}

/** A printed replay line, `replay: [NANGO_BASE_URL=…] npm run contracts:hostile -- --replay <file> <id>`, taken apart. */
export function replayCommand(line: string): { env: Record<string, string>; args: string[] } {
  const parsed = /^replay: (?:NANGO_BASE_URL=(\S+) )?npm run contracts:hostile -- (--replay \S+ F\d+)$/.exec(line);
  if (!parsed) throw new Error(`not a replay line: ${line}`);
  return { env: parsed[1] ? { NANGO_BASE_URL: parsed[1] } : {}, args: (parsed[2] ?? '').split(' ') };
}
