/**
 * Bad input, as a new user gives it: each answered in one line naming what was wrong, with the documented exit code
 * (2: could not verify), never a stack trace, a silent pass or a whole run: an unreadable LOG_LEVEL for jest's
 * suites, PACT_FILE naming a folder, a pact without interactions, arguments `verify` and `contracts` do not take
 * (`--help` answered with the usage), and a provider URL on a port fetch refuses.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { verifyInProcess } from '../support/inProcess';
import { cliEnv, ROOT, runCli } from '../support/runCli';
import { scratchDir } from '../support/scratch';

/** Exactly one line, with no stack trace in it. */
const oneLine = (text: string): string => {
  expect(text.trimEnd().split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/\n\s+at /);
  return text.trimEnd();
};

it('refuses a LOG_LEVEL Pact cannot read in one line before jest runs a suite (npm test, test:consumer, pacts:update)', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--listTests'], {
    cwd: ROOT,
    env: { ...cliEnv({}), LOG_LEVEL: 'loud' },
    encoding: 'utf8',
  });
  expect(run.status).toBe(2);
  expect(oneLine(run.stderr)).toBe(
    'jest could not run: LOG_LEVEL must be one of trace, debug, info, warn, error (got "loud")',
  );
  expect(run.stdout).toBe('');
});

it('refuses PACT_FILE naming a folder in one line, naming a pact in it', async () => {
  const run = await verifyInProcess({ PACT_FILE: 'pacts' });
  expect(run.code).toBe(2);
  expect(oneLine(run.stderr)).toBe(
    'verification could not run: PACT_FILE=pacts is a folder, not a pact file: name one in it, e.g. PACT_FILE=pacts/NangoConnectSessionClient-NangoAPI.json',
  );
});

it('says a pact without interactions verified nothing: could not verify (exit 2), not 0 of 0 failed', async () => {
  const empty = join(scratchDir('empty-pact'), 'empty.json');
  writeFileSync(
    empty,
    JSON.stringify({ ...(JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as object), interactions: [] }),
  );
  const run = await verifyInProcess({ PACT_FILE: empty });
  expect(run.code).toBe(2);
  expect(oneLine(run.stderr)).toMatch(
    /^verification could not run: .*empty\.json has no interaction: nothing to verify \(run npm run pacts:update, or name another pact\)$/,
  );
  expect(run.stdout).not.toContain('0 of 0');
});

it('answers verify -- --help with its usage and runs nothing; refuses an argument it does not take in one line', async () => {
  const help = await verifyInProcess({}, false, ['--help']);
  expect([help.code, help.stderr]).toEqual([0, '']);
  expect(oneLine(help.stdout)).toMatch(/^usage: npm run verify \(no arguments: the environment chooses/);
  const unknown = await verifyInProcess({}, false, ['--provider', 'x']);
  expect([unknown.code, unknown.stdout]).toEqual([2, '']);
  expect(oneLine(unknown.stderr)).toMatch(
    /^verification could not run: unexpected arguments "--provider x": usage: npm run verify/,
  );
});

it('refuses an argument npm run contracts does not take in one line, before the consumer tests run', async () => {
  const run = await runCli('contracts', {}, { args: ['--watch'] });
  expect([run.code, run.stdout]).toEqual([2, '']);
  expect(oneLine(run.stderr)).toMatch(
    /^contracts could not run: unexpected arguments "--watch": usage: npm run contracts/,
  );
});

it('says what a port fetch refuses means, not only "bad port"', async () => {
  const run = await verifyInProcess({ NANGO_BASE_URL: 'http://127.0.0.1:1', NANGO_SECRET_KEY: 'k' });
  expect(run.code).toBe(2);
  expect(oneLine(run.stderr)).toMatch(
    /^verification could not run: cannot reach provider at http:\/\/127\.0\.0\.1:1\/connect\/sessions: the port is one fetch refuses to connect to \(the Fetch standard's "bad port" list, .*\): no request was sent; use the port your provider listens on$/,
  );
});
