import { StringDecoder } from 'node:string_decoder';

/** A stream's text, handed on one whole line at a time (without its newline). */
export interface WholeLines {
  push(chunk: Buffer): void;
  /** The stream ended: a last line without a newline is handed on too. */
  end(): void;
}

/**
 * Cuts a stream's chunks into whole lines, however the chunks split them: a secret split across two chunks
 * reaches the redactor in one piece, and so does a UTF-8 character split between two chunks (the decoder keeps
 * its first bytes until the rest come).
 */
export function wholeLines(onLine: (line: string) => void): WholeLines {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const take = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  return {
    push: (chunk) => take(decoder.write(chunk)),
    end() {
      take(decoder.end());
      if (partial !== '') onLine(partial);
      partial = '';
    },
  };
}
