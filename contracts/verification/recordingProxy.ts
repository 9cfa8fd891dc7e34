import { createServer, type IncomingMessage } from 'node:http';
import { boundedFetch } from '../client/boundedFetch';
import { ConnectSessionClientError, ProviderUnreachableError } from '../client/errors';
import { listen, readBody } from '../http/server';
import type { ResponseValidators } from '../openapi/responseValidators';
import { RateLimitedError, type RateLimitBudget } from '../live/rateLimit';
import { REFERENCE_PROVIDER_HEADER } from '../provider/referenceProvider';

/** One request the verifier sent and what the provider answered (or why it did not). */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly response: { readonly status: number; readonly contentType: string | undefined; readonly bodyText: string } | undefined;
  /** Set when no answer came: a timeout or a connection failure, worded by the client. */
  readonly transportError: string | undefined;
  /** What the spec says of the response; undefined when none came. */
  readonly schemaProblems: readonly string[] | undefined;
  /** True when the verifier was shown a failed stand-in instead, because the response broke the spec. */
  readonly failedForSchema: boolean;
  /** Set when the request was kept from the provider (its provider state failed); the verifier got a failed stand-in. */
  readonly notSentBecause: string | undefined;
  /** What the request carried, told without its credential: enough to know a documented case by. */
  readonly shape: RequestShape;
  /** The answer carried the reference provider's identifying header: whatever the URL, this is not Nango. */
  readonly fromReferenceProvider?: boolean;
}

/** A request's query, body and credential, the credential only by kind (a documented literal is kept as written). */
export interface RequestShape {
  readonly query: boolean;
  readonly body: boolean;
  readonly credential: 'none' | 'token' | { readonly literal: string };
}

export interface RecordingProxy {
  readonly url: string;
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

export interface RecordingProxyOptions {
  readonly targetBaseUrl: string;
  readonly timeoutMs: number;
  readonly validators: ResponseValidators;
  /**
   * Show Pact's verifier a failed stand-in for a response that breaks the spec, so the verdict it publishes to
   * the broker agrees with this suite's: Pact alone accepts, for one, properties the schema forbids. Objections the
   * known-findings list accepts (`accepted`) are not: the broker then hears Pact's own verdict, as the run does.
   */
  readonly failSchemaViolations: boolean;
  /** Properties the spec does not name count as schema problems too (SPEC_CLOSED_RESPONSES). */
  readonly closedResponses: boolean;
  /** Whether the known-findings list accepts this objection to an answer of this status. */
  readonly accepted: (status: number, problem: string) => boolean;
  /** Authorization values kept as written in an exchange's shape (the documented cases' literal ones); any other is a token. */
  readonly literalCredentials: readonly string[];
  /** Asked before each request: a reason keeps it from the provider (the verifier gets a failed stand-in). */
  readonly holdBack: () => string | undefined;
  /** 429s are waited out through it: a 429 is answered before the route runs, so sending again is safe. */
  readonly budget: RateLimitBudget;
  /** True once the run is stopping: requests are left unanswered, so the verifier neither goes on nor publishes. */
  readonly halted: () => boolean;
  /** A rate limit outlasted the budget: the run cannot verify, and stops. */
  readonly onRateLimited: (error: RateLimitedError) => void;
  /** The provider refused the connection: it is gone, and the run cannot verify. */
  readonly onProviderGone?: (reason: string) => void;
  /**
   * Told of each exchange the moment it is recorded, before the verifier has the answer (what it created or
   * ended, for one), with the Authorization header it carried: handed over here only, never kept in an exchange.
   */
  readonly onExchange?: (exchange: Exchange, authorization: string | undefined) => void;
  /** Told of each request as it is forwarded, with a promise settled once its exchange is recorded (or it failed). */
  readonly onForward?: (method: string, path: string, recorded: Promise<void>) => void;
}

/** Status the proxy answers with when the provider gave none; Pact then reports a status mismatch. */
const NO_ANSWER_STATUS = 504;
/** Status of the stand-in for a response that broke the spec, or a request held back: one no interaction expects. */
export const STAND_IN_STATUS = 599;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'accept-encoding', 'content-encoding', 'upgrade']);

/**
 * Sits between Pact's verifier and the provider, so every live response is validated against the spec (Pact
 * accepts extra properties) and every request is bounded by the timeout.
 */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const record = (exchange: Exchange, authorization: string | undefined): void => {
    exchanges.push(exchange);
    options.onExchange?.(exchange, authorization);
  };
  const target = new URL(options.targetBaseUrl);
  const prefix = target.pathname.replace(/\/$/, '');

  const server = createServer((request, response) => {
    const handled = (async () => {
      const incoming = new URL(request.url ?? '/', 'http://proxy');
      const url = new URL(`${prefix}${incoming.pathname}${incoming.search}`, target);
      const method = request.method ?? 'GET';
      if (options.halted()) return;
      const authorization = request.headers.authorization;
      const literal = authorization === undefined ? undefined : options.literalCredentials.find((known) => authorization === known);
      const credential: RequestShape['credential'] = authorization === undefined ? 'none' : literal !== undefined ? { literal } : 'token';
      const shapeOf = (body: number): RequestShape => ({ query: incoming.search.length > 1, body: body > 0, credential });
      const heldBack = options.holdBack();
      if (heldBack !== undefined) {
        record({ method, path: incoming.pathname, response: undefined, transportError: undefined, schemaProblems: undefined, failedForSchema: false, notSentBecause: heldBack, shape: shapeOf(Number(request.headers['content-length'] ?? 0)) }, authorization);
        request.resume();
        response.writeHead(STAND_IN_STATUS, { 'content-type': 'text/plain; charset=utf-8' }).end(`not sent to the provider: ${heldBack}`);
        return;
      }
      try {
        const body = await readBody(request);
        const send = () => boundedFetch(url, { method, headers: forwardable(request.headers), ...(body.length > 0 ? { body } : {}) }, options.timeoutMs);
        const answer = await options.budget.send(`${method} ${incoming.pathname}`, send);
        const observed = { status: answer.status, contentType: answer.contentType, bodyText: answer.bodyText };
        const schemaProblems = schemaProblemsOf(options.validators, method, incoming.pathname, observed, options.closedResponses);
        const failedForSchema = options.failSchemaViolations && schemaProblems.some((problem) => !options.accepted(answer.status, problem));
        const fromReferenceProvider = answer.headers.get(REFERENCE_PROVIDER_HEADER) !== null;
        record({ method, path: incoming.pathname, response: observed, transportError: undefined, schemaProblems, failedForSchema, notSentBecause: undefined, shape: shapeOf(body.length), fromReferenceProvider }, authorization);
        if (failedForSchema) {
          const reason = `the provider answered ${answer.status}, which breaks the spec: ${schemaProblems.filter((problem) => !options.accepted(answer.status, problem)).join('; ')}`;
          response.writeHead(STAND_IN_STATUS, { 'content-type': 'text/plain; charset=utf-8' }).end(reason);
          return;
        }
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name)) headers[name] = value;
        });
        response.writeHead(answer.status, headers).end(answer.bodyText);
      } catch (error) {
        if (error instanceof RateLimitedError) return options.onRateLimited(error);
        const reason = error instanceof ConnectSessionClientError ? error.message : String(error);
        // Refused, the request never reached a server: not an answer to judge (a dropped connection is one).
        if (error instanceof ProviderUnreachableError && /ECONNREFUSED/.test(error.reason) && options.onProviderGone) return options.onProviderGone(reason);
        record({ method, path: incoming.pathname, response: undefined, transportError: reason, schemaProblems: undefined, failedForSchema: false, notSentBecause: undefined, shape: shapeOf(0) }, authorization);
        response.writeHead(NO_ANSWER_STATUS, { 'content-type': 'text/plain' }).end(`no answer from the provider: ${reason}`);
      }
    })();
    options.onForward?.(request.method ?? 'GET', new URL(request.url ?? '/', 'http://proxy').pathname, handled.catch(() => undefined));
  });
  const running = await listen(server);
  return { url: running.url, exchanges, close: running.close };
}

function schemaProblemsOf(validators: ResponseValidators, method: string, path: string, response: Exchange['response'] & object, closed: boolean): string[] {
  try {
    const problems = validators.checkResponse(method, path, response);
    return closed ? [...problems, ...validators.undocumentedProperties(method, path, response)] : problems;
  } catch (error) {
    return [(error as Error).message];
  }
}

function forwardable(headers: IncomingMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
