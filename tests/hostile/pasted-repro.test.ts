/**
 * A finding's repro reproduces when pasted into bash, against the reference provider drifting one way: the lines
 * ask for NANGO_SECRET_KEY (and stop without it), create the sessions the requests name themselves, send the
 * requests in order (a race's at once), and the last answer is the failing one. F1 of a use after free deletes a
 * live session, then reuses its token; the same lines against a spec-following provider show the answer the spec
 * wants instead.
 */
import { DELETE_SESSION } from '../../contracts/cases';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { curlRepro, reproRequests } from '../../contracts/hostile/curl';
import type { Observation } from '../../contracts/hostile/observation';
import { placeholder } from '../../contracts/hostile/placeholders';
import type { SentRequest } from '../../contracts/hostile/rawRequest';
import { startHostileDriftProvider, type HostileDrift, type HostileDriftProvider } from '../support/hostileDriftProvider';
import { failureBlock, hostileAgainstProvider, SECRET } from '../support/hostileRun';

const run = promisify(execFile);
const providers: HostileDriftProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close()));
});

async function provider(drift: HostileDrift): Promise<HostileDriftProvider> {
  const started = await startHostileDriftProvider(drift, SECRET);
  providers.push(started);
  return started;
}

/** The lines pasted into bash with only the secret key (and PATH) in the environment: the statuses curl printed, in order (a body ends without a newline, so a status line may follow it on its line). */
async function pasted(lines: readonly string[], env: Record<string, string> = { NANGO_SECRET_KEY: SECRET }): Promise<number[]> {
  const { stdout } = await run('bash', ['--norc', '-c', lines.join('\n')], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 });
  return [...stdout.matchAll(/HTTP\/[\d.]+ (\d{3}) /g)].map((match) => Number(match[1]));
}

/** Repros printed with the target's URL, aimed at another provider (the run's own is gone by then). */
const aimedAt = (lines: readonly string[], from: string, to: string): string[] => lines.map((line) => line.split(from).join(to));

const deleteWithLiveToken: SentRequest = { method: 'DELETE', target: '/connect/session', headers: { authorization: `Bearer ${placeholder('live')}` }, body: undefined };

it('prints a use after free as lines that delete a live session, then reuse its token, and show the failing 204 when pasted', async () => {
  const drifting = await provider('accepts-deleted-token');
  const report = await hostileAgainstProvider(drifting, { HOSTILE_RUNS: '40' });
  const block = failureBlock(report.stdout, 'use_after_free', 204);
  expect(block.repro[0]).toBe(`: "\${NANGO_SECRET_KEY:?set NANGO_SECRET_KEY to the secret key of the Nango environment}"`);
  expect(block.repro[1]).toMatch(/^CONNECT_SESSION_TOKEN="\$\(curl -s -X POST "http:\/\/127\.0\.0\.1:\d+\/connect\/sessions" /);

  const issuedBefore = drifting.reference.issuedTokens().length;
  expect(await pasted(block.repro)).toEqual([204, 204]);
  // One session made by the lines themselves, deleted by the first DELETE, and nothing left.
  const [made, ...more] = drifting.reference.issuedTokens().slice(issuedBefore);
  expect(more).toEqual([]);
  expect(drifting.reference.wasDeleted(made ?? '')).toBe(true);
  expect(drifting.reference.liveSessionCount()).toBe(0);

  const following = await provider('none');
  expect(await pasted(aimedAt(block.repro, drifting.url, following.url))).toEqual([204, 404]);
});

it('prints a deleted token as lines that create and delete the session first, showing the failing 204 when pasted', async () => {
  const drifting = await provider('accepts-deleted-token');
  const block = failureBlock((await hostileAgainstProvider(drifting, { HOSTILE_RUNS: '40' })).stdout, 'ignored_auth', 204);
  expect(block.curl).toMatch(/-H "authorization: Bearer \$\{DELETED_SESSION_TOKEN\}"$/);
  expect(await pasted(block.repro)).toEqual([204]);
  const following = await provider('none');
  expect(await pasted(aimedAt(block.repro, drifting.url, following.url))).toEqual([404]);
  expect(following.reference.liveSessionCount()).toBe(0);
});

it('sends a race all at once when pasted: every delete of one session accepted by the drifting provider, one by a spec-following one', async () => {
  const drifting = await provider('accepts-deleted-token');
  expect(await pasted(curlRepro(drifting.url, [deleteWithLiveToken], 3))).toEqual([204, 204, 204]);
  const following = await provider('none');
  expect((await pasted(curlRepro(following.url, [deleteWithLiveToken], 3))).sort()).toEqual([204, 404, 404]);
});

it('prints a request that creates a session as lines that show its answer and then delete what it created', async () => {
  const following = await provider('none');
  const create: SentRequest = {
    method: 'POST',
    target: '/connect/sessions',
    headers: { authorization: `Bearer ${placeholder('secret')}`, 'content-type': 'application/json' },
    body: '{"end_user":{"id":"contract-tests-repro"}}',
  };
  expect(await pasted(curlRepro(following.url, [create]))).toEqual([201]);
  expect(following.reference.issuedTokens()).toHaveLength(1);
  expect(following.reference.liveSessionCount()).toBe(0);
});

it('asks for NANGO_SECRET_KEY and sends nothing without it', async () => {
  const following = await provider('none');
  const failed = run('bash', ['--norc', '-c', curlRepro(following.url, [deleteWithLiveToken]).join('\n')], { env: { PATH: process.env['PATH'] ?? '' }, timeout: 20_000 });
  await expect(failed).rejects.toMatchObject({ stderr: expect.stringContaining("NANGO_SECRET_KEY: set NANGO_SECRET_KEY to the secret key of the Nango environment") });
  expect(following.answered).toEqual([]);
});

it('needs no secret for a request that names no session or key', () => {
  expect(curlRepro('http://h', [{ method: 'DELETE', target: '/connect/session', headers: {}, body: undefined }])).toEqual(['curl -i -X DELETE "http://h/connect/session"']);
});

describe('the requests a repro sends', () => {
  const answer = (request: SentRequest, status: number) => ({ request, response: { status, headers: new Headers(), contentType: undefined, bodyText: '' }, durationMs: 1 });
  const first: SentRequest = { ...deleteWithLiveToken, target: '/connect/session?unexpected=true' };
  const single: Observation = {
    kind: 'single',
    hostile: { kind: 'single', operation: DELETE_SESSION, auth: { kind: 'session', form: 'bearer' }, query: [['unexpected', 'true']], body: { kind: 'none' }, contentType: undefined },
    auth: { kind: 'session', form: 'bearer' },
    answer: answer(first, 204),
    followUp: answer(deleteWithLiveToken, 204),
    sessionAlive: false,
  };
  const failure = (request: SentRequest) => ({ check: 'use_after_free', status: 204, code: undefined, message: '', request });

  it('stop at the failing request: the first alone when it fails, both when the follow-up does', () => {
    const example = { kind: 'single' as const, operation: DELETE_SESSION, auth: { kind: 'session' as const, form: 'bearer' as const }, query: [], body: { kind: 'none' as const }, contentType: undefined };
    expect(reproRequests({ failure: failure(first), observation: single, example }).requests).toEqual([first]);
    expect(reproRequests({ failure: failure(deleteWithLiveToken), observation: single, example }).requests).toEqual([first, deleteWithLiveToken]);
  });

  it('keep every delete of a repeat, and send a race at once', () => {
    const repeat: Observation = { kind: 'one-session', how: 'repeat', answers: [answer(deleteWithLiveToken, 204), answer(deleteWithLiveToken, 204), answer(deleteWithLiveToken, 204)], sessionAlive: false };
    expect(reproRequests({ failure: failure(deleteWithLiveToken), observation: repeat, example: { kind: 'repeat', times: 3 } })).toEqual({ requests: [deleteWithLiveToken, deleteWithLiveToken, deleteWithLiveToken], parallel: 1 });
    expect(reproRequests({ failure: failure(deleteWithLiveToken), observation: { ...repeat, how: 'race' }, example: { kind: 'race', parallel: 3 } })).toEqual({ requests: [deleteWithLiveToken], parallel: 3 });
  });
});
