/**
 * The known-findings list in the runs: the CLIs stop on a bad list in one line before anything runs, and in
 * provider verification an accepted problem is shown as known and stops failing the run, an expired one fails
 * again, an entry that no longer occurs is listed as stale. How entries load, are refused and match is pinned on
 * the module's own functions in known-findings-rules.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnownFinding } from '../../contracts/knownFindings';
import { applyKnownFindings } from '../../contracts/report/knownInVerification';
import { reportPassed, type VerificationReport } from '../../contracts/verification/results';
import { casesWithStatus, verifyAgainstDrift } from '../support/verifyAgainstDrift';
import { reportRow, runCli } from '../support/runCli';
import { scratchDir } from '../support/scratch';

const GONE = 'a request to delete a connect session that has already been deleted';

function findingsFile(yaml: string): string {
  const file = join(scratchDir('known'), 'known.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('the known-findings list', () => {
  it('has `npm run verify`, `npm run contracts:hostile` and `npm run contracts` refuse a bad list in one line before anything runs', async () => {
    const file = findingsFile(
      '- {check: schema, reason: reported upstream}\n- {check: pact, stauts: 404, reason: reported upstream}\n',
    );
    const line = `${file}: finding #2 (check pact): unknown field 'stauts' (known: check, status, code, interaction, kind, matching, reason, expires)`;
    const [verify, hostile, contracts] = await Promise.all(
      (['verify', 'contracts:hostile', 'contracts'] as const).map((script) =>
        runCli(script, { KNOWN_FINDINGS_FILE: file }),
      ),
    );
    expect(verify).toEqual({ code: 2, stdout: '', stderr: `verification could not run: ${line}\n` });
    expect(hostile).toEqual({ code: 2, stdout: '', stderr: `contracts:hostile could not run: ${line}\n` });
    expect(contracts).toEqual({ code: 2, stdout: '', stderr: `contracts could not run: ${line}\n` });
  });
});

describe('known findings in provider verification', () => {
  const report = (pactProblems: string[]): VerificationReport => ({
    provider: 'NangoAPI',
    providerUrl: 'http://x',
    providerLabel: 'Nango',
    pactSource: 'pact.json',
    fromBroker: false,
    pacts: [
      {
        consumer: 'C',
        consumerVersions: [],
        pending: false,
        wip: false,
        results: [
          {
            name: 'n',
            description: GONE,
            expectedStatus: 404,
            actualStatus: 401,
            pactProblems,
            schemaProblems: [],
            durationMs: 1,
            pending: false,
            known: [],
          },
        ],
      },
    ],
    runProblems: [],
    published: undefined,
    sessions: {
      endUserId: 'contract-tests-00000000',
      created: 1,
      deleted: 1,
      connections: { created: 0, deleted: 0 },
      integrations: { created: 0, deleted: 0 },
      unknown: [],
    },
    rateLimitWaitMs: 0,
    providerIsReference: false,
    staleFindings: [],
  });
  const accepted: KnownFinding = {
    check: 'pact',
    interaction: GONE,
    matching: 'but was 401',
    reason: 'Nango answers 401 for a deleted session; reported upstream',
  };

  it('shows an accepted problem as known and passes', () => {
    const applied = applyKnownFindings(report(['status: expected 404 but was 401']), [accepted], '2026-11-29');
    expect(applied.pacts[0]?.results[0]).toMatchObject({
      pactProblems: [],
      known: [
        'pact: status: expected 404 but was 401 (accepted: Nango answers 401 for a deleted session; reported upstream)',
      ],
    });
    expect(reportPassed(applied)).toBe(true);
  });

  it('fails again once the acceptance expired, and lists an entry that did not occur as stale', () => {
    const expired = applyKnownFindings(
      report(['status: expected 404 but was 401']),
      [{ ...accepted, expires: '2026-01-01' }],
      '2026-11-29',
    );
    expect(expired.pacts[0]?.results[0]?.pactProblems).toEqual([
      'status: expected 404 but was 401 (accepted until 2026-01-01, now expired)',
    ]);
    expect(reportPassed(expired)).toBe(false);
    const stale = applyKnownFindings(report([]), [accepted], '2026-11-29');
    expect(stale.staleFindings).toEqual([
      `the known finding "pact "${GONE}" /but was 401/" did not occur: remove it from the known-findings list`,
    ]);
  });

  it('keeps `npm run verify` green on a drift the list accepts, and red on any other', async () => {
    const file = findingsFile(
      `- check: pact\n  interaction: "${GONE}"\n  matching: "expected 404 but was 401"\n  reason: reported upstream\n`,
    );
    const { run } = await verifyAgainstDrift('no-404', { KNOWN_FINDINGS_FILE: file });
    expect(run.code).toBe(0);
    const [gone] = casesWithStatus(404);
    expect(reportRow(run.stdout, gone!).line).toMatch(/^KNOW /);
    const other = await verifyAgainstDrift('wrong-status', { KNOWN_FINDINGS_FILE: file });
    expect(other.run.code).toBe(1);
    expect(other.run.stdout).toContain('stale: the known finding');
  });
});
