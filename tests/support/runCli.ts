import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a CLI of contracts/cli as `npm run` would, with the given environment on top of a clean one (no NANGO_*
 * or LOG_LEVEL from the developer's shell). `onStart` gets the child, e.g. to signal it.
 */
export function runCli(script: 'verify' | 'contracts', env: Record<string, string> = {}, onStart?: (child: ChildProcess) => void): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(NANGO_|LOG_LEVEL$|PACT_FILE$)/.test(name)));
  const child = spawn(process.execPath, ['--require', 'esbuild-register', join('contracts', 'cli', `${script}.ts`)], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The report's line for one interaction, and the indented reasons beneath it. */
export function reportRow(stdout: string, caseName: string): { line: string; reasons: string[] } {
  const lines = stdout.split('\n');
  const index = lines.findIndex((line) => new RegExp(`^(ok  |FAIL) ${caseName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`).test(line));
  if (index === -1) throw new Error(`no report line for "${caseName}" in:\n${stdout}`);
  const reasons: string[] = [];
  for (const line of lines.slice(index + 1)) {
    if (!line.startsWith('       ')) break;
    reasons.push(line.trim());
  }
  return { line: lines[index] ?? '', reasons };
}
