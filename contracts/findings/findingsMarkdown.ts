import { stringify } from 'yaml';
import { operationLabel } from '../nangoApi';
import { LIFECYCLE, operationAt } from '../cases';
import type { Finding } from './classify';
import type { StillUndescribed } from './overlay';
import type { Recorded } from './recorded';

const fence = (language: string, text: string): string => {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${language}\n${text.trimEnd()}\n${ticks}`;
};

const WHAT: Readonly<Record<Finding['disposition']['kind'], string>> = { patch: 'spec patch', defect: 'server defect', note: 'note' };

/**
 * findings.md: one section per operation, in the lifecycle's order (then requests to no documented operation, such
 * as an undocumented method), and in it one section per distinct finding, ready to paste into an issue on the provider's tracker: what the
 * spec says (quoted, with its JSON pointer), what the server did, a curl repro with placeholders for secrets,
 * what found it, whether it is accepted, and what to do (the overlay's actions, or why it is a server defect).
 */
export function findingsMarkdown(recorded: Recorded, findings: readonly Finding[], specFile: string, overlayFile: string, left: readonly StillUndescribed[], absorbed: readonly string[]): string {
  const count = (kind: Finding['disposition']['kind']) => findings.filter((finding) => finding.disposition.kind === kind).length;
  const lines = [
    `# Findings: the connect-session lifecycle on ${recorded.targets.join(', ') || 'no target'}`,
    '',
    `From ${recorded.sources.join(' and ')}; judged against \`${specFile}\`.`,
    ...recorded.notes.map((note) => `\n> ${note}`),
    '',
    findings.length
      ? `${findings.length} finding(s): ${count('patch')} to patch into the spec (\`${overlayFile}\`), ${count('defect')} server defect(s), ${count('note')} note(s).`
      : 'Nothing found: every recorded answer is what the spec describes, and no check failed.',
  ];
  if (absorbed.length) lines.push('', `Already described by \`${specFile}\` (objected to when recorded): ${absorbed.join(', ')}.`);
  let heading: string | undefined;
  for (const finding of byOperation(findings)) {
    const { answer, disposition } = finding;
    const operation = operationOf(finding);
    if (operation !== heading) lines.push('', `## ${operation}`);
    heading = operation;
    lines.push('', `### ${answer.id} · ${finding.title} (${WHAT[disposition.kind]})`, '');
    lines.push(`- **Found by**: ${answer.foundBy}${finding.alsoIn.length ? `; also in ${finding.alsoIn.join(', ')}` : ''}`);
    lines.push(`- **Accepted**: ${answer.accepted ? `yes${answer.accepted.expires ? `, until ${answer.accepted.expires}` : ''}: ${answer.accepted.reason}` : 'no'}`);
    lines.push(`- **What the spec says** (\`#${finding.clause.pointer}\` in \`${specFile}\`):`, '', fence('yaml', finding.clause.node === undefined ? '(nothing)' : stringify(finding.clause.node, { lineWidth: 0 })), '');
    lines.push(`- **What the server did**: ${answer.method} answered ${answer.status}${answer.contentType ? `, ${answer.contentType}` : ''}`, '', fence(answer.body.trimStart().startsWith('{') ? 'json' : 'text', answer.body || '(no body)'), '');
    lines.push(answer.curl ? `- **Reproduce** (paste into bash: secrets are shell variables, the sessions it needs it creates):\n\n${fence('sh', answer.curl)}` : '- **Reproduce**: not one of this suite\'s cases: see the pact interaction');
    lines.push('', `- **What to do**: ${disposition.why}.`);
    if (disposition.kind === 'patch') for (const action of disposition.actions) lines.push(`  - overlay action on \`${action.target}\`: ${action.description}`);
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

/** `POST /connect/sessions`: the operation a finding's answer is of, or the request's method and path when it is none. */
function operationOf({ answer }: Finding): string {
  const documented = operationAt(answer.method, answer.path);
  return documented ? operationLabel(documented.operation) : `${answer.method.toUpperCase()} ${answer.path} (no documented operation)`;
}

/** The findings in the lifecycle's order of operations, the rest after; each operation's in the order found. */
function byOperation(findings: readonly Finding[]): Finding[] {
  const rank = (finding: Finding): number => {
    const index = LIFECYCLE.findIndex((operation) => operationLabel(operation) === operationOf(finding));
    return index === -1 ? LIFECYCLE.length : index;
  };
  return findings.map((finding, index) => ({ finding, index })).sort((a, b) => rank(a.finding) - rank(b.finding) || a.index - b.index).map(({ finding }) => finding);
}
