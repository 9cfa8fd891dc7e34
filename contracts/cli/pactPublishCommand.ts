/**
 * `npm run pact:publish [-- <more pact broker publish options>]`: publishes the pacts in pacts/ to the Pact
 * Broker with the official CLI, under the git commit (or PACT_CONSUMER_VERSION), the branch (PACT_CONSUMER_BRANCH,
 * the CI's, or git's) and the CI's build URL.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireBrokerConnection } from '../broker/brokerSettings';
import { runPactCli } from '../broker/pactCli';
import { readGitFacts, versionInfo } from '../broker/versionInfo';
import { CONSUMER } from '../cases';
import { ConfigurationError } from '../configurationError';
import type { CliIo } from '../output/cliIo';
import { brokerCommand } from './brokerCommand';

/** `args`: more options for `pact broker publish`. */
export function pactPublish(io: CliIo, args: readonly string[]): Promise<number> {
  return brokerCommand(io, 'pact:publish', async () => {
    const connection = requireBrokerConnection(io.env);
    const pactDir = join(io.cwd, 'pacts');
    let pactFiles: string[];
    try {
      pactFiles = readdirSync(pactDir).filter((name) => name.endsWith('.json'));
    } catch {
      // No pacts/ folder: no pact files, which the next line refuses by name.
      pactFiles = [];
    }
    if (pactFiles.length === 0)
      throw new ConfigurationError(`no pact files in ${pactDir}: run the consumer tests first (npm run test:consumer)`);
    const consumer = versionInfo('consumer', io.env, readGitFacts(io.cwd));
    if (!consumer.branch) {
      throw new ConfigurationError(
        'cannot tell the consumer branch (a detached HEAD and no CI branch variable): set PACT_CONSUMER_BRANCH',
      );
    }
    io.stdout.write(
      `Publishing ${pactFiles.join(', ')} as ${CONSUMER} version ${consumer.version} on branch ${consumer.branch} to the Pact Broker at ${connection.baseUrl}\n`,
    );
    const pactArgs = [
      'broker',
      'publish',
      pactDir,
      '--consumer-app-version',
      consumer.version,
      '--branch',
      consumer.branch,
      ...(consumer.buildUrl ? ['--build-url', consumer.buildUrl] : []),
      ...args,
    ];
    return runPactCli(pactArgs, connection, {
      label: 'pact:publish',
      env: io.env,
      cwd: io.cwd,
      out: io.stdout,
      err: io.stderr,
    });
  });
}
