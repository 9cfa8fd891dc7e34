import { anySessionToken } from '../sessionToken';
import type { SentRequest } from './rawRequest';

const ANY_SESSION_TOKEN = anySessionToken();
const PAD_BODY = /^\{"pad":"(x+)"\}$/;

/**
 * The request as a `curl` line ready to paste into a shell: secrets become `$NANGO_SECRET_KEY` and
 * `$CONNECT_SESSION_TOKEN` (a session's token, created as the run did with POST /connect/sessions), everything
 * else is quoted as sent; a large padding body is rebuilt rather than printed.
 */
export function curlLine(baseUrl: string, request: SentRequest, secretKey: string): string {
  const placeholders = (text: string): string => text.split(secretKey).join('\u0000NANGO_SECRET_KEY\u0000').replace(ANY_SESSION_TOKEN, '\u0000CONNECT_SESSION_TOKEN\u0000');
  // curl -X HEAD would wait for a body that never comes; -I sends HEAD and reads the headers alone.
  const parts = [request.method === 'HEAD' ? 'curl -I' : `curl -i -X ${request.method}`, quote(placeholders(`${baseUrl.replace(/\/$/, '')}${request.target}`))];
  for (const [name, value] of Object.entries(request.headers)) parts.push(`-H ${quote(placeholders(`${name}: ${value}`))}`);
  if (request.body !== undefined) {
    // curl would add a form content type of its own: an empty value keeps the request as it was sent.
    if (!Object.keys(request.headers).some((name) => name.toLowerCase() === 'content-type')) parts.push('-H "Content-Type:"');
    const pad = PAD_BODY.exec(request.body);
    parts.push(
      pad ? `--data-binary "$(node -e 'process.stdout.write(JSON.stringify({pad:"x".repeat(${pad[1]?.length ?? 0})}))')"` : `--data-binary ${quote(placeholders(request.body), 'utf8')}`,
    );
  }
  return parts.join(' ');
}

/**
 * Double-quoted for bash, with the placeholders (marked by NUL) left to expand. In a header (Latin-1 on the
 * wire) a byte outside printable ASCII is written as `$'\xHH'`, so curl sends the same bytes; a body keeps its
 * UTF-8 text and only escapes control characters.
 */
function quote(text: string, encoding: 'latin1' | 'utf8' = 'latin1'): string {
  const unprintable = encoding === 'latin1' ? /[^\x20-\x7e]/g : /[\x00-\x1f\x7f]/g;
  const escaped = text
    .split('\u0000')
    .map((segment, index) =>
      index % 2 === 1
        ? `\${${segment}}`
        : segment.replace(/(["\\$`])/g, '\\$1').replace(unprintable, (char) => `"$'\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}'"`),
    )
    .join('');
  return `"${escaped}"`;
}
