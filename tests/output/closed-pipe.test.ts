/**
 * `npm run verify | head -1`, `npm run contracts:hostile | head -1`: the reader of the output goes away after its
 * first line. The run must not die of the EPIPE that follows (a stack trace, and whatever it created on the
 * provider left there): it goes on to its end, cleans up, and exits as it would have.
 */
import type { ChildProcess } from 'node:child_process';
import { startControllableProvider, type ControllableProvider } from '../support/controllableProvider';
import { runCli, type Script } from '../support/runCli';

const SECRET = 'closed-pipe-test-secret';
let provider: ControllableProvider | undefined;
afterEach(() => provider?.close());

/** Runs the CLI, closing its stdout pipe as soon as the first output arrives, as `| head -1` does. */
function runIntoClosedPipe(script: Script, env: Record<string, string>) {
  let closed = false;
  const run = runCli(script, env, {
    onStart: (child: ChildProcess) =>
      child.stdout?.once('data', () => {
        closed = true;
        child.stdout?.destroy();
      }),
  });
  return run.then((result) => ({ ...result, closed }));
}

describe('a reader that closes the output pipe early', () => {
  it('does not stop a verification, which cleans up everything it created and exits as it would', async () => {
    provider = await startControllableProvider(SECRET);
    const run = await runIntoClosedPipe('verify', { NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: SECRET });
    expect(run.closed).toBe(true);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(run.code).toBe(0);
    expect(provider.reference.issuedTokens().length).toBeGreaterThan(0);
    expect(provider.reference.liveSessionCount()).toBe(0);
    expect(provider.reference.resourceCounts()).toEqual({ connections: 0, integrations: 0 });
  });

  it('does not stop a hostile run, which ends without a stack trace', async () => {
    const run = await runIntoClosedPipe('contracts:hostile', { HOSTILE_RUNS: '50' });
    expect(run.closed).toBe(true);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(run.code).toBe(0);
  });
});
