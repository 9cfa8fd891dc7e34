/** A stream's text, handed on one whole line at a time (without its newline). */
export interface WholeLines {
  push(chunk: Buffer): void;
  /** The stream ended: a last line without a newline is handed on too. */
  end(): void;
}

/**
 * Cuts a stream's chunks into whole lines, however the chunks split them: a secret split across two chunks
 * reaches the redactor in one piece.
 */
export function wholeLines(onLine: (line: string) => void): WholeLines {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    end() {
      if (partial !== '') onLine(partial);
      partial = '';
    },
  };
}
