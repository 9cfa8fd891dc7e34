/**
 * The version, branch and build URL told to the broker: explicit variables win, then the CI's own variables
 * (a detached HEAD still knows its branch), then git; a commit version of a dirty tree is refused unless
 * allowed; no version at all is a clear error.
 */
import { branchFor, versionInfo, type GitFacts } from '../../contracts/broker/versionInfo';

const GIT: GitFacts = { commit: 'a1b2c3', branch: 'main', dirty: false };
const DETACHED: GitFacts = { commit: 'a1b2c3', branch: undefined, dirty: false };

describe('version information', () => {
  it('comes from git when nothing else says', () => {
    expect(versionInfo('consumer', {}, GIT)).toEqual({ version: 'a1b2c3', branch: 'main', buildUrl: undefined });
  });

  it('takes PACT_<ROLE>_VERSION, PACT_<ROLE>_BRANCH and PACT_BUILD_URL over everything else', () => {
    const env = {
      PACT_PROVIDER_VERSION: '2.0.0',
      PACT_PROVIDER_BRANCH: 'release',
      PACT_BUILD_URL: 'https://ci/1',
      GITHUB_ACTIONS: 'true',
      GITHUB_HEAD_REF: 'pr-branch',
    };
    expect(versionInfo('provider', env, GIT)).toEqual({
      version: '2.0.0',
      branch: 'release',
      buildUrl: 'https://ci/1',
    });
    expect(versionInfo('consumer', env, GIT).version).toBe('a1b2c3');
  });

  it.each([
    [
      'GitHub Actions (pull request)',
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_HEAD_REF: 'feat/a',
        GITHUB_REF: 'refs/pull/7/merge',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '9',
      },
      'feat/a',
      'https://github.com/o/r/actions/runs/9',
    ],
    [
      'GitHub Actions (push)',
      { GITHUB_ACTIONS: 'true', GITHUB_HEAD_REF: '', GITHUB_REF: 'refs/heads/main' },
      'main',
      undefined,
    ],
    [
      'GitLab CI',
      { GITLAB_CI: 'true', CI_COMMIT_BRANCH: 'dev', CI_JOB_URL: 'https://gitlab/j/1' },
      'dev',
      'https://gitlab/j/1',
    ],
    [
      'CircleCI',
      { CIRCLECI: 'true', CIRCLE_BRANCH: 'c', CIRCLE_BUILD_URL: 'https://circle/1' },
      'c',
      'https://circle/1',
    ],
    [
      'Buildkite',
      { BUILDKITE: 'true', BUILDKITE_BRANCH: 'b', BUILDKITE_BUILD_URL: 'https://bk/1' },
      'b',
      'https://bk/1',
    ],
    ['Jenkins', { JENKINS_URL: 'https://j', GIT_BRANCH: 'origin/j', BUILD_URL: 'https://j/1' }, 'j', 'https://j/1'],
    [
      'Azure Pipelines',
      {
        TF_BUILD: 'True',
        BUILD_SOURCEBRANCH: 'refs/heads/az',
        SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: 'https://dev.azure.com/o/',
        SYSTEM_TEAMPROJECT: 'p',
        BUILD_BUILDID: '3',
      },
      'az',
      'https://dev.azure.com/o/p/_build/results?buildId=3',
    ],
  ])('reads the branch and build URL of %s on a detached HEAD', (_ci, env, branch, buildUrl) => {
    expect(versionInfo('consumer', env, DETACHED)).toEqual({ version: 'a1b2c3', branch, buildUrl });
  });

  it('takes the CI commit where git cannot tell', () => {
    expect(
      versionInfo(
        'consumer',
        { GITLAB_CI: 'true', CI_COMMIT_SHA: 'f00' },
        { commit: undefined, branch: undefined, dirty: undefined },
      ).version,
    ).toBe('f00');
  });

  it('refuses a commit version for a dirty tree, unless PACT_ALLOW_DIRTY=true or a version is given', () => {
    const dirty = { ...GIT, dirty: true };
    expect(() => versionInfo('consumer', {}, dirty)).toThrow(
      'the working tree has uncommitted changes, so the consumer version a1b2c3 (its commit) would not describe it',
    );
    expect(versionInfo('consumer', { PACT_ALLOW_DIRTY: 'true' }, dirty).version).toBe('a1b2c3');
    expect(versionInfo('consumer', { PACT_CONSUMER_VERSION: '1.0.0' }, dirty).version).toBe('1.0.0');
  });

  it('says how to give a version when there is none', () => {
    expect(() => versionInfo('provider', {}, { commit: undefined, branch: undefined, dirty: undefined })).toThrow(
      'cannot tell the provider version: this is not a git checkout and no CI commit variable is set; set PACT_PROVIDER_VERSION',
    );
  });

  it('leaves the branch unknown on a detached HEAD outside any CI', () => {
    expect(branchFor('consumer', {}, DETACHED)).toBeUndefined();
  });
});
