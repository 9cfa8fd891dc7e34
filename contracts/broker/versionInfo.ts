import { execFileSync } from 'node:child_process';
import { ConfigurationError } from '../configurationError';
import { booleanFrom, read } from '../env';

/** What git says about the checkout; undefined where git cannot tell (no git, not a repository, detached HEAD). */
export interface GitFacts {
  readonly commit: string | undefined;
  readonly branch: string | undefined;
  readonly dirty: boolean | undefined;
}

export function readGitFacts(cwd: string): GitFacts {
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      // No git, or not a checkout: undefined makes the caller ask for PACT_*_VERSION / _BRANCH by name.
      return undefined;
    }
  };
  const commit = git('rev-parse', '--verify', 'HEAD');
  const status = git('status', '--porcelain');
  return {
    commit,
    branch: git('symbolic-ref', '--short', '-q', 'HEAD') || undefined,
    dirty: status === undefined ? undefined : status !== '',
  };
}

/** Commit, branch and build URL as one CI service states them; detached-HEAD checkouts still know their branch here. */
interface CiService {
  readonly name: string;
  readonly present: (env: NodeJS.ProcessEnv) => boolean;
  readonly commit: (env: NodeJS.ProcessEnv) => string | undefined;
  readonly branch: (env: NodeJS.ProcessEnv) => string | undefined;
  readonly buildUrl: (env: NodeJS.ProcessEnv) => string | undefined;
}

const all = (...parts: Array<string | undefined>): string | undefined =>
  parts.every((part) => part) ? parts.join('') : undefined;
const stripRef = (ref: string | undefined): string | undefined =>
  ref?.replace(/^refs\/heads\//, '').replace(/^origin\//, '') || undefined;

const CI_SERVICES: readonly CiService[] = [
  {
    name: 'GitHub Actions',
    present: (env) => read(env, 'GITHUB_ACTIONS') === 'true',
    commit: (env) => read(env, 'GITHUB_SHA'),
    // Pull requests check out a merge commit on a detached HEAD: the branch is the PR's head branch.
    branch: (env) =>
      read(env, 'GITHUB_HEAD_REF') ||
      (read(env, 'GITHUB_REF')?.startsWith('refs/heads/') ? stripRef(read(env, 'GITHUB_REF')) : undefined),
    buildUrl: (env) =>
      all(
        read(env, 'GITHUB_SERVER_URL'),
        '/',
        read(env, 'GITHUB_REPOSITORY'),
        '/actions/runs/',
        read(env, 'GITHUB_RUN_ID'),
      ),
  },
  {
    name: 'GitLab CI',
    present: (env) => read(env, 'GITLAB_CI') === 'true',
    commit: (env) => read(env, 'CI_COMMIT_SHA'),
    branch: (env) => read(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME') || read(env, 'CI_COMMIT_BRANCH'),
    buildUrl: (env) => read(env, 'CI_JOB_URL'),
  },
  {
    name: 'CircleCI',
    present: (env) => read(env, 'CIRCLECI') === 'true',
    commit: (env) => read(env, 'CIRCLE_SHA1'),
    branch: (env) => read(env, 'CIRCLE_BRANCH'),
    buildUrl: (env) => read(env, 'CIRCLE_BUILD_URL'),
  },
  {
    name: 'Buildkite',
    present: (env) => read(env, 'BUILDKITE') === 'true',
    commit: (env) => read(env, 'BUILDKITE_COMMIT'),
    branch: (env) => read(env, 'BUILDKITE_BRANCH'),
    buildUrl: (env) => read(env, 'BUILDKITE_BUILD_URL'),
  },
  {
    name: 'Azure Pipelines',
    present: (env) => Boolean(read(env, 'TF_BUILD')),
    commit: (env) => read(env, 'BUILD_SOURCEVERSION'),
    branch: (env) => stripRef(read(env, 'SYSTEM_PULLREQUEST_SOURCEBRANCH') || read(env, 'BUILD_SOURCEBRANCH')),
    buildUrl: (env) =>
      all(
        read(env, 'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI'),
        read(env, 'SYSTEM_TEAMPROJECT'),
        '/_build/results?buildId=',
        read(env, 'BUILD_BUILDID'),
      ),
  },
  {
    name: 'Bitbucket Pipelines',
    present: (env) => Boolean(read(env, 'BITBUCKET_BUILD_NUMBER')),
    commit: (env) => read(env, 'BITBUCKET_COMMIT'),
    branch: (env) => read(env, 'BITBUCKET_BRANCH'),
    buildUrl: (env) =>
      all(
        read(env, 'BITBUCKET_GIT_HTTP_ORIGIN'),
        '/addon/pipelines/home#!/results/',
        read(env, 'BITBUCKET_BUILD_NUMBER'),
      ),
  },
  {
    name: 'Travis CI',
    present: (env) => read(env, 'TRAVIS') === 'true',
    commit: (env) => read(env, 'TRAVIS_COMMIT'),
    branch: (env) => read(env, 'TRAVIS_PULL_REQUEST_BRANCH') || read(env, 'TRAVIS_BRANCH'),
    buildUrl: (env) => read(env, 'TRAVIS_BUILD_WEB_URL'),
  },
  {
    name: 'Jenkins',
    present: (env) => Boolean(read(env, 'JENKINS_URL')),
    commit: (env) => read(env, 'GIT_COMMIT'),
    branch: (env) => read(env, 'CHANGE_BRANCH') || read(env, 'BRANCH_NAME') || stripRef(read(env, 'GIT_BRANCH')),
    buildUrl: (env) => read(env, 'BUILD_URL'),
  },
];

/** Who a version describes: the consumer's pacts, or the provider that verified them. */
export type PacticipantRole = 'consumer' | 'provider';

export interface VersionInfo {
  readonly version: string;
  readonly branch: string | undefined;
  readonly buildUrl: string | undefined;
}

/**
 * The version, branch and build URL a broker is told: PACT_<ROLE>_VERSION / PACT_<ROLE>_BRANCH / PACT_BUILD_URL
 * when set, else the git commit, the CI's branch (or git's) and the CI's build URL. A commit-sha version of a
 * working tree with uncommitted changes is refused (it would not describe what is published) unless
 * PACT_ALLOW_DIRTY=true.
 */
export function versionInfo(role: PacticipantRole, env: NodeJS.ProcessEnv, git: GitFacts): VersionInfo {
  const prefix = `PACT_${role.toUpperCase()}`;
  const ci = CI_SERVICES.find((service) => service.present(env));
  const given = read(env, `${prefix}_VERSION`);
  const commit = git.commit ?? ci?.commit(env);
  const version = given ?? commit;
  if (version === undefined) {
    throw new ConfigurationError(
      `cannot tell the ${role} version: this is not a git checkout and no CI commit variable is set; set ${prefix}_VERSION`,
    );
  }
  if (given === undefined && git.dirty === true && !booleanFrom(env, 'PACT_ALLOW_DIRTY', false)) {
    throw new ConfigurationError(
      `the working tree has uncommitted changes, so the ${role} version ${version} (its commit) would not describe it: commit them, set ${prefix}_VERSION, or set PACT_ALLOW_DIRTY=true`,
    );
  }
  const buildUrl = read(env, 'PACT_BUILD_URL') || ci?.buildUrl(env);
  return { version, branch: branchFor(role, env, git), buildUrl: buildUrl || undefined };
}

/** PACT_<ROLE>_BRANCH, else the CI's branch, else git's; undefined on a detached HEAD outside a known CI. */
export function branchFor(role: PacticipantRole, env: NodeJS.ProcessEnv, git: GitFacts): string | undefined {
  const ci = CI_SERVICES.find((service) => service.present(env));
  return read(env, `PACT_${role.toUpperCase()}_BRANCH`) || ci?.branch(env) || git.branch || undefined;
}
