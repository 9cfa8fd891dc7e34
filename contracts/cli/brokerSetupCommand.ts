/**
 * `npm run broker:setup`: makes a fresh Pact Broker ready for this suite's flow, with the official CLI, and says
 * what it did; safe to run again. It creates the environment the gates use (PACT_ENVIRONMENT, default production;
 * marked production when named so, or with PACT_ENVIRONMENT_PRODUCTION=true) unless it is there. With
 * PACT_WEBHOOK_GITHUB_REPOSITORY (owner/name) and PACT_WEBHOOK_GITHUB_TOKEN it creates or updates the
 * `contract_requiring_verification_published` webhook that starts that repository's workflow through
 * repository_dispatch, with the payload the workflow reads. Exit codes: 0 done, 2 could not.
 */
import { createHash } from 'node:crypto';
import { requireBrokerConnection, type BrokerConnection } from '../broker/brokerSettings';
import { runPactCli } from '../broker/pactCli';
import { PROVIDER } from '../cases';
import { ConfigurationError } from '../configurationError';
import { booleanFrom, httpUrlFrom, read } from '../env';
import { isJsonObject } from '../json';
import type { CliIo, TextOut } from '../output/cliIo';
import { EXIT } from '../output/exitCode';
import { redactor } from '../output/redaction';
import { brokerCommand } from './brokerCommand';

const LABEL = 'broker:setup';
/** What the workflow's repository_dispatch trigger listens for. */
export const DISPATCH_EVENT = 'contract_requiring_verification_published';

export function brokerSetup(io: CliIo): Promise<number> {
  return brokerCommand(io, LABEL, async () => {
    const connection = requireBrokerConnection(io.env);
    const environment = read(io.env, 'PACT_ENVIRONMENT') ?? 'production';
    const production = booleanFrom(io.env, 'PACT_ENVIRONMENT_PRODUCTION', environment === 'production');
    const webhook = webhookFromEnv(io.env);
    const code = await ensureEnvironment(io, connection, environment, production);
    if (code !== EXIT.passed || !webhook) return code;
    return ensureWebhook(io, connection, webhook);
  });
}

interface GithubWebhook {
  readonly repository: string;
  readonly token: string;
  readonly apiUrl: string;
}

function webhookFromEnv(env: NodeJS.ProcessEnv): GithubWebhook | undefined {
  const repository = read(env, 'PACT_WEBHOOK_GITHUB_REPOSITORY');
  const token = read(env, 'PACT_WEBHOOK_GITHUB_TOKEN');
  // GitHub Enterprise Server has its API elsewhere.
  const apiUrl = (
    httpUrlFrom(env, 'PACT_WEBHOOK_GITHUB_API_URL', { example: 'https://api.github.com' }) ?? 'https://api.github.com'
  ).replace(/\/$/, '');
  if (repository === undefined && token === undefined) return undefined;
  if (repository === undefined)
    throw new ConfigurationError(
      'PACT_WEBHOOK_GITHUB_TOKEN is set but PACT_WEBHOOK_GITHUB_REPOSITORY is not: name the repository whose workflow the webhook starts (owner/name)',
    );
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new ConfigurationError(
      `PACT_WEBHOOK_GITHUB_REPOSITORY must be owner/name (got ${JSON.stringify(repository)})`,
    );
  if (token === undefined) {
    throw new ConfigurationError(
      'PACT_WEBHOOK_GITHUB_REPOSITORY is set but PACT_WEBHOOK_GITHUB_TOKEN is not: the webhook needs a GitHub token allowed to create repository_dispatch events',
    );
  }
  return { repository, token, apiUrl };
}

/** The CLI's output, kept rather than printed: this command says what it did in its own words. */
class Kept implements TextOut {
  text = '';
  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

async function ensureEnvironment(
  io: CliIo,
  connection: BrokerConnection,
  name: string,
  production: boolean,
): Promise<number> {
  const listed = new Kept();
  const listing = await runPactCli(['broker', 'list-environments', '--output', 'json'], connection, {
    label: LABEL,
    env: io.env,
    cwd: io.cwd,
    out: listed,
    err: io.stderr,
  });
  if (listing !== EXIT.passed) return listing;
  if (environmentNames(listed.text).includes(name)) {
    io.stdout.write(`environment ${name}: already there\n`);
    return EXIT.passed;
  }
  const created = await runPactCli(
    ['broker', 'create-environment', '--name', name, ...(production ? ['--production'] : [])],
    connection,
    {
      label: LABEL,
      env: io.env,
      cwd: io.cwd,
      out: new Kept(),
      err: io.stderr,
    },
  );
  if (created === EXIT.passed) io.stdout.write(`environment ${name}: created${production ? ' (production)' : ''}\n`);
  return created;
}

/** The environments' names in `list-environments --output json`: HAL (`_embedded.environments`) or a bare list. */
function environmentNames(json: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Not JSON: no names read, so creation is tried, and a broker that has it refuses in the CLI's own words.
    return [];
  }
  const embedded =
    isJsonObject(parsed) && isJsonObject(parsed['_embedded']) ? parsed['_embedded']['environments'] : parsed;
  return Array.isArray(embedded)
    ? embedded.flatMap((environment) =>
        isJsonObject(environment) && typeof environment['name'] === 'string' ? [environment['name']] : [],
      )
    : [];
}

async function ensureWebhook(io: CliIo, connection: BrokerConnection, webhook: GithubWebhook): Promise<number> {
  // The same uuid for the same repository and provider: running setup again updates the webhook, never adds one.
  const hex = createHash('sha256').update(`${webhook.repository}\0${PROVIDER}`).digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  const payload = JSON.stringify({
    event_type: DISPATCH_EVENT,
    client_payload: {
      pact_url: '${pactbroker.pactUrl}',
      provider_version: '${pactbroker.providerVersionNumber}',
      provider_branch: '${pactbroker.providerVersionBranch}',
    },
  });
  const url = `${webhook.apiUrl}/repos/${webhook.repository}/dispatches`;
  // The token reaches the broker (which keeps it to call GitHub) through the CLI's arguments, never this output.
  const code = await runPactCli(
    [
      'broker',
      'create-or-update-webhook',
      url,
      '--uuid',
      uuid,
      '--request',
      'POST',
      '--header',
      'Content-Type: application/json',
      'Accept: application/vnd.github+json',
      `Authorization: Bearer ${webhook.token}`,
      '--data',
      payload,
      '--provider',
      PROVIDER,
      '--contract-requiring-verification-published',
      '--description',
      `Start ${webhook.repository}'s contract verification of ${PROVIDER} (repository_dispatch ${DISPATCH_EVENT})`,
    ],
    connection,
    {
      label: LABEL,
      env: { ...io.env },
      cwd: io.cwd,
      out: new Kept(),
      err: { write: (text: string) => io.stderr.write(redactor([webhook.token])(text)) },
    },
  );
  if (code === EXIT.passed) io.stdout.write(`webhook ${uuid}: ${DISPATCH_EVENT} → POST ${url}\n`);
  return code;
}
