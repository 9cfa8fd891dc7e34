import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new empty folder for this test file (`nango-<purpose>-…` in the system's temp folder), removed after its tests. */
export function scratchDir(purpose: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nango-${purpose}-`));
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
