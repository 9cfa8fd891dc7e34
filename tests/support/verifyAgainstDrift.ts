import { CASES, operationOfCase, DELETE_SESSION } from '../../contracts/cases';
import type { OperationRef } from '../../contracts/openapi/responseValidators';
import { startDriftingProvider, type Drift } from './driftingProvider';
import { verifyInProcess } from './inProcess';
import type { CliRun } from './runCli';

export const DRIFT_SECRET = 'drift-test-secret-key';

/** The names of the documented cases of `operation` (DELETE, which most drifts change) that expect `status`, as the report prints them. */
export function casesWithStatus(status: number, operation: OperationRef = DELETE_SESSION): string[] {
  return CASES.filter((contractCase) => contractCase.response.status === status && operationOfCase(contractCase).operation === operation).map((contractCase) => contractCase.name);
}

export interface DriftRun {
  readonly run: CliRun;
  readonly providerUrl: string;
  /** Sessions the provider still holds after the run: 0 when the run cleaned up. */
  readonly liveSessions: number;
}

/** Runs `npm run verify` (in-process, the test file's pooled worker) against a provider drifting in one way, then stops the provider. */
export async function verifyAgainstDrift(drift: Drift, env: Record<string, string> = {}): Promise<DriftRun> {
  const provider = await startDriftingProvider(drift, DRIFT_SECRET);
  try {
    const run = await verifyInProcess({ NANGO_BASE_URL: provider.url, NANGO_SECRET_KEY: DRIFT_SECRET, ...env });
    return { run, providerUrl: provider.url, liveSessions: provider.reference.liveSessionCount() };
  } finally {
    await provider.close();
  }
}
