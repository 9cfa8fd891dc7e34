import { readFileSync } from 'node:fs';
import { isJsonObject, textOf, type JsonObject, type JsonValue } from '../json';
import { PENDING_COMMENT_PREFIX } from './pendingInteractions';
import { ContractsError } from '../errors';

/** The parts of a Pact V4 HTTP interaction this suite reads. */
export interface PactHttpInteraction {
  readonly description: string;
  readonly providerStates: readonly string[];
  readonly request: { readonly method: string; readonly path: string };
  readonly response: {
    readonly status: number;
    readonly contentType: string | undefined;
    /** The example body as sent on the wire ('' when the interaction has none). */
    readonly bodyText: string;
  };
  /** Set when the consumer declared it pending (Pact V4 `pending`): the reason its comment gives. */
  readonly pending: string | undefined;
}

export interface PactFile {
  readonly source: string;
  readonly consumer: string;
  readonly provider: string;
  readonly interactions: readonly PactHttpInteraction[];
}

export class PactFileError extends ContractsError {
  override name = 'PactFileError';
}

export function readPactFile(file: string): PactFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PactFileError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PactFileError(`${file}: is not JSON (${(error as Error).message})`);
  }
  return parsePact(json, file);
}

export function parsePact(json: unknown, source: string): PactFile {
  const fail = (problem: string): never => {
    throw new PactFileError(`${source}: ${problem}`);
  };
  if (!isJsonObject(json)) return fail('is not a pact (expected a JSON object)');
  const name = (party: string): string => {
    const node = json[party];
    return isJsonObject(node) && typeof node['name'] === 'string' ? node['name'] : fail(`has no ${party}.name`);
  };
  const interactions = json['interactions'];
  if (!Array.isArray(interactions)) return fail('has no interactions array');
  return {
    source,
    consumer: name('consumer'),
    provider: name('provider'),
    interactions: interactions.map((interaction, index) =>
      parseInteraction(interaction, `interaction #${index + 1}`, fail),
    ),
  };
}

function parseInteraction(node: JsonValue, where: string, fail: (problem: string) => never): PactHttpInteraction {
  if (!isJsonObject(node)) return fail(`${where} is not an object`);
  const type = node['type'];
  if (type !== undefined && type !== 'Synchronous/HTTP')
    return fail(`${where} is a ${textOf(type)} interaction; only HTTP is supported`);
  const { description, request, response } = node;
  if (typeof description !== 'string') return fail(`${where} has no description`);
  if (!isJsonObject(request) || typeof request['method'] !== 'string' || typeof request['path'] !== 'string') {
    return fail(`interaction "${description}" has no request method and path`);
  }
  if (!isJsonObject(response) || typeof response['status'] !== 'number') {
    return fail(`interaction "${description}" has no response status`);
  }
  const states = Array.isArray(node['providerStates']) ? node['providerStates'] : [];
  return {
    description,
    providerStates: states.flatMap((state) =>
      isJsonObject(state) && typeof state['name'] === 'string' ? [state['name']] : [],
    ),
    request: { method: request['method'], path: request['path'] },
    response: { status: response['status'], ...exampleBody(response) },
    pending: node['pending'] === true ? pendingReason(node['comments']) : undefined,
  };
}

/** The reason a pending interaction's comment gives (`pending: …`, as the consumer tests write it). */
function pendingReason(comments: JsonValue | undefined): string {
  const texts = isJsonObject(comments) && Array.isArray(comments['text']) ? comments['text'] : [];
  const reason = texts.find(
    (text): text is string => typeof text === 'string' && text.startsWith(PENDING_COMMENT_PREFIX),
  );
  return reason === undefined ? 'no reason given in the pact' : reason.slice(PENDING_COMMENT_PREFIX.length);
}

/** V4 keeps the body as {content, contentType, encoded}; the Content-Type header, if any, wins. */
function exampleBody(response: JsonObject): { contentType: string | undefined; bodyText: string } {
  const headers = isJsonObject(response['headers']) ? response['headers'] : {};
  const headerName = Object.keys(headers).find((key) => key.toLowerCase() === 'content-type');
  const headerValue = headerName === undefined ? undefined : headers[headerName];
  const fromHeader = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  const body = response['body'];
  if (!isJsonObject(body) || body['content'] === undefined) {
    return { contentType: typeof fromHeader === 'string' ? fromHeader : undefined, bodyText: '' };
  }
  const contentType =
    typeof fromHeader === 'string'
      ? fromHeader
      : typeof body['contentType'] === 'string'
        ? body['contentType']
        : undefined;
  const content = body['content'];
  // JSON bodies are stored as values, text as strings, binary as base64 strings.
  const bodyText =
    typeof content !== 'string'
      ? JSON.stringify(content)
      : body['encoded'] === 'base64'
        ? Buffer.from(content, 'base64').toString('utf8')
        : content;
  return { contentType, bodyText };
}
