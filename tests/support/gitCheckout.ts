import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { scratchDir } from './scratch';

export interface GitCheckout {
  readonly dir: string;
  readonly commit: string;
  git(...args: string[]): string;
  /** Leaves an uncommitted change in the working tree. */
  makeDirty(): void;
}

/** A throwaway git repository on branch `main` holding the committed pact in pacts/, as a clone of this repo would. */
export function gitCheckoutWithPact(): GitCheckout {
  const dir = scratchDir('checkout');
  const git = (...args: string[]): string =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=Contract Tests',
        '-c',
        'user.email=contract-tests@example.invalid',
        '-c',
        'init.defaultBranch=main',
        ...args,
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ).trim();
  mkdirSync(join(dir, 'pacts'));
  copyFileSync(COMMITTED_PACT, join(dir, 'pacts', basename(COMMITTED_PACT)));
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'pacts');
  return {
    dir,
    commit: git('rev-parse', 'HEAD'),
    git,
    makeDirty: () => writeFileSync(join(dir, 'notes.txt'), 'not committed\n'),
  };
}
