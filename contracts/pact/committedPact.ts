import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONSUMER, PROVIDER } from '../cases';
import { PROJECT_ROOT } from '../projectRoot';

/** The committed contract: pacts/<consumer>-<provider>.json at the top of the project. */
export const COMMITTED_PACT = join(PROJECT_ROOT, 'pacts', `${CONSUMER}-${PROVIDER}.json`);

export type Comparison = { readonly same: true } | { readonly same: false; readonly reason: string };

/** Byte comparison of a freshly written pact with the committed one; the reason shows the first differing line. */
export function compareWithCommitted(written: string, committed: string = COMMITTED_PACT): Comparison {
  if (!existsSync(committed)) return { same: false, reason: `${committed} does not exist` };
  const fresh = readFileSync(written, 'utf8');
  const kept = readFileSync(committed, 'utf8');
  if (fresh === kept) return { same: true };
  const freshLines = fresh.split('\n');
  const keptLines = kept.split('\n');
  const line = freshLines.findIndex((text, index) => text !== keptLines[index]);
  const at = line === -1 ? keptLines.length : line;
  return {
    same: false,
    reason: `${committed} differs from what the consumer tests write, first at line ${at + 1}:\n  committed: ${keptLines[at]?.trim() ?? '(end of file)'}\n  written:   ${freshLines[at]?.trim() ?? '(end of file)'}`,
  };
}

export function replaceCommitted(written: string, committed: string = COMMITTED_PACT): void {
  mkdirSync(dirname(committed), { recursive: true });
  copyFileSync(written, committed);
}
