import { SETUP } from '../cases';
import { operationLabel } from '../nangoApi';
import { CONNECT_SESSION_TOKEN_PREFIX, tokenOf } from '../sessionToken';
import type { SentRequest } from './rawRequest';

/**
 * Secrets and tokens in a hostile request, written as placeholders with their role: what the runner records,
 * what reports, findings files and curl lines show, and what a replay fills in with fresh values. The real value
 * is put in only on the way out (`resolve`), so nothing the run keeps holds a secret.
 */
export type Role = 'live' | 'deleted' | 'secret' | 'unknown';

/** What each role stands for, in findings files and replays. */
export const ROLE_MEANING: Readonly<Record<Role, string>> = {
  live: `a live connect session's token: a session created for the request (${operationLabel(SETUP.createSession)})`,
  deleted: "a deleted connect session's token: a session created, then deleted, for the request",
  secret: "the environment's secret key (NANGO_SECRET_KEY)",
  unknown: `a well-formed token of no session: ${CONNECT_SESSION_TOKEN_PREFIX} and 0123456789abcdef four times`,
};

/** A token in the right format that no session has: the same every run, so a failure replays. */
export const UNKNOWN_TOKEN = tokenOf('0123456789abcdef');

/** One character off a live token, each a different way past the token format. */
export const OFF_BY_ONE = ['drop-last', 'add-hex', 'uppercase-hex', 'non-hex', 'wrong-prefix'] as const;
export type OffByOne = (typeof OFF_BY_ONE)[number];

/** The values a request's placeholders stand for in one run. */
export type RoleValues = Readonly<Partial<Record<Role, string>>>;

// NUL cannot occur in what the generators make (headers drop control characters; strings are printable).
const MARK = '\u0000';
const PLACEHOLDER = /\u0000(live|deleted|secret|unknown)(?:\|([a-z-]+))?\u0000/g;

/** A placeholder for the value of `role`, transformed by `change` (only a live token is). */
export function placeholder(role: Role, change?: OffByOne): string {
  return `${MARK}${role}${change ? `|${change}` : ''}${MARK}`;
}

export function offByOne(change: OffByOne, token: string): string {
  switch (change) {
    case 'drop-last':
      return token.slice(0, -1);
    case 'add-hex':
      return `${token}a`;
    case 'uppercase-hex':
      return token.replace(/[a-f](?=[0-9]*$)/, (hex) => hex.toUpperCase());
    case 'non-hex':
      return `${token.slice(0, -1)}g`;
    case 'wrong-prefix':
      return token.replace(CONNECT_SESSION_TOKEN_PREFIX, `${CONNECT_SESSION_TOKEN_PREFIX.slice(0, -2)}_`);
  }
}

/** The text with every placeholder replaced by `write(role, change)`. */
function rewrite(text: string, write: (role: Role, change: OffByOne | undefined) => string): string {
  return text.replace(PLACEHOLDER, (_all, role: Role, change: OffByOne | undefined) => write(role, change));
}

function mapRequest(request: SentRequest, write: (text: string) => string): SentRequest {
  return {
    method: request.method,
    target: write(request.target),
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, write(value)])),
    body: request.body === undefined ? undefined : write(request.body),
  };
}

/** The request as it goes on the wire, with this run's values. */
export function resolve(request: SentRequest, values: RoleValues): SentRequest {
  return mapRequest(request, (text) =>
    rewrite(text, (role, change) => {
      const value = values[role];
      if (value === undefined) throw new Error(`no ${role} value for a request that names one`);
      return change ? offByOne(change, value) : value;
    }),
  );
}

/** The request with readable placeholders (`{{live}}`, `{{live|drop-last}}`, `{{secret}}`), for files and reports. */
export function readable(request: SentRequest): SentRequest {
  return mapRequest(request, (text) => rewrite(text, (role, change) => `{{${role}${change ? `|${change}` : ''}}}`));
}

/** Back from `readable`: a request read from a findings file, with its placeholders live again. */
export function fromReadable(request: SentRequest): SentRequest {
  return mapRequest(request, (text) => text.replace(/\{\{(live|deleted|secret|unknown)(?:\|([a-z-]+))?\}\}/g, (_all, role: Role, change?: string) => placeholder(role, change as OffByOne | undefined)));
}

/** The roles a request names. */
export function rolesOf(request: SentRequest): Role[] {
  const text = [request.target, ...Object.values(request.headers), request.body ?? ''].join('\n');
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as Role))];
}

/** The shell variable each role is written as in a curl line. */
export const SHELL_VARIABLE: Readonly<Record<Exclude<Role, 'unknown'>, string>> = { live: 'CONNECT_SESSION_TOKEN', deleted: 'DELETED_SESSION_TOKEN', secret: 'NANGO_SECRET_KEY' };

/**
 * A bash expression for a placeholder, inside double quotes: the variable, or the variable transformed, so a curl
 * line never holds a piece of a token (a token one character off is the token, less or more one character).
 */
export function shellExpression(role: Role, change: OffByOne | undefined): string {
  // Built by the shell, so no text the run prints has the shape of a token (redaction would take it).
  if (role === 'unknown') return `${CONNECT_SESSION_TOKEN_PREFIX}$(printf '0123456789abcdef%.0s' 1 2 3 4)`;
  const name = SHELL_VARIABLE[role];
  switch (change) {
    case undefined:
      return `\${${name}}`;
    case 'drop-last':
      return `\${${name}%?}`;
    case 'add-hex':
      return `\${${name}}a`;
    case 'non-hex':
      return `\${${name}%?}g`;
    case 'wrong-prefix':
      return `${CONNECT_SESSION_TOKEN_PREFIX.slice(0, -2)}_\${${name}#${CONNECT_SESSION_TOKEN_PREFIX}}`;
    case 'uppercase-hex':
      // The last a-f upper-cased (bash 4: ${x^^}).
      return `$([[ $${name} =~ ^(.*)([a-f])([0-9]*)$ ]] && printf %s "\${BASH_REMATCH[1]}\${BASH_REMATCH[2]^^}\${BASH_REMATCH[3]}")`;
  }
}

/** The text with each placeholder turned into `write(role, change)`'s text, for renderers. */
export function withPlaceholders(text: string, write: (role: Role, change: OffByOne | undefined) => string): string {
  return rewrite(text, write);
}
