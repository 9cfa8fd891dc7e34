/**
 * `npm run pact:publish-provider-contract [-- <more options>]`: publishes spec/ to PactFlow as NangoAPI's provider
 * contract with the official CLI (`pact pactflow publish-provider-contract`), under the provider version and
 * branch verification results use, with this suite's own verification of a real Nango (reports/verification.json,
 * written by `npm run verify`) as the self-verification results, so PactFlow compares consumer pacts with a spec
 * that a server has been shown to honour, or not.
 */
import { join } from 'node:path';
import { requireBrokerConnection } from '../broker/brokerSettings';
import { runPactCli } from '../broker/pactCli';
import { readGitFacts, versionInfo } from '../broker/versionInfo';
import { PROVIDER } from '../cases';
import { ConfigurationError } from '../configurationError';
import { SPEC_FILE } from '../nangoApi';
import { COMMITTED_PACT } from '../pact/committedPact';
import { EVIDENCE_FILE, readEvidence, reportsDir, sha256Of, type EvidenceSummary } from '../report/evidenceFile';
import type { CliIo } from '../output/cliIo';
import { brokerCommand } from './brokerCommand';

const VERIFIER = 'nango-contract-tests';

/** `args`: more options for `pact pactflow publish-provider-contract`. */
export function publishProviderContract(io: CliIo, args: readonly string[]): Promise<number> {
  return brokerCommand(io, 'pact:publish-provider-contract', async () => {
    const connection = requireBrokerConnection(io.env);
    const evidenceFile = join(reportsDir(io.env, io.cwd), EVIDENCE_FILE);
    const evidence = readEvidence(evidenceFile);
    refuseUnfit(evidence, evidenceFile);
    const provider = versionInfo('provider', io.env, readGitFacts(io.cwd));
    io.stdout.write(
      `Publishing ${SPEC_FILE} as the provider contract of ${PROVIDER} version ${provider.version}${provider.branch ? ` on branch ${provider.branch}` : ''}, ` +
        `with this suite's verification of ${evidence.generatedAt} (${evidence.passed ? 'passed' : 'failed'}), to ${connection.baseUrl}\n`,
    );
    const { version: verifierVersion } = require('../../package.json') as { version: string };
    const pactArgs = [
      'pactflow',
      'publish-provider-contract',
      SPEC_FILE,
      '--provider',
      PROVIDER,
      '--provider-app-version',
      provider.version,
      ...(provider.branch ? ['--branch', provider.branch] : []),
      ...(provider.buildUrl ? ['--build-url', provider.buildUrl] : []),
      '--specification',
      'oas',
      '--content-type',
      'application/yaml',
      '--verification-results',
      evidenceFile,
      '--verification-results-content-type',
      'application/json',
      '--verifier',
      VERIFIER,
      '--verifier-version',
      verifierVersion,
      evidence.passed ? '--verification-success' : '--no-verification-success',
      ...args,
    ];
    return runPactCli(pactArgs, connection, {
      label: 'pact:publish-provider-contract',
      env: io.env,
      cwd: io.cwd,
      out: io.stdout,
      err: io.stderr,
    });
  });
}

/**
 * Evidence is published only when it is about this spec and pact, from a run that finished against a server that
 * is not a reference provider: anything else would tell PactFlow something no server showed.
 */
function refuseUnfit(evidence: EvidenceSummary, file: string): void {
  const verifyAgain = 'run `npm run verify` with NANGO_BASE_URL and NANGO_SECRET_KEY first';
  if (evidence.outcome !== 'passed' && evidence.outcome !== 'failed') {
    throw new ConfigurationError(
      `${file} is from a verification that did not finish (${evidence.outcome}${evidence.message ? `: ${evidence.message}` : ''}): ${verifyAgain}`,
    );
  }
  if (evidence.target !== 'remote') {
    const which =
      evidence.target === 'embedded' ? 'the embedded reference provider' : 'a reference provider (its answers say so)';
    throw new ConfigurationError(
      `${file} holds a verification of ${which}, which says nothing about ${PROVIDER}: ${verifyAgain}`,
    );
  }
  if (evidence.specSha256 !== sha256Of(SPEC_FILE))
    throw new ConfigurationError(
      `${file} is a verification against another spec than ${SPEC_FILE}, which changed since: ${verifyAgain}`,
    );
  if (evidence.pactSha256 !== null && evidence.pactSha256 !== sha256Of(COMMITTED_PACT)) {
    throw new ConfigurationError(`${file} is a verification of another pact than ${COMMITTED_PACT}: ${verifyAgain}`);
  }
}
