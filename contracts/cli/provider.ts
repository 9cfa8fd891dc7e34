/**
 * `npm run provider`: the embedded reference provider on a port of its own, for trying the client or the
 * verification by hand. PORT (default 0: any free port) and HOST (default 127.0.0.1) choose where it listens.
 */
import { randomBytes } from 'node:crypto';
import { read, wholeNumber } from '../env';
import { startReferenceProvider } from '../provider/referenceProvider';

const SECRET_ENV = 'REFERENCE_PROVIDER_SECRET_KEY';

async function main(): Promise<void> {
  const port = wholeNumber(process.env, 'PORT', 0, 0, 'a port');
  if (port > 65_535) throw new Error(`PORT must be a port number from 0 to 65535 (got ${port})`);
  const given = read(process.env, SECRET_ENV);
  const secretKey = given ?? randomBytes(24).toString('hex');
  const running = await startReferenceProvider({ secretKey, port, host: read(process.env, 'HOST') ?? '127.0.0.1' });
  process.stdout.write(`Reference provider for the connect-session lifecycle listening on ${running.url}\n`);
  // A throwaway key of an in-memory server, shown so it can be used; set REFERENCE_PROVIDER_SECRET_KEY to choose it.
  process.stdout.write(
    given ? `Secret key: the value of ${SECRET_ENV}\n` : `Secret key (generated for this run only): ${secretKey}\n`,
  );
  process.stdout.write(
    `Verify against it: NANGO_BASE_URL=${running.url} NANGO_SECRET_KEY=<secret key> npm run verify\n`,
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `reference provider could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 2;
});
