import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../contracts/projectRoot';

/**
 * The README is read in ten minutes and works as written on a fresh clone: at most 250 lines, every command in
 * its `sh` blocks is an npm built-in or an npm script of package.json whose files exist, every link into docs/
 * names a page that exists, and every page of docs/ starts by saying what it is for.
 */

const README = join(PROJECT_ROOT, 'README.md');
const MAX_LINES = 250;
const scripts = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The commands of a Markdown text's `sh` blocks, continuation lines joined, comments and blank lines dropped. */
function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^( *)```sh\n([\s\S]*?)^\1```/gm)].map((match) => match[2] ?? '');
  return blocks
    .flatMap((block) => block.replace(/\s*\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Why a command would not work as written on a fresh clone, or undefined when it would. */
function problemWith(command: string): string | undefined {
  // Variables set for the one command (`NANGO_BASE_URL=… npm run contracts`) are the user's to give.
  const bare = command.replace(/^(?:[A-Z][A-Z0-9_]*=\S*\s+)+/, '');
  const words = bare.split(/\s+/);
  if (words[0] !== 'npm') return `${command}: not an npm command`;
  if (words[1] === 'ci' || words[1] === 'test') return undefined;
  if (words[1] !== 'run') return `${command}: npm ${words[1] ?? ''} is neither npm ci, npm test nor npm run`;
  const name = words[2] ?? '';
  const script = scripts[name];
  if (script === undefined) return `${command}: no script ${name} in package.json`;
  // The files the script starts exist: `node x.js`, `-r esbuild-register x.ts`, and a CLI of the bundle.
  const files = [...script.matchAll(/(?:^|\s)((?:contracts|tests)\/[\w./-]+)/g)].map((match) => match[1] ?? '');
  const bundled = /contracts\/cli\/bundled\.js (\w+)/.exec(script);
  if (bundled) files.push(`contracts/cli/${bundled[1] ?? ''}.ts`);
  const missing = files.filter((file) => !existsSync(join(PROJECT_ROOT, file)));
  return missing.length ? `${command}: script ${name} starts ${missing.join(', ')}, which does not exist` : undefined;
}

describe('README', () => {
  const text = readFileSync(README, 'utf8');

  it(`is at most ${MAX_LINES} lines`, () => {
    expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(MAX_LINES);
  });

  it('gives only commands that exist as npm scripts, and their files', () => {
    const commands = shellCommands(text);
    expect(commands).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run contracts', 'npm run lint']));
    expect(commands.map(problemWith).filter((problem) => problem !== undefined)).toEqual([]);
  });

  it('links only to pages of docs/ that exist, each starting with what it is for', () => {
    const pages = [
      ...new Set([...text.matchAll(/\]\((docs\/[\w-]+\.md)(?:#[\w-]+)?\)/g)].map((match) => match[1] ?? '')),
    ];
    expect(pages.length).toBeGreaterThanOrEqual(6);
    for (const page of pages) {
      const path = join(PROJECT_ROOT, page);
      expect({ page, exists: existsSync(path) }).toEqual({ page, exists: true });
      const opening = readFileSync(path, 'utf8').split('\n').slice(0, 4).join(' ');
      expect({ page, opening: /^# .+ What this page is for: /.test(opening) }).toEqual({ page, opening: true });
    }
  });

  it('is judged as it should be: a missing script, a missing file, a command of no npm', () => {
    expect(
      shellCommands('```sh\nNANGO_BASE_URL=x NANGO_SECRET_KEY=... \\\n  npm run contracts   # the main job\n```\n'),
    ).toEqual(['NANGO_BASE_URL=x NANGO_SECRET_KEY=... npm run contracts']);
    expect(problemWith('NANGO_BASE_URL=x npm run contracts')).toBeUndefined();
    expect(problemWith('npm run no-such-script')).toMatch(/no script no-such-script/);
    expect(problemWith('make test')).toMatch(/not an npm command/);
    expect(problemWith('npm install left-pad')).toMatch(/neither/);
  });
});
