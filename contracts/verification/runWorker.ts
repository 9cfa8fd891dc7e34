import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { brokerSecretsInEnv } from '../broker/brokerSettings';
import { redactingLines, redactor, type Redact } from './redaction';
import type { InteractionProgress } from './verifyPact';
import { EMBEDDED_SECRET_ENV, WAIT_FOR_GO_ARG, type ParentMessage, type WorkerMessage } from './workerProtocol';

/** From the sources: the TypeScript worker, through esbuild-register. From a bundle (bundled.js): its bundled twin beside it. */
const FROM_SOURCES = __filename.endsWith('.ts');
const WORKER = FROM_SOURCES ? join(__dirname, '..', 'cli', 'verificationWorker.ts') : join(__dirname, 'verificationWorker.js');

/** What the worker sends back: its report, or why there is none. */
export type WorkerOutcome = Exclude<WorkerMessage, { kind: 'progress' }>;

export interface WorkerRun {
  readonly outcome: WorkerOutcome;
  /** Redacts what the parent prints itself (the report), with the same secrets as the worker's output. */
  readonly redact: Redact;
  /** Set when the worker was stopped by SIGINT/SIGTERM (after cleaning up). */
  readonly interruptedBy: NodeJS.Signals | undefined;
  /** The verifier's own lines saying results could not be published: it logs them and carries on as if it had. */
  readonly publishFailures: readonly string[];
  /** Everything the worker wrote to stdout (Pact's native verifier output and its logs), redacted, one entry a line. */
  readonly nativeOutput: readonly string[];
}

export interface WorkerOptions {
  /** Load everything, then wait for `go()` before the first request to the provider. */
  readonly waitForGo?: boolean;
  /** Each interaction as it finishes. */
  readonly onProgress?: (progress: InteractionProgress) => void;
  /** Each redacted line as the worker writes it: stdout is Pact's own output, stderr the worker's messages. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface VerificationWorker {
  go(): void;
  /** Passes the signal on: the worker deletes the sessions it created, then dies of it. */
  interrupt(signal: NodeJS.Signals): void;
  readonly done: Promise<WorkerRun>;
}

const PUBLISH_FAILED = /Publishing of verification results failed|Failed to push branch|Failed to push tag/;

/**
 * Starts the verification in a child process and reads its stdout/stderr line by line through the redactor:
 * Pact's native verifier writes straight to the process's file descriptors, past any JS hook.
 * SIGINT/SIGTERM are passed on, so the worker deletes the sessions it created before it stops.
 */
export function startVerificationWorker(env: NodeJS.ProcessEnv, options: WorkerOptions = {}): VerificationWorker {
  const embeddedSecret = randomBytes(24).toString('hex');
  const redact = redactor([embeddedSecret, ...(env['NANGO_SECRET_KEY'] ? [env['NANGO_SECRET_KEY'].trim()] : []), ...brokerSecretsInEnv(env)]);
  const child = fork(WORKER, options.waitForGo ? [WAIT_FOR_GO_ARG] : [], {
    env: { ...env, [EMBEDDED_SECRET_ENV]: embeddedSecret, PACT_DO_NOT_TRACK: 'true' },
    execArgv: FROM_SOURCES ? ['--require', 'esbuild-register'] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const publishFailures: string[] = [];
  const nativeOutput: string[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream]?.pipe(redactingLines(redact)).on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (PUBLISH_FAILED.test(line)) publishFailures.push(line.trim());
        if (stream === 'stdout') nativeOutput.push(line);
        options.onLine?.(line, stream);
      }
    });
  }

  let outcome: WorkerOutcome | undefined;
  let interruptedBy: NodeJS.Signals | undefined;
  child.on('message', (message: WorkerMessage) => {
    if (message.kind === 'progress') options.onProgress?.(message.progress);
    else outcome = message;
  });
  const interrupt = (signal: NodeJS.Signals) => {
    interruptedBy = signal;
    child.kill(signal);
  };
  const onSigint = () => interrupt('SIGINT');
  const onSigterm = () => interrupt('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  const done = new Promise<WorkerRun>((resolve) => {
    child.on('close', (code, signal) => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      const stopped = interruptedBy ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? signal : undefined);
      resolve({
        outcome: outcome ?? { kind: 'error', message: `the verification worker stopped without a report (${signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`})` },
        redact,
        interruptedBy: stopped,
        publishFailures,
        nativeOutput,
      });
    });
  });
  return {
    go: () => {
      // A worker that need not wait may be gone already; one that waits and died has its reason in `done`.
      if (options.waitForGo && child.connected) child.send({ kind: 'go' } satisfies ParentMessage, () => undefined);
    },
    interrupt,
    done,
  };
}
