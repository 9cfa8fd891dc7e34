/**
 * What every command's exit code means: 0 passed (or yes), 1 failed (or no), 2 could not run. Kept here, at the
 * bottom of the rooms, so the errors below can carry theirs; contracts/output/exitCode.ts gives it to the CLIs.
 */
export const EXIT = { passed: 0, failed: 1, couldNotRun: 2 } as const;

/**
 * Base of every error the suite raises itself. A failure of the provider is a verdict (exit 1), never an error:
 * an error means the command could not do its work, so its exit code is 2 unless a subclass says otherwise (a
 * signal's 130/143). What a user sees of it is one line, `userLine`, never a stack trace.
 */
export class ContractsError extends Error {
  override name = 'ContractsError';
  /** The code a command exits with when this error is what ended it. */
  readonly exitCode: number = EXIT.couldNotRun;

  /** The one line a user sees: the message's first line, whitespace trimmed. */
  get userLine(): string {
    return (this.message.split('\n')[0] ?? '').trim();
  }
}
