import type { ServerResponse } from 'node:http';
import {
  jsonAnswer,
  REFERENCE_PROVIDER_HEADER,
  ReferenceProvider,
  writeAnswer,
  type ProviderAnswer,
} from '../../contracts/provider/referenceProvider';
import { sendJson, startScriptedServer, type RecordedRequest } from './scriptedServer';

/** A request the provider has acted on (a session created or deleted) but not answered yet, or not acted on yet. */
export interface HeldAnswer {
  readonly request: RecordedRequest;
  /** Sends the answer the reference provider gave (acting on the request first, when it was held before acting). */
  release(): void;
}

/** When a held request is held: after the provider acted on it (the default), or before (it only has the request). */
export type HoldPoint = 'after-acting' | 'before-acting';

/**
 * What the provider does with a request instead of acting on it as the reference provider would: answer a StdError
 * of a status (code `server_error`), or a body of its own (`bare`: as given, not as JSON), drop the connection,
 * or withhold any answer (the request kept in `withheld`, for a test to drop or the close to end).
 */
export type Fault =
  | number
  | {
      readonly status: number;
      readonly body?: unknown;
      readonly headers?: Record<string, string>;
      readonly bare?: boolean;
    }
  | 'drop'
  | 'withhold'
  | undefined;

export interface ControllableProvider {
  readonly url: string;
  readonly reference: ReferenceProvider;
  readonly requests: RecordedRequest[];
  /** The requests answered 429. */
  readonly refused: RecordedRequest[];
  /** Decides each request's fault, after the behaviour's rate limit and DELETE failures; a test may change it at any time. */
  script: (request: RecordedRequest) => Fault;
  /** The requests a `withhold` fault left unanswered, in order. */
  readonly withheld: ServerResponse[];
  /** Resolves when the next request arrives. */
  nextRequest(): Promise<void>;
  /**
   * Resolves at the `nth` request (from now) that `matches`: the provider has done what it asks (a session is
   * created, or deleted) but holds the answer until `release()`, as a slow real server would; `before-acting`, it
   * holds the request itself, and acts on it only at `release()`.
   */
  holdAt(nth: number, matches: (request: RecordedRequest) => boolean, point?: HoldPoint): Promise<HeldAnswer>;
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
  /** Mark the reference provider's answers with its identifying header, as `npm run provider` does. */
  readonly identifiesAsReference?: boolean;
}

/** The reference provider behind a loopback server whose answers a test can hold, rate-limit, fail, drop or withhold. */
export async function startControllableProvider(
  secretKey: string,
  behaviour: Behaviour = {},
): Promise<ControllableProvider> {
  const reference = new ReferenceProvider({ secretKey });
  const holds: Array<{
    left: number;
    matches: (request: RecordedRequest) => boolean;
    point: HoldPoint;
    resolve: (held: HeldAnswer) => void;
  }> = [];
  const deletedOnce = new Set<string>();
  const refused: RecordedRequest[] = [];
  const withheld: ServerResponse[] = [];
  const arrivals: Array<() => void> = [];
  let sinceRefusal = 0;

  const server = await startScriptedServer((request, response) => {
    arrivals.shift()?.();
    if (behaviour.rateLimit && limited(behaviour.rateLimit, request, response)) return;
    const isDelete = request.method === 'DELETE';
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (isDelete && behaviour.firstDeleteOfEachToken && !deletedOnce.has(token)) {
      deletedOnce.add(token);
      if (behaviour.firstDeleteOfEachToken === 'reset') return void response.socket?.destroy();
      return writeAnswer(response, jsonAnswer(503, { error: { code: 'service_unavailable', message: 'try again' } }));
    }
    if (faulted(provider.script(request), response)) return;
    if (behaviour.identifiesAsReference) response.setHeader(REFERENCE_PROVIDER_HEADER, 'true');
    const hold = holds.find((candidate) => candidate.matches(request) && --candidate.left === 0);
    if (!hold) return writeAnswer(response, reference.respond(request));
    holds.splice(holds.indexOf(hold), 1);
    if (hold.point === 'before-acting')
      return hold.resolve({ request, release: () => writeAnswer(response, reference.respond(request)) });
    const answer = reference.respond(request);
    hold.resolve({ request, release: () => writeAnswer(response, answer) });
  });

  function limited(
    { every, retryAfterSeconds }: NonNullable<Behaviour['rateLimit']>,
    request: RecordedRequest,
    response: ServerResponse,
  ): boolean {
    sinceRefusal += 1;
    // Never "0 remaining" before the refusal: a client that paces itself would otherwise never meet the 429.
    const headers = {
      'x-ratelimit-limit': String(every - 1),
      'x-ratelimit-remaining': String(Math.max(0, every - sinceRefusal)),
      'x-ratelimit-reset': String(retryAfterSeconds),
    };
    if (sinceRefusal < every) {
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      return false;
    }
    sinceRefusal = 0;
    refused.push(request);
    const tooMany: ProviderAnswer = jsonAnswer(429, {
      error: { code: 'too_many_request', method: request.method, path: request.url.split('?')[0] ?? '' },
    });
    writeAnswer(response, {
      ...tooMany,
      headers: { ...tooMany.headers, ...headers, 'retry-after': String(retryAfterSeconds) },
    });
    return true;
  }

  /** True when the fault answered (or withheld the answer to) the request, which then is not acted on. */
  function faulted(fault: Fault, response: ServerResponse): boolean {
    if (fault === undefined) return false;
    if (fault === 'drop') response.socket?.destroy();
    else if (fault === 'withhold') withheld.push(response);
    else if (typeof fault === 'number') sendJson(response, fault, { error: { code: 'server_error' } });
    else if (fault.bare)
      response
        .writeHead(fault.status, fault.headers ?? {})
        .end(typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? ''));
    else sendJson(response, fault.status, fault.body ?? {});
    return true;
  }

  const provider: ControllableProvider = {
    url: server.url,
    reference,
    requests: server.requests,
    refused,
    script: () => undefined,
    withheld,
    nextRequest: () => new Promise((resolve) => arrivals.push(resolve)),
    holdAt: (nth, matches, point = 'after-acting') =>
      new Promise((resolve) => holds.push({ left: nth, matches, point, resolve })),
    close: () => server.close(),
  };
  return provider;
}

export const isCreation = (request: RecordedRequest): boolean =>
  request.method === 'POST' && request.url.startsWith('/connect/sessions');
export const isDeletion = (request: RecordedRequest): boolean =>
  request.method === 'DELETE' && request.url.startsWith('/connect/session');
