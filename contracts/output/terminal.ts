import { stripVTControlCharacters } from 'node:util';
import { read } from '../env';

/** Colours for one output stream: only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export interface Colours {
  readonly enabled: boolean;
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
}

export function coloursFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): Colours {
  const enabled = stream.isTTY === true && read(env, 'NO_COLOR') === undefined;
  const paint = (code: number) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { enabled, green: paint(32), red: paint(31), yellow: paint(33), dim: paint(2) };
}

/** Text as printed by a tool that colours regardless (Pact's verifier), fit for this stream. */
export function asPrinted(text: string, colours: Colours): string {
  return colours.enabled ? text : stripVTControlCharacters(text);
}
