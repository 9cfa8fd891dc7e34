import { stringify } from 'yaml';
import { stdErrorCode } from '../nangoApi';
import type { Finding } from './classify';
import type { RecordedAnswer } from './recorded';

/** The declarations a team would add for what a verification found, as YAML to paste: never applied by this suite. */
export interface Declarations {
  /** Entries for contracts/pending-interactions.yaml: interactions Pact's own matching failed (the broker hears those). */
  readonly pending: string;
  /** Entries for contracts/known-findings.yaml: causes the spec objected to where Pact passed (the broker hears Pact's success). */
  readonly known: string;
  /**
   * Entries for contracts/known-findings.yaml that accept what hostile checks found: one per cause and check, as
   * narrow as its answers allow (their status and error code when they share one). The pact's gate is not touched.
   */
  readonly hostile: string;
}

/** What verification says of an answer it showed Pact as a stand-in because it broke the spec: not Pact's verdict on it. */
const STAND_IN = /^published as a failure: /;
/** Pact's matching lets a response body carry properties the pact does not name: the one objection Pact never shares. */
const PACT_IGNORES = /^extra-property /;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What it takes for the gate to go green on these findings, each entry naming the findings it answers:
 * - an interaction of a verification whose answer Pact's own matching fails (a status, a body: any objection but
 *   a property Pact ignores), not yet declared pending nor accepted: declared pending, the consumer's reviewed
 *   statement that the provider does not honour it yet (the broker is told it fails, pending, and `success`
 *   without it);
 * - a root cause the spec alone objects to, Pact's matching passing it (a property the body carries beyond the
 *   schema's, which Pact's matching allows): accepted in the known-findings list, as narrowly as its answers allow
 *   (its status when they share one, the objection's text); the recording proxy then shows Pact the real answer,
 *   so the broker hears Pact's own verdict, success. Where results are published, a spec-breaking answer reached
 *   Pact only as a stand-in, so Pact's verdict is judged from the objections, not from what the stand-in got.
 * Hostile findings (the hostile run's own gate): one known-findings entry per cause and check, once reviewed.
 */
export function declarationsFor(findings: readonly Finding[], answers: readonly RecordedAnswer[]): Declarations {
  const byId = new Map(answers.map((answer) => [answer.id, answer] as const));
  const causesOf = (id: string): Finding[] =>
    findings.filter((finding) => finding.answer.id === id || finding.alsoIn.includes(id));
  const open = (answer: RecordedAnswer): boolean =>
    answer.source === 'verification' &&
    answer.accepted === undefined &&
    answer.declaredPending !== true &&
    answer.interaction !== undefined;

  const pactsOwn = (answer: RecordedAnswer): string[] =>
    answer.pactProblems.filter((problem) => !STAND_IN.test(problem));
  /** Whether Pact's own matching fails the answer: a problem of its own, or a cause beyond what Pact ignores. */
  const failsPact = (answer: RecordedAnswer): boolean =>
    pactsOwn(answer).length > 0 || causesOf(answer.id).some((finding) => !PACT_IGNORES.test(finding.key));
  const pending = answers
    .filter((answer) => open(answer) && failsPact(answer))
    .map((answer) => {
      const causes = causesOf(answer.id).filter((finding) => !PACT_IGNORES.test(finding.key));
      const what = causes.length
        ? causes.map((finding) => `${finding.id}: ${finding.title}`).join('; ')
        : pactsOwn(answer).join('; ');
      return {
        interaction: answer.interaction ?? '',
        reason: `${what} (reports/findings.md). Reported upstream as <issue>; pending until the provider honours the pact or the spec stops promising it.`,
      };
    });

  const known = findings.flatMap((finding) => {
    if (!PACT_IGNORES.test(finding.key)) return [];
    const schemaOnly = finding.seen.filter((sighting) => {
      const answer = byId.get(sighting.id);
      return answer !== undefined && open(answer) && !failsPact(answer);
    });
    if (schemaOnly.length === 0) return [];
    const statuses = [...new Set(schemaOnly.flatMap((sighting) => byId.get(sighting.id)?.status ?? []))];
    // The objection without its status ("401 body: …" → "body: …"), as the schema check words it.
    const texts = [...new Set(schemaOnly.map((sighting) => sighting.problem.replace(/^\d{3} /, '')))];
    return [
      {
        check: 'schema',
        ...(statuses.length === 1 ? { status: statuses[0] } : {}),
        matching: texts.map(escapeRegExp).join('|'),
        reason: `${finding.id}: ${finding.title}, on ${[...new Set(schemaOnly.map((sighting) => sighting.operation))].join(', ')} (reports/findings.md). Pact passes these answers; reported upstream as <issue>.`,
      },
    ];
  });
  const hostile = findings.flatMap((finding) => {
    const open = finding.seen.flatMap((sighting) => {
      const answer = byId.get(sighting.id);
      return answer?.source === 'hostile' && answer.accepted === undefined && answer.check !== undefined
        ? [{ answer, check: answer.check, operation: sighting.operation }]
        : [];
    });
    return [...new Set(open.map(({ check }) => check))].map((check) => {
      const mine = open.filter((sighting) => sighting.check === check);
      const statuses = [...new Set(mine.map(({ answer }) => answer.status))];
      const codes = [...new Set(mine.map(({ answer }) => stdErrorCode(answer.body)))];
      const [code] = codes;
      return {
        check,
        ...(statuses.length === 1 ? { status: statuses[0] } : {}),
        ...(codes.length === 1 && code !== undefined ? { code } : {}),
        reason: `${finding.id}: ${finding.title}, on ${[...new Set(mine.map(({ operation }) => operation))].join(', ')} (reports/findings.md). Reported upstream as <issue>; accepted until it is fixed.`,
      };
    });
  });
  return {
    pending: pending.length ? stringify(pending, { lineWidth: 0 }) : '',
    known: known.length ? stringify(known, { lineWidth: 0 }) : '',
    hostile: hostile.length ? stringify(hostile, { lineWidth: 0 }) : '',
  };
}
