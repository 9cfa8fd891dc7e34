import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { redactor } from '../verification/redaction';
import { explainBrokerFailure } from './brokerFailure';
import { brokerSecretsInEnv, type BrokerConnection } from './brokerSettings';

const PACT_CLI = require.resolve('@pact-foundation/pact-cli/bin/pact.js');
/** The CLI retries a broker that does not answer 8 times by default, about two minutes; CI wants the no sooner. */
const DEFAULT_RETRIES = '3';

/**
 * Runs `pact broker <args>` (the official Pact CLI, a Rust binary shipped in @pact-foundation/pact-cli) with the
 * broker URL and credentials in its environment, never on its command line. Its output is copied line by line,
 * with every credential redacted; an authentication or connection failure becomes one line. Resolves the exit code.
 */
export function runPactBrokerCli(
  args: readonly string[],
  connection: BrokerConnection,
  io: { readonly label: string; readonly env: NodeJS.ProcessEnv; readonly out: Writable; readonly err: Writable },
): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...io.env, PACT_DO_NOT_TRACK: 'true', PACT_BROKER_BASE_URL: connection.baseUrl };
  for (const name of ['PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD']) delete env[name];
  if (connection.auth.kind === 'token') env['PACT_BROKER_TOKEN'] = connection.auth.token;
  if (connection.auth.kind === 'basic') Object.assign(env, { PACT_BROKER_USERNAME: connection.auth.username, PACT_BROKER_PASSWORD: connection.auth.password });
  env['PACT_BROKER_HTTP_RETRIES'] = io.env['PACT_BROKER_HTTP_RETRIES']?.trim() || DEFAULT_RETRIES;
  const redact = redactor(brokerSecretsInEnv(io.env));

  const child = spawn(process.execPath, [PACT_CLI, 'broker', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let failure: string | undefined;
  const copy = (target: Writable) => {
    let pending = '';
    const emit = (line: string) => {
      const known = line.trimStart().startsWith('❌') ? explainBrokerFailure(line, connection) : undefined;
      if (known) failure ??= known;
      else target.write(`${redact(line)}\n`);
    };
    return {
      data: (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(emit);
      },
      end: () => {
        if (pending) emit(pending);
        pending = '';
      },
    };
  };
  const stdout = copy(io.out);
  const stderr = copy(io.err);
  child.stdout.on('data', stdout.data);
  child.stderr.on('data', stderr.data);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      io.err.write(`${redact(`could not start the Pact CLI: ${error.message}`)}\n`);
      resolve(2);
    });
    child.on('close', (code, signal) => {
      stdout.end();
      stderr.end();
      if (failure) io.err.write(`${redact(`${io.label} failed: ${failure}`)}\n`);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 143));
    });
  });
}
