import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { brokerSecretsInEnv } from '../../broker/brokerSettings';
import { workerProcessEnv, type PactEnvironment } from './pactEnvironment';
import { redactor, type Redact } from '../../output/redaction';
import type { InteractionProgress } from '../results';
import { wholeLines } from '../../output/wholeLines';
import { END_OF_RUN, type ParentMessage, type WorkerMessage, type WorkerSettings } from './workerProtocol';

/** From the sources: the TypeScript worker, through esbuild-register. From a bundle (bundled.js): its bundled twin beside it. */
const FROM_SOURCES = __filename.endsWith('.ts');
const WORKER = join(__dirname, FROM_SOURCES ? 'verificationWorker.ts' : 'verificationWorker.js');

/** What the worker sends back: its report, or why there is none. */
export type WorkerOutcome = Exclude<WorkerMessage, { kind: 'progress' }>;

export interface WorkerRun {
  readonly outcome: WorkerOutcome;
  /** Redacts what the parent prints itself (the report), with the same secrets as the worker's output. */
  readonly redact: Redact;
  /** Set when the worker was stopped by SIGINT/SIGTERM (after cleaning up). */
  readonly interruptedBy: NodeJS.Signals | undefined;
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

/**
 * Starts a verification run in a worker: a new one for a CLI, or one kept for many runs (tests). The settings are
 * parsed already; `env` is the environment the worker process starts with (the system's: PATH, proxies), and whose
 * secrets the run's output is redacted of.
 */
export type WorkerLauncher = (
  settings: WorkerSettings,
  env: NodeJS.ProcessEnv,
  cwd: string,
  options: WorkerOptions,
) => VerificationWorker;

/**
 * The verification in a child process, whose stdout/stderr are read line by line through the run's redactor:
 * Pact's native verifier writes straight to the process's file descriptors, past any JS hook.
 * SIGINT/SIGTERM are passed on, so the worker deletes the sessions it created before it stops.
 */
export const startVerificationWorker: WorkerLauncher = (settings, env, cwd, options) =>
  spawnVerificationWorker(env, settings.pactEnv).run(settings, env, cwd, options, { last: true });

/** One worker process: loads Pact with the environment it starts with (LOG_LEVEL is read once), then runs one verification at a time. */
export interface WorkerProcess {
  run(
    settings: WorkerSettings,
    env: NodeJS.ProcessEnv,
    cwd: string,
    options: WorkerOptions,
    how?: { readonly last: boolean },
  ): VerificationWorker;
  /** Alive, with no run in progress. */
  readonly idle: boolean;
  /** Ends it (it has nothing to clean up between runs). */
  close(): void;
}

/** A handle that holds the event loop until unref'd. */
interface Holdable {
  ref(): unknown;
  unref(): unknown;
}

/** What the current run is told of the worker's lines and messages, and of its end. */
interface RunListener {
  line(line: string, stream: 'stdout' | 'stderr'): void;
  message(message: WorkerMessage): void;
  closed(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface SpawnOptions {
  /** The worker's entry point: this module's twin by default (tests may point at the bundled one). */
  readonly script?: string;
  /**
   * While it has no run, the worker does not keep this process alive (a pool that outlives the test files using
   * it); it dies with this process, whose going it sees as a disconnect.
   */
  readonly unrefWhenIdle?: boolean;
}

/** Pact's verifier proxy (http-proxy) calls util._extend, deprecated from Node 22: Node's warning is no part of a run's output. */
const QUIET = ['--disable-warning=DEP0060'];

/** A worker process started with `env` less any setting, and Pact's variables for its first run (its LOG_LEVEL for all). */
export function spawnVerificationWorker(
  env: NodeJS.ProcessEnv,
  pactEnv: PactEnvironment,
  { script = WORKER, unrefWhenIdle = false }: SpawnOptions = {},
): WorkerProcess {
  const child: ChildProcess = fork(script, [], {
    env: workerProcessEnv(env, pactEnv),
    execArgv: script.endsWith('.ts') ? [...QUIET, '--require', 'esbuild-register'] : QUIET,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let listener: RunListener | undefined;
  let closed = false;
  // The process, its IPC channel and its pipes (sockets, as stdio is 'pipe') each hold the event loop.
  const candidates: Array<Holdable | null | undefined> = [
    child,
    child.channel,
    child.stdout as Socket | null,
    child.stderr as Socket | null,
  ];
  const handles = candidates.filter((handle): handle is Holdable => handle !== null && handle !== undefined);
  const holdParent = (hold: boolean) => {
    if (unrefWhenIdle) for (const handle of handles) void (hold ? handle.ref() : handle.unref());
  };
  holdParent(false);
  // Lines written before a run starts (Pact loading) belong to the next run.
  const early: Array<{ line: string; stream: 'stdout' | 'stderr' }> = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = wholeLines((line) => {
      if (listener) listener.line(line, stream);
      else early.push({ line, stream });
    });
    child[stream]?.on('data', (chunk: Buffer) => lines.push(chunk)).on('end', () => lines.end());
  }
  child.on('message', (message: WorkerMessage) => listener?.message(message));
  child.on('close', (code, signal) => {
    closed = true;
    listener?.closed(code, signal);
  });

  return {
    get idle() {
      return !closed && listener === undefined && child.connected;
    },
    close: () => {
      if (!closed) child.kill('SIGTERM');
    },
    run(settings, runEnv, cwd, options, { last } = { last: false }) {
      const embeddedSecret = randomBytes(24).toString('hex');
      const { target } = settings.verification;
      const redact = redactor([
        embeddedSecret,
        ...(target.kind === 'remote' ? [target.secretKey] : []),
        ...brokerSecretsInEnv(runEnv),
      ]);
      const nativeOutput: string[] = [];
      const ended = { stdout: false, stderr: false };
      let outcome: WorkerOutcome | undefined;
      let interruptedBy: NodeJS.Signals | undefined;
      let finish: (run: WorkerRun) => void = () => undefined;
      const done = new Promise<WorkerRun>((resolve) => (finish = resolve));

      const onSigint = () => interrupt('SIGINT');
      const onSigterm = () => interrupt('SIGTERM');
      const settle = (stopped: NodeJS.Signals | undefined, why: string) => {
        listener = undefined;
        holdParent(false);
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        finish({
          outcome: outcome ?? { kind: 'error', message: `the verification worker stopped without a report (${why})` },
          redact,
          interruptedBy: stopped,
          nativeOutput,
        });
      };
      const line = (raw: string, stream: 'stdout' | 'stderr') => {
        if (raw.endsWith(END_OF_RUN)) {
          ended[stream] = true;
          if (raw !== END_OF_RUN) line(raw.slice(0, -END_OF_RUN.length), stream);
          // A CLI's worker exits after its run: it is over when the process is, with everything it wrote read.
          if (!last && outcome && ended.stdout && ended.stderr) settle(interruptedBy, 'its run ended');
          return;
        }
        const text = redact(raw);
        if (stream === 'stdout') nativeOutput.push(text);
        options.onLine?.(text, stream);
      };
      const interrupt = (signal: NodeJS.Signals) => {
        interruptedBy = signal;
        child.kill(signal);
      };
      listener = {
        line,
        message: (message) => {
          if (message.kind === 'progress') options.onProgress?.(message.progress);
          else outcome = message;
          if (!last && outcome && ended.stdout && ended.stderr) settle(interruptedBy, 'its run ended');
        },
        closed: (code, signal) =>
          settle(
            interruptedBy ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? signal : undefined),
            signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`,
          ),
      };
      holdParent(true);
      for (const { line: earlyLine, stream } of early.splice(0)) line(earlyLine, stream);
      if (closed) settle(undefined, 'it had stopped before the run');
      else {
        process.on('SIGINT', onSigint);
        process.on('SIGTERM', onSigterm);
      }

      const start = () => {
        if (!child.connected) return;
        child.send({ kind: 'run', settings, embeddedSecret, cwd, last } satisfies ParentMessage, () => undefined);
      };
      if (!options.waitForGo) start();
      return {
        // A run that need not wait has started already; one whose worker died has its reason in `done`.
        go: () => {
          if (options.waitForGo) start();
        },
        interrupt,
        done,
      };
    },
  };
}
