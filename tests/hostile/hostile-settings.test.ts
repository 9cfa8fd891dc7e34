/**
 * Settings of the hostile run: the provider as for verification; a seed to reproduce (random and printed when
 * not given); a case count that fits Nango's rate limit against a remote server; a replay path only with its
 * seed; and curl lines that replay a request byte for byte without printing a secret.
 */
import { execFileSync } from 'node:child_process';
import { curlLine } from '../../contracts/hostile/curl';
import { OFF_BY_ONE, offByOne, placeholder } from '../../contracts/hostile/placeholders';
import { DEFAULT_RUNS, hostileSettingsFromEnv } from '../../contracts/hostile/hostileSettings';

describe('hostile settings', () => {
  it('run 1,000 cases on the embedded provider and 220 against a remote one (the coverage pass of the eight operations and 15 more, waiting out 200 requests a minute)', () => {
    expect(hostileSettingsFromEnv({})).toMatchObject({ target: { kind: 'embedded' }, runs: DEFAULT_RUNS.embedded });
    expect(hostileSettingsFromEnv({ NANGO_BASE_URL: 'https://api.nango.dev', NANGO_SECRET_KEY: 'sk' })).toMatchObject({ target: { kind: 'remote' }, runs: 220 });
  });

  it('take the seed, count, time limit and replay path given', () => {
    expect(hostileSettingsFromEnv({ HOSTILE_SEED: '42', HOSTILE_RUNS: '7', HOSTILE_TIME_LIMIT_MS: '900', HOSTILE_PATH: '3:0:1' })).toMatchObject({ seed: 42, runs: 7, timeLimitMs: 900, replayPath: '3:0:1' });
  });

  it('hold answers to the properties the spec names only with SPEC_CLOSED_RESPONSES=true, as verification does', () => {
    expect(hostileSettingsFromEnv({}).closedResponses).toBe(false);
    expect(hostileSettingsFromEnv({ SPEC_CLOSED_RESPONSES: 'true' }).closedResponses).toBe(true);
  });

  it.each([
    [{ HOSTILE_SEED: 'abc' }, 'HOSTILE_SEED must be a whole number (got "abc")'],
    [{ HOSTILE_RUNS: '0' }, 'HOSTILE_RUNS must be a whole number of cases above 0 (got "0")'],
    [{ HOSTILE_SEED: '1', HOSTILE_PATH: 'x' }, 'HOSTILE_PATH must be the path a failure report prints, such as 12:0:3 (got "x")'],
    [{ NANGO_BASE_URL: 'http://localhost:3003' }, 'NANGO_BASE_URL is set but NANGO_SECRET_KEY is not'],
    [{ SPEC_CLOSED_RESPONSES: 'on' }, 'SPEC_CLOSED_RESPONSES must be true or false (got "on")'],
  ])('refuse %j', (env, message) => {
    expect(() => hostileSettingsFromEnv(env)).toThrow(message);
  });
});

describe('curl lines', () => {
  const TOKEN = `nango_connect_session_${'ab'.repeat(32)}`;

  it('stand for the secret key and session tokens, and quote the rest for the shell', () => {
    const line = curlLine('http://127.0.0.1:1', {
      method: 'DELETE',
      target: '/connect/session?a=%24x',
      headers: { authorization: `Bearer ${placeholder('live')}`, 'x-key': `${placeholder('secret')} "q" $HOME` },
      body: '{"a":"`b`"}',
    });
    expect(line).toBe(
      'curl -i -X DELETE "http://127.0.0.1:1/connect/session?a=%24x" -H "authorization: Bearer ${CONNECT_SESSION_TOKEN}" -H "x-key: ${NANGO_SECRET_KEY} \\"q\\" \\$HOME" -H "Content-Type:" --data-binary "{\\"a\\":\\"\\`b\\`\\"}"',
    );
  });

  it('write header bytes outside printable ASCII as $\'\\xHH\', and rebuild a large padding body', () => {
    const line = curlLine('http://h', { method: 'DELETE', target: '/connect/session', headers: { authorization: 'Bearer \tÃ©' }, body: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    expect(line).toBe(
      `curl -i -X DELETE "http://h/connect/session" -H "authorization: Bearer "$'\\x09'""$'\\xc3'""$'\\xa9'"" -H "Content-Type:" --data-binary "$(node -e 'process.stdout.write(JSON.stringify({pad:"x".repeat(5000)}))')"`,
    );
  });

  it.each(OFF_BY_ONE)('write a token one character off (%s) as a bash expression over the variable, which bash turns into that token', (change) => {
    const line = curlLine('http://h', { method: 'DELETE', target: '/connect/session', headers: { authorization: `Bearer ${placeholder('live', change)}` }, body: undefined });
    expect(line).not.toContain(TOKEN.slice(22, 38));
    const header = /-H "authorization: Bearer (.*)"$/.exec(line)?.[1] ?? '';
    const printed = execFileSync('bash', ['-c', `printf %s "${header}"`], { env: { ...process.env, CONNECT_SESSION_TOKEN: TOKEN }, encoding: 'utf8' });
    expect(printed).toBe(offByOne(change, TOKEN));
  });

  it('send racing requests at once', () => {
    expect(curlLine('http://h', { method: 'DELETE', target: '/connect/session', headers: {}, body: undefined }, 3)).toBe('for i in $(seq 3); do curl -i -X DELETE "http://h/connect/session" & done; wait');
  });
});
