import { ContractsError } from '../errors';
/** Base of every failure the client raises; `instanceof` tells them apart, the message says what happened. */
export class ConnectSessionClientError extends ContractsError {
  override name = 'ConnectSessionClientError';
}

export class InvalidBaseUrlError extends ConnectSessionClientError {
  override name = 'InvalidBaseUrlError';
  constructor(readonly baseUrl: string) {
    super(`invalid Nango base URL ${JSON.stringify(baseUrl)}: expected an absolute http:// or https:// URL`);
  }
}

/** The run stopped and the answer did not come within the wait an interrupted run gives a request under way. */
export class RequestCutShortError extends ConnectSessionClientError {
  override name = 'RequestCutShortError';
  constructor(
    readonly url: string,
    readonly waitedMs: number,
  ) {
    super(`no answer from ${url} within ${waitedMs} ms of the run stopping`);
  }
}

export class RequestTimeoutError extends ConnectSessionClientError {
  override name = 'RequestTimeoutError';
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer from ${url} within ${timeoutMs} ms`);
  }
}

export class ProviderUnreachableError extends ConnectSessionClientError {
  override name = 'ProviderUnreachableError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach provider at ${url}: ${reason}`);
  }
}

export class UndocumentedStatusError extends ConnectSessionClientError {
  override name = 'UndocumentedStatusError';
  constructor(
    readonly status: number,
    readonly documented: readonly string[],
    readonly bodySnippet: string,
    /** `POST /connect/sessions`: which operation answered it. */
    readonly operation?: string,
  ) {
    super(
      `undocumented status ${status}${operation ? ` for ${operation}` : ''} (documented: ${documented.join(', ')})${bodySnippet ? `; body: ${bodySnippet}` : ''}`,
    );
  }
}

export class NonJsonErrorBodyError extends ConnectSessionClientError {
  override name = 'NonJsonErrorBodyError';
  constructor(
    readonly status: number,
    readonly contentType: string | undefined,
    readonly bodySnippet: string,
  ) {
    super(`${status} error body is not JSON (content-type: ${contentType ?? 'none'}): ${bodySnippet || '(empty)'}`);
  }
}

export class SchemaViolationError extends ConnectSessionClientError {
  override name = 'SchemaViolationError';
  constructor(
    readonly status: number,
    readonly problems: readonly string[],
  ) {
    super(`${status} response breaks the spec: ${problems.join('; ')}`);
  }
}

/** At most 200 characters of a body, on one line, for error messages. */
export function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
