/**
 * Signals as npm and CI cancels deliver them: `npm run verify` started by npm itself, in a process group of its
 * own. SIGTERM to the group (a CI cancel) and SIGINT to npm alone both end with every session deleted before npm
 * exits; npm killed outright leaves the CLI to notice its parent is gone, stop, clean up and exit. The scripts
 * `exec` node, so npm's own signal reaches the CLI and npm waits for it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { isCreation, startControllableProvider, type ControllableProvider } from '../support/controllableProvider';
import { ROOT } from '../support/runCli';

const SECRET = 'npm-signal-test-secret';
let provider: ControllableProvider | undefined;
afterEach(() => provider?.close());

/** npm running the script, in its own group; stderr collected; resolves on the CLI saying it cleans up. */
function npmRun(script: string, url: string): { npm: ChildProcess; stderr: () => string; cleaningUp: Promise<void> } {
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PACT_DO_NOT_TRACK: 'true', NANGO_BASE_URL: url, NANGO_SECRET_KEY: SECRET };
  const npm = spawn('npm', ['run', '--silent', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const cleaningUp = new Promise<void>((resolve) => {
    npm.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('before stopping')) resolve();
    });
  });
  npm.stdout?.resume();
  return { npm, stderr: () => text, cleaningUp };
}

/**
 * The node process npm runs the script in (npm's own child, as the script execs it), by its command line: Node 24
 * names its main thread `MainThread`, which is the process name pgrep matches by default.
 */
const cliOf = (npm: ChildProcess): number => Number(execFileSync('pgrep', ['-P', String(npm.pid), '-f', 'contracts/cli/bundled.js'], { encoding: 'utf8' }).trim().split('\n')[0]);

/** `gone`, `Z`, `exiting` (the kernel's PF_EXITING flag), or the state of a process that is not exiting. */
function exitState(pid: number): string {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // No such process (any more): reaped.
    return 'gone';
  }
  // After the command name, which may hold spaces: state, ppid, pgrp, session, tty_nr, tpgid, flags, ...
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const PF_EXITING = 0x4;
  if (fields[0] === 'Z') return 'Z';
  return (Number(fields[6]) & PF_EXITING) !== 0 ? 'exiting' : (fields[0] ?? 'unreadable');
}

it('finishes clean-up before npm exits on SIGTERM to the process group, as a CI cancel sends it', async () => {
  provider = await startControllableProvider(SECRET);
  const held = provider.holdAt(3, isCreation);
  const { npm, cleaningUp } = npmRun('verify', provider.url);
  const answer = await held;
  process.kill(-(npm.pid as number), 'SIGTERM');
  await cleaningUp;
  answer.release();
  const [code, signal] = (await once(npm, 'exit')) as [number | null, NodeJS.Signals | null];
  // npm waited for the CLI: by the time it is gone, so are the sessions.
  expect(provider.reference.liveSessionCount()).toBe(0);
  expect(provider.reference.issuedTokens().length).toBeGreaterThan(0);
  expect(code === 143 || signal === 'SIGTERM').toBe(true);
});

it('passes SIGINT to npm alone on to the CLI, which cleans up before npm exits', async () => {
  provider = await startControllableProvider(SECRET);
  const held = provider.holdAt(3, isCreation);
  const { npm, cleaningUp, stderr } = npmRun('verify', provider.url);
  const answer = await held;
  npm.kill('SIGINT');
  await cleaningUp;
  answer.release();
  const [code, signal] = (await once(npm, 'exit')) as [number | null, NodeJS.Signals | null];
  expect(provider.reference.liveSessionCount()).toBe(0);
  expect(code === 130 || signal === 'SIGINT').toBe(true);
  expect(stderr()).toContain('verification interrupted by SIGINT');
});

it('stops sending, cleans up and exits when npm is killed outright and nobody is left to pass a signal on', async () => {
  provider = await startControllableProvider(SECRET);
  const held = provider.holdAt(3, isCreation);
  const { npm, cleaningUp } = npmRun('verify', provider.url);
  const answer = await held;
  const cli = cliOf(npm);
  npm.kill('SIGKILL');
  await cleaningUp;
  answer.release();
  // The CLI is nobody's child any more: its end is seen on the pipes it shares with this test.
  await once(npm.stderr as NodeJS.ReadableStream, 'end');
  // Gone, a zombie its new parent has not reaped yet, or still in the kernel's exit path (its pipes close there
  // before it turns zombie, so under load it may be seen running with PF_EXITING set): either way it is exiting.
  expect(exitState(cli)).toMatch(/^(gone|Z|exiting)$/);
  expect(provider.reference.liveSessionCount()).toBe(0);
});
