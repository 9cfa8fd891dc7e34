import type { ServerResponse } from 'node:http';
import { jsonAnswer, ReferenceProvider, writeAnswer, type ProviderAnswer } from '../../contracts/provider/referenceProvider';
import { startScriptedServer, type RecordedRequest } from './scriptedServer';

/** A request the provider has acted on (a session created or deleted) but not answered yet. */
export interface HeldAnswer {
  readonly request: RecordedRequest;
  /** Sends the answer the reference provider gave. */
  release(): void;
}

export interface ControllableProvider {
  readonly url: string;
  readonly reference: ReferenceProvider;
  readonly requests: RecordedRequest[];
  /** The requests answered 429. */
  readonly refused: RecordedRequest[];
  /**
   * Resolves at the `nth` request (from now) that `matches`: the provider has done what it asks (a session is
   * created, or deleted) but holds the answer until `release()`, as a slow real server would.
   */
  holdAt(nth: number, matches: (request: RecordedRequest) => boolean): Promise<HeldAnswer>;
  close(): Promise<void>;
}

export interface Behaviour {
  /**
   * Every `every`-th request is answered 429 with `Retry-After` and X-RateLimit-* headers, as Nango does past its
   * limit. By count, not by clock, so a slow machine meets exactly the same limits.
   */
  readonly rateLimit?: { readonly every: number; readonly retryAfterSeconds: number };
  /** Answer the first DELETE of each token with this (a gateway error, or 'reset' to drop the connection). */
  readonly firstDeleteOfEachToken?: 503 | 'reset';
}

/** The reference provider behind a loopback server whose answers a test can hold, rate-limit or disturb. */
export async function startControllableProvider(secretKey: string, behaviour: Behaviour = {}): Promise<ControllableProvider> {
  const reference = new ReferenceProvider({ secretKey });
  const holds: Array<{ left: number; matches: (request: RecordedRequest) => boolean; resolve: (held: HeldAnswer) => void }> = [];
  const deletedOnce = new Set<string>();
  const refused: RecordedRequest[] = [];
  let sinceRefusal = 0;

  const server = await startScriptedServer((request, response) => {
    if (behaviour.rateLimit && limited(behaviour.rateLimit, request, response)) return;
    const isDelete = request.method === 'DELETE';
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (isDelete && behaviour.firstDeleteOfEachToken && !deletedOnce.has(token)) {
      deletedOnce.add(token);
      if (behaviour.firstDeleteOfEachToken === 'reset') return void response.socket?.destroy();
      return writeAnswer(response, jsonAnswer(503, { error: { code: 'service_unavailable', message: 'try again' } }));
    }
    const answer = reference.respond(request);
    const hold = holds.find((candidate) => candidate.matches(request) && --candidate.left === 0);
    if (!hold) return writeAnswer(response, answer);
    holds.splice(holds.indexOf(hold), 1);
    hold.resolve({ request, release: () => writeAnswer(response, answer) });
  });

  function limited({ every, retryAfterSeconds }: NonNullable<Behaviour['rateLimit']>, request: RecordedRequest, response: ServerResponse): boolean {
    sinceRefusal += 1;
    // Never "0 remaining" before the refusal: a client that paces itself would otherwise never meet the 429.
    const headers = { 'x-ratelimit-limit': String(every - 1), 'x-ratelimit-remaining': String(Math.max(0, every - sinceRefusal)), 'x-ratelimit-reset': String(retryAfterSeconds) };
    if (sinceRefusal < every) {
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      return false;
    }
    sinceRefusal = 0;
    refused.push(request);
    const tooMany: ProviderAnswer = jsonAnswer(429, { error: { code: 'too_many_request', method: request.method, path: request.url.split('?')[0] ?? '' } });
    writeAnswer(response, { ...tooMany, headers: { ...tooMany.headers, ...headers, 'retry-after': String(retryAfterSeconds) } });
    return true;
  }

  return {
    url: server.url,
    reference,
    requests: server.requests,
    refused,
    holdAt: (nth, matches) => new Promise((resolve) => holds.push({ left: nth, matches, resolve })),
    close: () => server.close(),
  };
}

export const isCreation = (request: RecordedRequest): boolean => request.method === 'POST' && request.url.startsWith('/connect/sessions');
export const isDeletion = (request: RecordedRequest): boolean => request.method === 'DELETE' && request.url.startsWith('/connect/session');
