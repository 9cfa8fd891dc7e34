import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { brokerSecretsInEnv } from '../broker/brokerSettings';
import { redactingLines, redactor, type Redact } from './redaction';
import { EMBEDDED_SECRET_ENV, type WorkerMessage } from './workerProtocol';

const WORKER = join(__dirname, '..', 'cli', 'verificationWorker.ts');

export interface WorkerRun {
  readonly outcome: WorkerMessage;
  /** Redacts what the parent prints itself (the report), with the same secrets as the worker's output. */
  readonly redact: Redact;
  /** Set when the worker was stopped by SIGINT/SIGTERM (after cleaning up). */
  readonly interruptedBy: NodeJS.Signals | undefined;
  /** The verifier's own lines saying results could not be published: it logs them and carries on as if it had. */
  readonly publishFailures: readonly string[];
}

const PUBLISH_FAILED = /Publishing of verification results failed|Failed to push branch|Failed to push tag/;

/**
 * Runs the verification in a child process and copies its stdout/stderr to `out`/`err` line by line through
 * the redactor: Pact's native verifier writes straight to the process's file descriptors, past any JS hook.
 * SIGINT/SIGTERM are passed on, so the worker deletes the sessions it created before it stops.
 */
export function runVerificationWorker(env: NodeJS.ProcessEnv, out: Writable, err: Writable): Promise<WorkerRun> {
  const embeddedSecret = randomBytes(24).toString('hex');
  const redact = redactor([embeddedSecret, ...(env['NANGO_SECRET_KEY'] ? [env['NANGO_SECRET_KEY'].trim()] : []), ...brokerSecretsInEnv(env)]);
  const child = fork(WORKER, [], {
    env: { ...env, [EMBEDDED_SECRET_ENV]: embeddedSecret, PACT_DO_NOT_TRACK: 'true' },
    execArgv: ['--require', 'esbuild-register'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const publishFailures: string[] = [];
  for (const [from, to] of [
    [child.stdout, out],
    [child.stderr, err],
  ] as const) {
    const lines = from?.pipe(redactingLines(redact));
    lines?.pipe(to, { end: false });
    lines?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (PUBLISH_FAILED.test(line)) publishFailures.push(line.trim());
    });
  }

  let outcome: WorkerMessage | undefined;
  let interruptedBy: NodeJS.Signals | undefined;
  child.on('message', (message: WorkerMessage) => {
    outcome = message;
  });
  const forward = (signal: NodeJS.Signals) => {
    interruptedBy = signal;
    child.kill(signal);
  };
  const onSigint = () => forward('SIGINT');
  const onSigterm = () => forward('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      const stopped = interruptedBy ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? signal : undefined);
      resolve({
        outcome: outcome ?? { kind: 'error', message: `the verification worker stopped without a report (${signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`})` },
        redact,
        interruptedBy: stopped,
        publishFailures,
      });
    });
  });
}
