import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TextOut } from '../output/cliIo';
import { wholeNumber } from '../env';
import { EXIT, exitCodeOf } from '../output/exitCode';
import { redactor } from '../output/redaction';
import { explainBrokerFailure } from './brokerFailure';
import { notABroker } from './brokerIndex';
import { brokerSecretsInEnv, type BrokerConnection } from './brokerSettings';

// The Rust binary itself, as the package's own bin/pact.js finds it, without that node wrapper's start-up.
const { standalone } = require('@pact-foundation/pact-cli/src/pact-standalone') as {
  standalone: () => { readonly pactFullPath: string };
};
/** The CLI retries a broker that does not answer 8 times by default, about two minutes; CI wants the no sooner. */
const DEFAULT_RETRIES = 3;
/** The exit code of a Rust program that panicked. */
const RUST_PANIC = 101;

/** How a command's own "no" shows in the CLI's output: that exit is an answer (1), any other failure could not answer (2). */
export interface PactCliOptions {
  readonly label: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly out: TextOut;
  readonly err: TextOut;
  /** The CLI's words for a "no" (can-i-deploy's `Computer says no`); without it every failure is "could not answer". */
  readonly no?: RegExp;
}

/**
 * Runs `pact <args>` (the official Pact CLI, a Rust binary shipped in @pact-foundation/pact-cli; `broker …` or
 * `pactflow …`) with the broker URL and credentials in its environment, never on its command line. Its output is
 * copied line by line, with every credential redacted; its ❌ errors (which it may print twice) are said once, in
 * one line naming the fix where one is known: an authentication or connection failure, a missing environment, a
 * broker that is not PactFlow, a crash. Resolves 0 (done, or yes), 1 (the command's own no) or 2 (could not
 * answer), or 130/143 when stopped by a signal. A server that answers but is no Pact Broker is said before the CLI
 * starts: the CLI would take it for a missing version, or say can-i-deploy's no.
 */
export async function runPactCli(
  args: readonly string[],
  connection: BrokerConnection,
  io: PactCliOptions,
): Promise<number> {
  const wrongServer = await notABroker(connection);
  if (wrongServer !== undefined) {
    io.err.write(`${redactor(brokerSecretsInEnv(io.env))(`${io.label} could not run: ${wrongServer}`)}\n`);
    return EXIT.couldNotRun;
  }
  return runCli(args, connection, io);
}

function runCli(args: readonly string[], connection: BrokerConnection, io: PactCliOptions): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...io.env, PACT_DO_NOT_TRACK: 'true', PACT_BROKER_BASE_URL: connection.baseUrl };
  for (const name of ['PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD']) delete env[name];
  if (connection.auth.kind === 'token') env['PACT_BROKER_TOKEN'] = connection.auth.token;
  if (connection.auth.kind === 'basic')
    Object.assign(env, {
      PACT_BROKER_USERNAME: connection.auth.username,
      PACT_BROKER_PASSWORD: connection.auth.password,
    });
  env['PACT_BROKER_HTTP_RETRIES'] = String(
    wholeNumber(io.env, 'PACT_BROKER_HTTP_RETRIES', DEFAULT_RETRIES, 0, 'retries'),
  );
  const redact = redactor(brokerSecretsInEnv(io.env));

  const child = spawn(standalone().pactFullPath, args, { cwd: io.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const errors: string[] = [];
  let saidNo = false;
  /** A line saying the broker cannot answer at all (an unknown version), however the CLI exits. */
  let unanswerable: string | undefined;
  // The CLI prints results and its ❌ errors on stdout, line by line as it goes.
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (io.no?.test(line)) saidNo = true;
    const explained = explainBrokerFailure(line, connection);
    unanswerable ??= explained;
    // Said once, plainly, on stderr when the CLI exits: not the CLI's words first.
    if (explained !== undefined && !io.no?.test(line)) return;
    const error = /^\s*(?:❌\s*)+(.*)$/u.exec(line);
    if (!error) return void io.out.write(`${redact(line)}\n`);
    const text = (error[1] ?? '').trim();
    if (text && !errors.includes(text)) errors.push(text);
  });
  // Its stderr is a Rust panic's backtrace when a server does not answer as a broker: said in one line instead.
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      io.err.write(`${redact(`${io.label} could not run: could not start the Pact CLI: ${error.message}`)}\n`);
      resolve(EXIT.couldNotRun);
    });
    child.on('close', (code, signal) => {
      if (code === null) return resolve(exitCodeOf(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM'));
      if (code === 0) return resolve(EXIT.passed);
      if (saidNo && code === 1 && unanswerable === undefined) {
        for (const error of errors) io.out.write(`${redact(error)}\n`);
        return resolve(EXIT.failed);
      }
      const explained =
        errors.map((error) => explainBrokerFailure(error, connection)).find((reason) => reason !== undefined) ??
        unanswerable;
      // The CLI may say one error twice, once wrapped ("IO Error - <it>"): keep the fuller.
      const distinct = errors.filter((error) => !errors.some((other) => other !== error && other.includes(error)));
      const reason =
        code === RUST_PANIC
          ? `the Pact CLI stopped on an answer it did not expect from ${connection.baseUrl}: is it a Pact Broker?`
          : (explained ?? (distinct.join('; ') || stderr.trim().split('\n')[0] || `the Pact CLI exited with ${code}`));
      io.err.write(`${redact(`${io.label} could not run: ${reason}`)}\n`);
      resolve(EXIT.couldNotRun);
    });
  });
}
