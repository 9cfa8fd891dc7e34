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
  return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}
