import { OPERATIONS, sessionPointer, SETUP } from '../cases';
import { operationLabel } from '../nangoApi';
import type { FoundFailure } from './hostileSearch';
import { answersOf } from './observation';
import { rolesOf, SHELL_VARIABLE, shellExpression, withPlaceholders } from './placeholders';
import type { SentRequest } from './rawRequest';

const PAD_BODY = /^\{"pad":"(x+)"\}$/;

/**
 * The request as a `curl` line ready to paste into bash: its placeholders become `${NANGO_SECRET_KEY}`,
 * `${CONNECT_SESSION_TOKEN}` (a live session's token, created as the run did with POST /connect/sessions),
 * `${DELETED_SESSION_TOKEN}`, or an expression over one (a token one character off); everything else is quoted
 * as sent; a large padding body is rebuilt rather than printed. `parallel` sends that many at once.
 */
export function curlLine(baseUrl: string, request: SentRequest, parallel = 1): string {
  // curl -X HEAD would wait for a body that never comes; -I sends HEAD and reads the headers alone.
  const parts = [request.method === 'HEAD' ? 'curl -I' : `curl -i -X ${request.method}`, quote(`${baseUrl.replace(/\/$/, '')}${request.target}`)];
  for (const [name, value] of Object.entries(request.headers)) parts.push(`-H ${quote(`${name}: ${value}`)}`);
  if (request.body !== undefined) {
    // curl would add a form content type of its own: an empty value keeps the request as it was sent.
    if (!Object.keys(request.headers).some((name) => name.toLowerCase() === 'content-type')) parts.push('-H "Content-Type:"');
    const pad = PAD_BODY.exec(request.body);
    parts.push(
      pad ? `--data-binary "$(node -e 'process.stdout.write(JSON.stringify({pad:"x".repeat(${pad[1]?.length ?? 0})}))')"` : `--data-binary ${quote(request.body, 'utf8')}`,
    );
  }
  const line = parts.join(' ');
  return parallel > 1 ? `for i in $(seq ${parallel}); do ${line} & done; wait` : line;
}

/** Which of a case's requests reproduce one of its failures: those up to the failing one, in order; a race's all at once. */
export function reproRequests({ failure, observation, example }: Pick<FoundFailure, 'failure' | 'observation' | 'example'>): { readonly requests: readonly SentRequest[]; readonly parallel: number } {
  if (example.kind === 'race') return { requests: [failure.request], parallel: example.parallel };
  const sent = answersOf(observation).map((answer) => answer.request);
  // A repeat sends one request object again and again: the last of them is as far as it must go.
  const last = sent.lastIndexOf(failure.request);
  return { requests: last === -1 ? [failure.request] : sent.slice(0, last + 1), parallel: 1 };
}

/** The operations whose success creates a connect session, as their case tables say. */
const CREATING = OPERATIONS.filter((operation) => sessionPointer(operation) !== undefined).map(({ operation }) => operation);
const creates = (request: SentRequest): boolean => CREATING.some((operation) => operation.method.toUpperCase() === request.method && operation.path === new URL(request.target, 'http://x').pathname);

/** The end user the sessions a pasted repro creates are for, so an operator can tell them apart. */
const REPRO_END_USER = 'contract-tests-repro';

/**
 * Lines to paste into bash that reproduce a failure by themselves: they ask for `NANGO_SECRET_KEY` when they
 * need it (and stop without it), create the live or deleted session the requests name (`POST /connect/sessions`,
 * the token kept in a shell variable, never printed), send the requests in order (a race's at once), so the last
 * curl's answer is the failing one, then delete the live session quietly.
 */
export function curlRepro(baseUrl: string, requests: readonly SentRequest[], parallel = 1): string[] {
  const base = baseUrl.replace(/\/$/, '');
  const roles = new Set(requests.flatMap(rolesOf));
  const quietDelete = (variable: string) => `curl -s -o /dev/null -X DELETE "${base}${SETUP.deleteSession.path}" -H "authorization: Bearer \${${variable}}"`;
  const newSession = (variable: string) =>
    `${variable}="$(curl -s -X POST "${base}${SETUP.createSession.path}" -H "authorization: Bearer \${${SHELL_VARIABLE.secret}}" -H "content-type: application/json" --data-binary '{"end_user":{"id":"${REPRO_END_USER}"}}' | sed -n 's/.*"token":"\\([^"]*\\)".*/\\1/p')"; : "\${${variable}:?${operationLabel(SETUP.createSession)} gave no token: check ${SHELL_VARIABLE.secret}}"`;
  const lines: string[] = [];
  if (roles.has('secret') || roles.has('live') || roles.has('deleted')) lines.push(`: "\${${SHELL_VARIABLE.secret}:?set ${SHELL_VARIABLE.secret} to the secret key of the Nango environment}"`);
  if (roles.has('live')) lines.push(newSession(SHELL_VARIABLE.live));
  if (roles.has('deleted')) lines.push(`${newSession(SHELL_VARIABLE.deleted)}; ${quietDelete(SHELL_VARIABLE.deleted)}`);
  const [first] = requests;
  if (parallel > 1 && first) lines.push(curlLine(baseUrl, first, parallel));
  else lines.push(...requests.map((request) => (creates(request) ? deletingWhatItCreates(base, curlLine(baseUrl, request), quietDelete) : curlLine(baseUrl, request))));
  if (roles.has('live')) lines.push(`${quietDelete(SHELL_VARIABLE.live)} # clean up`);
  if (parallel > 1 && first && creates(first)) {
    lines.push(`# each answered 201 created a session: delete it with the token of its answer, curl -X DELETE "${base}${SETUP.deleteSession.path}" -H "authorization: Bearer <token>" (or let it expire in 30 minutes)`);
  }
  return lines;
}

/** The answer's token, when it holds one: what a creating request's repro deletes once its answer is shown. */
const CREATED = 'CREATED_SESSION_TOKEN';

/**
 * A request that creates a session, as lines that send it and show its answer as curl prints it, then delete the
 * session its answer names (if any): a pasted repro leaves nothing on the provider.
 */
function deletingWhatItCreates(base: string, line: string, quietDelete: (variable: string) => string): string {
  return [
    // -sS: inside $(...) curl would draw its progress meter on the terminal.
    `ANSWER="$(${line} -sS)"; printf '%s\\n' "$ANSWER"`,
    `${CREATED}="$(printf '%s' "$ANSWER" | sed -n 's/.*"token":"\\(nango_connect_session_[0-9a-f]*\\)".*/\\1/p')"`,
    `if [ -n "\${${CREATED}}" ]; then ${quietDelete(CREATED)}; fi # clean up the session it created at ${base}`,
  ].join('; ');
}

/**
 * Double-quoted for bash, with the placeholders left to expand. In a header (Latin-1 on the wire) a byte outside
 * printable ASCII is written as `$'\xHH'`, so curl sends the same bytes; a body keeps its UTF-8 text and only
 * escapes control characters.
 */
function quote(text: string, encoding: 'latin1' | 'utf8' = 'latin1'): string {
  const unprintable = encoding === 'latin1' ? /[^\x20-\x7e]/g : /[\x00-\x1f\x7f]/g;
  const expressions: string[] = [];
  // Placeholders out of the way first (they are marked by NUL, which the escaping below would touch).
  const marked = withPlaceholders(text, (role, change) => `\u0001${expressions.push(shellExpression(role, change)) - 1}\u0001`);
  const escaped = marked
    .split('\u0001')
    .map((segment, index) =>
      index % 2 === 1
        ? (expressions[Number(segment)] ?? '')
        : segment.replace(/(["\\$`])/g, '\\$1').replace(unprintable, (char) => `"$'\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}'"`),
    )
    .join('');
  return `"${escaped}"`;
}
