import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TextOut } from '../output/cliIo';
import { wholeNumber } from '../env';
import { exitCodeOf } from '../output/exitCode';
import { redactor } from '../output/redaction';
import { explainBrokerFailure } from './brokerFailure';
import { brokerSecretsInEnv, type BrokerConnection } from './brokerSettings';

// The Rust binary itself, as the package's own bin/pact.js finds it, without that node wrapper's start-up.
const { standalone } = require('@pact-foundation/pact-cli/src/pact-standalone') as { standalone(): { readonly pactFullPath: string } };
/** The CLI retries a broker that does not answer 8 times by default, about two minutes; CI wants the no sooner. */
const DEFAULT_RETRIES = 3;
/** The exit code of a Rust program that panicked. */
const RUST_PANIC = 101;

/**
 * Runs `pact <args>` (the official Pact CLI, a Rust binary shipped in @pact-foundation/pact-cli; `broker …` or
 * `pactflow …`) with the
 * broker URL and credentials in its environment, never on its command line. Its output is copied line by line,
 * with every credential redacted; an authentication or connection failure, or a crash, becomes one line.
 * Resolves the exit code.
 */
export function runPactCli(
  args: readonly string[],
  connection: BrokerConnection,
  io: { readonly label: string; readonly env: NodeJS.ProcessEnv; readonly cwd: string; readonly out: TextOut; readonly err: TextOut },
): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...io.env, PACT_DO_NOT_TRACK: 'true', PACT_BROKER_BASE_URL: connection.baseUrl };
  for (const name of ['PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD']) delete env[name];
  if (connection.auth.kind === 'token') env['PACT_BROKER_TOKEN'] = connection.auth.token;
  if (connection.auth.kind === 'basic') Object.assign(env, { PACT_BROKER_USERNAME: connection.auth.username, PACT_BROKER_PASSWORD: connection.auth.password });
  env['PACT_BROKER_HTTP_RETRIES'] = String(wholeNumber(io.env, 'PACT_BROKER_HTTP_RETRIES', DEFAULT_RETRIES, 0, 'retries'));
  const redact = redactor(brokerSecretsInEnv(io.env));

  const child = spawn(standalone().pactFullPath, args, { cwd: io.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let failure: string | undefined;
  // The CLI prints results and its ❌ errors on stdout, line by line as it goes.
  createInterface({ input: child.stdout }).on('line', (line) => {
    const known = line.trimStart().startsWith('❌') ? explainBrokerFailure(line, connection) : undefined;
    if (known) failure ??= known;
    else io.out.write(`${redact(line)}\n`);
  });
  // Its stderr is a Rust panic's backtrace when a server does not answer as a broker: said in one line instead.
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      io.err.write(`${redact(`could not start the Pact CLI: ${error.message}`)}\n`);
      resolve(2);
    });
    child.on('close', (code, signal) => {
      if (code === RUST_PANIC) failure ??= `the Pact CLI stopped on an answer it did not expect from ${connection.baseUrl}: is it a Pact Broker?`;
      else if (stderr) io.err.write(redact(stderr));
      if (failure) io.err.write(`${redact(`${io.label} failed: ${failure}`)}\n`);
      resolve(code ?? exitCodeOf(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM'));
    });
  });
}
