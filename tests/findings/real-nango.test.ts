import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDriftingProvider } from '../support/driftingProvider';
import { startHostileDriftProvider } from '../support/hostileDriftProvider';
import { SECRET } from '../support/hostileRun';
import { hostileInProcess, runInProcess, verifyInProcess } from '../support/inProcess';
import { scratchDir } from '../support/scratch';

it('explores', async () => {
  const dir = scratchDir('real-nango');
  const v = await startDriftingProvider('real-nango', SECRET);
  const verify = await verifyInProcess({ NANGO_BASE_URL: v.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: dir });
  await v.close();
  const h = await startHostileDriftProvider('real-nango', SECRET);
  const hostile = await hostileInProcess({ NANGO_BASE_URL: h.url, NANGO_SECRET_KEY: SECRET, REPORTS_DIR: dir, HOSTILE_SEED: '1' });
  await h.close();
  const findings = await runInProcess('findings', { REPORTS_DIR: dir });
  writeFileSync('/tmp/rn/verify.txt', `${verify.code}\n${verify.stdout}\n${verify.stderr}`);
  writeFileSync('/tmp/rn/hostile.txt', `${hostile.code}\n${hostile.stdout}\n${hostile.stderr}`);
  writeFileSync('/tmp/rn/findings.txt', `${findings.code}\n${findings.stdout}\n${findings.stderr}`);
  writeFileSync('/tmp/rn/findings.md', readFileSync(join(dir, 'findings.md'), 'utf8'));
  writeFileSync('/tmp/rn/overlay.yaml', readFileSync(join(dir, 'spec-overlay.yaml'), 'utf8'));
}, 300_000);
