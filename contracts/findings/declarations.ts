import { stringify } from 'yaml';
import type { Finding } from './classify';
import type { RecordedAnswer } from './recorded';

/** The declarations a team would add for what a verification found, as YAML to paste: never applied by this suite. */
export interface Declarations {
  /** Entries for contracts/pending-interactions.yaml: interactions Pact's own matching failed (the broker hears those). */
  readonly pending: string;
  /** Entries for contracts/known-findings.yaml: causes the spec objected to where Pact passed (the broker hears Pact's success). */
  readonly known: string;
}

const CONFORMANCE = new Set(['status_code_conformance', 'content_type_conformance', 'response_schema_conformance']);
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What it takes for the gate to go green on these findings, each entry naming the findings it answers:
 * - an interaction of a verification whose answer Pact's own matching failed (status, body), not yet declared
 *   pending nor accepted: declared pending, the consumer's reviewed statement that the provider does not honour it
 *   yet (the broker is told it fails, pending, and `success` without it);
 * - a root cause the spec objected to on answers Pact passed (schema only): accepted in the known-findings list,
 *   as narrowly as its answers allow (its status when they share one, the objection's text); the recording proxy
 *   then shows Pact the real answer, so the broker hears Pact's own verdict, success.
 * Hostile findings take no part: the gate is the pact's.
 */
export function declarationsFor(findings: readonly Finding[], answers: readonly RecordedAnswer[]): Declarations {
  const byId = new Map(answers.map((answer) => [answer.id, answer] as const));
  const causesOf = (id: string): Finding[] => findings.filter((finding) => finding.answer.id === id || finding.alsoIn.includes(id));
  const open = (answer: RecordedAnswer): boolean => answer.source === 'verification' && answer.accepted === undefined && answer.declaredPending !== true && answer.interaction !== undefined;

  const pending = answers
    .filter((answer) => open(answer) && answer.pactProblems.length > 0)
    .map((answer) => {
      const causes = causesOf(answer.id);
      const what = causes.length ? causes.map((finding) => `${finding.id}: ${finding.title}`).join('; ') : answer.pactProblems.join('; ');
      return {
        interaction: answer.interaction ?? '',
        reason: `${what} (reports/findings.md; Pact: ${answer.pactProblems.join('; ')}). Reported upstream as <issue>; pending until the provider honours the pact or the spec stops promising it.`,
      };
    });

  const known = findings.flatMap((finding) => {
    const schemaOnly = finding.seen.filter((sighting) => {
      const answer = byId.get(sighting.id);
      return answer !== undefined && open(answer) && answer.pactProblems.length === 0 && CONFORMANCE.has(sighting.by);
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
  return { pending: pending.length ? stringify(pending, { lineWidth: 0 }) : '', known: known.length ? stringify(known, { lineWidth: 0 }) : '' };
}
