import { relative } from 'node:path';
import { CONSUMER } from '../cases';
import type { PendingDeclaration } from '../pact/pendingInteractions';
import { PROJECT_ROOT } from '../projectRoot';
import type { VerificationReport } from '../verification/results';

/**
 * Points each of this consumer's pending interactions at the line that declares it, so a run on which one passes
 * names what to remove. Another consumer's pending interactions are its own to lift.
 */
export function withPendingDeclarations(
  report: VerificationReport,
  declarations: readonly PendingDeclaration[],
  file: string,
): VerificationReport {
  const where = relative(PROJECT_ROOT, file) || file;
  const pacts = report.pacts.map((pact) => {
    if (pact.consumer !== CONSUMER) return pact;
    const results = pact.results.map((result) => {
      const declaration =
        result.declaredPending === undefined
          ? undefined
          : declarations.find(({ interaction }) => interaction === result.description);
      return declaration ? { ...result, pendingDeclaredAt: `${where}:${declaration.line} declares it` } : result;
    });
    return { ...pact, results };
  });
  return { ...report, pacts };
}
