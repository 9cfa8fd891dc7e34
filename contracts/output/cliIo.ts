/** Where a CLI writes: a process's stream, or a test's capture. */
export interface TextOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** What a CLI reads and writes: its process's own when run as a command, a test's when run in-process. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: TextOut;
  readonly stderr: TextOut;
}

export function processIo(): CliIo {
  outlivePipeReaders();
  return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}

let pipesWatched = false;

/**
 * `npm run contracts:hostile | head`: the reader goes, and the next write fails with EPIPE. Unhandled, that error
 * would end the process at once, with a stack trace and with what the run created on the provider still there.
 * Output to a closed pipe is dropped instead: the run goes on to its end, cleans up, and exits as it would.
 */
function outlivePipeReaders(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
