import { stringify } from 'yaml';
import { operationLabel } from '../nangoApi';
import { LIFECYCLE } from '../cases';
import type { Finding } from './classify';
import type { StillUndescribed } from './overlay';
import type { Recorded } from './recorded';

const fence = (language: string, text: string): string => {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${language}\n${text.trimEnd()}\n${ticks}`;
};

const WHAT: Readonly<Record<Finding['disposition']['kind'], string>> = {
  patch: 'spec patch',
  defect: 'server defect',
  note: 'note',
};

/** The longest line a repro keeps in findings.md: a longer one is cut, and findings.json has it whole. */
export const REPRO_LINE_LIMIT = 800;
/** The most of an answer's body findings.md shows; findings.json has it whole. */
const BODY_SHOWN = 1_000;
/** The most lines of the spec's clause findings.md quotes: enough to read the rule, the pointer names the rest (a report must fit one issue). */
const CLAUSE_LINES = 20;

/**
 * findings.md: one section per root cause (rootCause.ts's rule), in the order first recorded, ready to paste into
 * one issue on the provider's tracker: where it was seen (every operation, check and answer), what the spec says
 * (quoted once, with its JSON pointer), what the server did and a curl repro (the shortest of its answers, secrets
 * as placeholders), whether it is accepted, and one action (the overlay's, merged per target, or why it is a server
 * defect). Every answer and every request whole is in `evidenceFile` beside it.
 */
export function findingsMarkdown(
  recorded: Recorded,
  findings: readonly Finding[],
  specFile: string,
  overlayFile: string,
  left: readonly StillUndescribed[],
  absorbed: readonly string[],
  evidenceFile = 'findings.json',
): string {
  const count = (kind: Finding['disposition']['kind']) =>
    findings.filter((finding) => finding.disposition.kind === kind).length;
  const lines = [
    `# Findings: the connect-session lifecycle on ${recorded.targets.join(', ') || 'no target'}`,
    '',
    `From ${recorded.sources.join(' and ')}; judged against \`${specFile}\`.`,
    ...recorded.notes.map((note) => `\n> ${note}`),
    '',
    findings.length
      ? `${findings.length} root cause(s): ${count('patch')} to patch into the spec (\`${overlayFile}\`), ${count('defect')} server defect(s), ${count('note')} note(s). One section per cause; every answer and request whole: \`${evidenceFile}\`.`
      : 'Nothing found: every recorded answer is what the spec describes, and no check failed.',
  ];
  if (absorbed.length)
    lines.push('', `Already described by \`${specFile}\` (objected to when recorded): ${absorbed.join(', ')}.`);
  if (findings.length) {
    lines.push('', '| cause | seen | what to do |', '|---|---|---|');
    for (const finding of findings)
      lines.push(
        `| ${finding.id} · ${cell(finding.title)} | ${seenSummary(finding)} | ${WHAT[finding.disposition.kind]} |`,
      );
  }
  for (const finding of findings) {
    const { answer, disposition } = finding;
    lines.push('', `## ${finding.id} · ${finding.title} (${WHAT[disposition.kind]})`, '');
    lines.push(
      `- **Seen**: ${seenSummary(finding)}: ${seenOn(finding)}; by ${[...new Set(finding.seen.map((sighting) => sighting.by))].join(', ')}`,
    );
    const objections = [...new Set(finding.seen.map((sighting) => sighting.problem))];
    lines.push(
      `- **Objections**: ${objections
        .slice(0, 5)
        .map((problem) => `\`${oneLine(problem)}\``)
        .join('; ')}${objections.length > 5 ? `; and ${objections.length - 5} more (\`${evidenceFile}\`)` : ''}`,
    );
    lines.push(`- **Found by**: ${answer.foundBy}`);
    lines.push(
      `- **Accepted**: ${answer.accepted ? `yes${answer.accepted.expires ? `, until ${answer.accepted.expires}` : ''}: ${answer.accepted.reason}` : 'no'}`,
    );
    lines.push(
      `- **What the spec says** (\`#${finding.clause.pointer}\` in \`${specFile}\`):`,
      '',
      fence('yaml', clauseText(finding.clause.node)),
      '',
    );
    lines.push(
      `- **What the server did** (${answer.id}): ${answer.method} ${answer.path} answered ${answer.status}${answer.contentType ? `, ${answer.contentType}` : ''}`,
      '',
      fence(
        answer.body.trimStart().startsWith('{') ? 'json' : 'text',
        shown(answer.body, BODY_SHOWN, evidenceFile) || '(no body)',
      ),
      '',
    );
    lines.push(
      answer.curl
        ? `- **Reproduce** (paste into bash: secrets are shell variables, the sessions it needs it creates):\n\n${fence(
            'sh',
            answer.curl
              .split('\n')
              .map((line) => shown(line, REPRO_LINE_LIMIT, evidenceFile))
              .join('\n'),
          )}`
        : "- **Reproduce**: not one of this suite's cases: see the pact interaction",
    );
    lines.push('', `- **What to do**: ${disposition.why}.`);
    if (disposition.kind === 'patch')
      for (const action of disposition.actions)
        lines.push(`  - overlay action on \`${action.target}\`: ${action.description}`);
    if (disposition.kind === 'defect') lines.push('  - a server defect: report it; no spec change should absorb it.');
  }
  if (recorded.undocumented?.length) {
    lines.push('', '## Spec gaps the suite itself relies on', '');
    for (const request of recorded.undocumented) {
      lines.push(
        `- \`${request}\`: sent by the verification's own provider states, and documented nowhere in \`${specFile}\`. The reconnect case and the connection cases need a connection made through a connect session; the Connect UI makes one with this request (\`?connect_session_token=\`, answering \`{connectionId, providerConfigKey}\`), and Nango's public API documents no other way. Ask for it to be documented, or for a documented way to make such a connection.`,
      );
    }
  }
  if (left.length) {
    lines.push('', '## Not yet described by the patched spec', '');
    for (const { answer, problems } of left) lines.push(`- ${answer.id} (${answer.status}): ${problems.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `9 answers, 4 operations`. */
function seenSummary(finding: Finding): string {
  const answers = new Set(finding.seen.map((sighting) => sighting.id)).size;
  const operations = new Set(finding.seen.map((sighting) => sighting.operation)).size;
  return `${answers} answer${answers === 1 ? '' : 's'}, ${operations} operation${operations === 1 ? '' : 's'}`;
}

/** `POST /connect/sessions (V4, H-F2); DELETE /connect/session (V6)`, in the lifecycle's order. */
function seenOn(finding: Finding): string {
  const byOperation = new Map<string, string[]>();
  for (const { operation, id } of finding.seen) {
    const ids = byOperation.get(operation) ?? [];
    if (!ids.includes(id)) ids.push(id);
    byOperation.set(operation, ids);
  }
  const rank = (operation: string): number => {
    const index = LIFECYCLE.findIndex((documented) => operationLabel(documented) === operation);
    return index === -1 ? LIFECYCLE.length : index;
  };
  return [...byOperation]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(
      ([operation, ids]) =>
        `${operation}${rank(operation) === LIFECYCLE.length ? ' (no documented operation)' : ''} (${ids.join(', ')})`,
    )
    .join('; ');
}

const cell = (text: string): string => oneLine(text).replace(/\|/g, '\\|');
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The text, or its first `limit` characters and where the rest is. */
function shown(text: string, limit: number, evidenceFile: string): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… (${text.length} characters in all: see ${evidenceFile})`;
}

function clauseText(node: unknown): string {
  if (node === undefined) return '(nothing)';
  const text = stringify(node, { lineWidth: 0 }).trimEnd().split('\n');
  return text.length <= CLAUSE_LINES
    ? text.join('\n')
    : [
        ...text.slice(0, CLAUSE_LINES),
        `# … ${text.length - CLAUSE_LINES} more lines: see the spec at this pointer`,
      ].join('\n');
}

/** findings.json: every finding with every answer and request whole, beside findings.md. */
export function findingsEvidence(recorded: Recorded, findings: readonly Finding[], specFile: string): string {
  const byId = new Map(recorded.answers.map((answer) => [answer.id, answer] as const));
  return `${JSON.stringify(
    {
      sources: recorded.sources,
      targets: recorded.targets,
      spec: specFile,
      findings: findings.map((finding) => ({
        id: finding.id,
        title: finding.title,
        cause: finding.key,
        disposition: finding.disposition,
        clause: finding.clause,
        seen: finding.seen,
        answers: [finding.answer.id, ...finding.alsoIn].flatMap((id) => byId.get(id) ?? []),
      })),
    },
    null,
    2,
  )}\n`;
}
