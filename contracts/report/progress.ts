import type { CliIo } from '../output/cliIo';
import type { Colours } from '../output/terminal';
import type { InteractionProgress } from '../verification/results';

/** `  [3/7] rejects a non-empty body → 400, spec ok (17 ms)`: what is known as an interaction finishes; Pact's verdict comes with the report. */
export function progressLine(progress: InteractionProgress, colours: Colours): string {
  const position = `[${progress.index}${progress.total === undefined ? '' : `/${progress.total}`}]`;
  const answer = progress.status === undefined ? 'no answer' : String(progress.status);
  const [first, ...more] = progress.problems;
  const verdict =
    first === undefined
      ? colours.green('spec ok')
      : colours.red(`${first}${more.length ? ` (+${more.length} more)` : ''}`);
  return `  ${position} ${progress.label} → ${answer}, ${verdict} (${Math.round(progress.durationMs)} ms)`;
}

/** stdout/stderr that can hold everything back until released, keeping the order of what was written. */
export class HeldOutput {
  private held: Array<{ stream: 'stdout' | 'stderr'; text: string }> | undefined;
  private stdoutDropped = false;

  constructor(
    private readonly io: CliIo,
    hold: boolean,
  ) {
    this.held = hold ? [] : undefined;
  }

  write(stream: 'stdout' | 'stderr', text: string): void {
    if (stream === 'stdout' && this.stdoutDropped) return;
    if (this.held) this.held.push({ stream, text });
    else this.io[stream].write(text);
  }

  /** From now on, and of what is held, only stderr is printed. */
  dropStdout(): void {
    this.held = this.held?.filter((entry) => entry.stream === 'stderr');
    this.stdoutDropped = true;
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const { stream, text } of held) this.io[stream].write(text);
  }
}
