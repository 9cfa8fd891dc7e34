import { shellExpression, withPlaceholders } from './placeholders';
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
