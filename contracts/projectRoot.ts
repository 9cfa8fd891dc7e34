import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';

/**
 * The project's top folder: the nearest one up with a package.json. From the sources and from the bundles
 * `contracts/cli/bundled.js` builds under node_modules/.cache alike, where __dirname says nothing of the layout.
 */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);

/**
 * A file as a report meant for others names it: relative to the project's top folder when it is inside it, else
 * by its name alone, so no path of the machine that wrote the report leaves it.
 */
export function projectPath(file: string): string {
  const path = relative(PROJECT_ROOT, file);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? basename(file) : path;
}
