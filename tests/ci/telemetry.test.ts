/**
 * No install phones home. Pact 17 depends on @scarf/scarf, whose postinstall reports each install to scarf.sh
 * unless the project installing it opts out; this project opts out twice: `.npmrc` runs no install script, and
 * package.json's `scarfSettings.enabled: false` is what Scarf itself reads should one run anyway (.ci/run and the
 * workflow also set SCARF_ANALYTICS=false). Scarf's own report code is run here against a local listener in place
 * of scarf.sh (its SCARF_LOCAL_PORT), and shown to send when the opt-out is missing. Pact's own usage reporting
 * (PACT_DO_NOT_TRACK) is proved off by the verifier's own log line in verification-run.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../support/runCli';
import { scratchDir } from '../support/scratch';

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly scarfSettings?: Record<string, unknown>;
}
interface ScarfReport {
  getDependencyInfo: () => Promise<unknown>;
  tmpFileName: () => string;
  reportPostInstall: () => Promise<void>;
}

const OURS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const PACT = JSON.parse(readFileSync(require.resolve('@pact-foundation/pact/package.json'), 'utf8')) as PackageJson;
const OPT_OUTS = ['SCARF_ANALYTICS', 'SCARF_NO_ANALYTICS', 'DO_NOT_TRACK'];

let server: Server;
let received: string[];
let port: number;
const ambient: Record<string, string | undefined> = {};

beforeAll(async () => {
  received = [];
  server = createServer((request, response) => {
    received.push(`${request.method ?? ''} ${request.url ?? ''}`);
    request.resume();
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  for (const name of [...OPT_OUTS, 'SCARF_LOCAL_PORT']) ambient[name] = process.env[name];
  // Only what package.json says: none of the environment's opt-outs.
  for (const name of OPT_OUTS) delete process.env[name];
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  for (const [name, value] of Object.entries(ambient)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  jest.restoreAllMocks();
});

/**
 * Scarf's postinstall as it would run for Pact installed in a project with this package.json (what its `npm ls`
 * would find), reporting to the local listener instead of scarf.sh. Resolves with why it did not report, if it did not.
 */
async function scarfInstallReport(root: PackageJson): Promise<string | undefined> {
  process.env['SCARF_LOCAL_PORT'] = String(port);
  let scarf: ScarfReport | undefined;
  // Scarf reads SCARF_LOCAL_PORT as it loads.
  jest.isolateModules(() => {
    scarf = require('@scarf/scarf') as ScarfReport;
  });
  if (!scarf) throw new Error('could not load @scarf/scarf');
  const history = join(scratchDir('scarf'), 'history.log');
  scarf.tmpFileName = () => history;
  scarf.getDependencyInfo = () =>
    Promise.resolve({
      scarf: { name: '@scarf/scarf', version: '1.4.0' },
      parent: { name: PACT.name, version: PACT.version, scarfSettings: { defaultOptIn: true, ...PACT.scarfSettings } },
      rootPackage: {
        name: root.name,
        version: root.version,
        scarfSettings: root.scarfSettings,
        packageJsonPath: join(ROOT, 'package.json'),
      },
      anyInChainDisabled: false,
    });
  try {
    await scarf.reportPostInstall();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('Scarf, which Pact 17 installs', () => {
  it('reports nothing for this project, by its package.json alone', async () => {
    expect(OURS.scarfSettings).toEqual({ enabled: false });
    expect(await scarfInstallReport(OURS)).toBe('User has opted out');
    expect(received).toEqual([]);
  });

  it('would report an install of a project without the opt-out, unless SCARF_ANALYTICS=false says no', async () => {
    const { scarfSettings: _dropped, ...without } = OURS;
    expect(await scarfInstallReport(without)).toBeUndefined();
    expect(received).toEqual(['POST /package-event/install']);
    received.length = 0;
    process.env['SCARF_ANALYTICS'] = 'false';
    expect(await scarfInstallReport(without)).toBe('User has opted out');
    expect(received).toEqual([]);
  });

  it('never runs at all: npm runs no install script here', () => {
    const npm = spawnSync('npm', ['config', 'get', 'ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(npm.stdout.trim()).toBe('true');
  });
});
