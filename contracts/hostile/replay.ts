import { judge, type Failure, type JudgeContext } from './checks';
import type { RecordedFinding } from './findingsFile';
import type { HostileCase } from './hostileCases';
import { answersOf, type Observation } from './observation';

/** What re-sending one recorded finding showed. */
export interface ReplayResult {
  readonly finding: RecordedFinding;
  /** The same failure (check, status and error code) again, when it came back. */
  readonly again: Failure | undefined;
  /** The statuses this time, in order. */
  readonly statuses: readonly number[];
}

/**
 * Re-sends each finding's case (fresh sessions fill its placeholders; a race's requests go at once) through
 * `run`, judges what came back with the same checks, and says whether the same failure showed again.
 */
export async function replay(
  findings: readonly RecordedFinding[],
  run: (hostile: HostileCase) => Promise<Observation>,
  context: JudgeContext,
  stopped: () => boolean,
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const finding of findings) {
    if (stopped()) break;
    const observation = await run(finding.case);
    const again = judge(observation, context).failures.find(
      (failure) =>
        failure.check === finding.check &&
        (failure.status ?? null) === finding.status &&
        (failure.code ?? null) === finding.code,
    );
    results.push({ finding, again, statuses: answersOf(observation).map((answer) => answer.response.status) });
  }
  return results;
}

export function replayLine({ finding, again, statuses }: ReplayResult): string {
  const what = `${finding.check} (status ${finding.status ?? 'none'}${finding.code ? `, ${finding.code}` : ''})`;
  return again
    ? `${finding.id} reproduced: ${what}: ${again.message}`
    : `${finding.id} not reproduced: ${what} did not occur (answered ${statuses.join(', ') || 'nothing'})`;
}
