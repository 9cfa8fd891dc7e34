import type * as NangoNode from '@nangohq/node' with { 'resolution-mode': 'import' };
import { credentialSentBy, exampleBody, exampleValues, type ContractCase, type SdkBinding } from '../cases';
import { isJsonObject, type JsonObject, type JsonValue } from '../json';

/**
 * The one adapter between a case table and Nango's Node SDK: it turns a case's request into the arguments of the
 * SDK method its operation names (SdkBinding) and reports what the SDK handed back or threw, as its caller reads it.
 */

/**
 * The SDK ships CommonJS (dist/index.cjs, what Node's require and jest load) and ES modules, but its package gives
 * TypeScript only the ES modules' types, which a CommonJS file may take as types alone: the code is required.
 */
const { getUserAgent, Nango } = require('@nangohq/node') as typeof NangoNode;
type Nango = NangoNode.Nango;
/** The SDK's class, for a test's patched build of it. */
export { Nango };
type AdminAxiosProps = NangoNode.AdminAxiosProps;

/** A case's request, as the SDK call takes it: the credential the SDK is given, and the parts of its request. */
export interface SdkRequest {
  readonly credential: string | undefined;
  readonly pathParams?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: JsonObject;
}

/** What the SDK call ended with: the value it resolved to, or what it threw. */
export type SdkOutcome = { readonly returned: unknown } | { readonly threw: unknown };

/**
 * What the SDK's caller can read of an outcome: the value it resolved to (for a method resolving to axios's
 * response, its `status` and `data`), or, for an HTTP error, what axios's error carries: the status and the body
 * (`error.response.data.error.code` is the code).
 */
export type SdkCallerView =
  | { readonly returned: unknown }
  | { readonly threw: { readonly isAxiosError: true; readonly status: number; readonly body: unknown } };

/** The SDK's class, or a patched build of it (a test's): what the adapter constructs. */
export type NangoClass = new (...args: ConstructorParameters<typeof Nango>) => Nango;

type RequestInterceptor = NonNullable<NonNullable<AdminAxiosProps['interceptors']>['request']>;

/** The SDK needs a key to be built; a case that sends no Authorization header has it dropped before sending. */
const NO_CREDENTIAL_KEY = 'no-credential';

/** The SDK's version, as it announces itself on the wire (`nango-node-client/<version> (...)`). */
export function sdkVersion(): string {
  const version = /^nango-node-client\/(\S+) /.exec(getUserAgent())?.[1];
  if (version === undefined) throw new Error(`@nangohq/node announces itself as "${getUserAgent()}": no version found`);
  return version;
}

/** The User-Agent a pact records as its example: the SDK's own name and version, no machine's details. */
export function sdkUserAgentExample(): string {
  return `nango-node-client/${sdkVersion()} (os/release; node.js/version)`;
}

/** The request a case of an SDK-covered operation makes, in the SDK's terms (values from states: their examples). */
export function sdkRequestOf(contractCase: ContractCase): SdkRequest {
  const { credential, pathParams, query, body } = contractCase.request;
  return {
    credential: credentialSentBy(credential),
    ...(pathParams ? { pathParams: exampleValues(pathParams) } : {}),
    ...(query ? { query: exampleValues(query) } : {}),
    ...(body ? { body: exampleBody(body) } : {}),
  };
}

/** The arguments the binding's method takes, from the request; a part the binding needs and the case lacks is an error. */
export function sdkArguments(binding: SdkBinding, request: SdkRequest): JsonValue[] {
  return binding.args.map((argument) => {
    if (argument.from === 'body') return request.body ?? {};
    const value = (argument.from === 'path' ? request.pathParams : request.query)?.[argument.name];
    if (value === undefined)
      throw new Error(`nango.${binding.method}: the case's request has no ${argument.from} parameter ${argument.name}`);
    return value;
  });
}

/**
 * What the case sends that the SDK's method has no argument for (a query parameter, a body on a method that sends
 * none, no credential at all: cases that pin Nango's refusals), added through the SDK's own request interceptor
 * option; all else is the SDK's.
 */
function undocumentedParts(binding: SdkBinding, request: SdkRequest): RequestInterceptor | undefined {
  const taken = new Set(binding.args.flatMap((argument) => (argument.from === 'query' ? [argument.name] : [])));
  const extraQuery = Object.entries(request.query ?? {}).filter(([name]) => !taken.has(name));
  const extraBody = binding.args.some((argument) => argument.from === 'body') ? undefined : request.body;
  if (extraQuery.length === 0 && extraBody === undefined && request.credential !== undefined) return undefined;
  return (config) => {
    if (extraQuery.length > 0)
      config.params = { ...(isJsonObject(config.params) ? config.params : {}), ...Object.fromEntries(extraQuery) };
    // Axios serialises it as JSON after the interceptors, with its Content-Type.
    if (extraBody !== undefined) config.data = extraBody;
    if (request.credential === undefined) config.headers.delete('Authorization');
    return config;
  };
}

/** Calls the binding's SDK method against `baseUrl` with the case's request; resolves to what the SDK did. */
export async function callSdk(
  binding: SdkBinding,
  baseUrl: string,
  request: SdkRequest,
  NangoSdk: NangoClass = Nango,
): Promise<SdkOutcome> {
  const args = sdkArguments(binding, request);
  const interceptor = undocumentedParts(binding, request);
  const nango = new NangoSdk(
    { host: baseUrl, secretKey: request.credential ?? NO_CREDENTIAL_KEY },
    interceptor ? { interceptors: { request: interceptor } } : {},
  );
  // The binding names the method; its arguments are data, so the call goes through the method's own function.
  const method = nango[binding.method].bind(nango) as (...values: JsonValue[]) => Promise<unknown>;
  try {
    return { returned: await method(...args) };
  } catch (error) {
    return { threw: error };
  }
}

/**
 * What the SDK's caller must read for a documented answer of `status` with `body` (undefined: none): the body the
 * method resolves to (axios reads an empty body as ''), its response's status and data, or, from 400 on, axios's error.
 */
export function expectedCallerView(binding: SdkBinding, status: number, body: JsonValue | undefined): SdkCallerView {
  if (status >= 400) return { threw: { isAxiosError: true, status, body } };
  const data = body ?? '';
  return { returned: binding.resolvesTo === 'body' ? data : { status, data } };
}

/**
 * What a caller reads of the outcome (SdkCallerView). Anything thrown that is not axios's error for an HTTP answer
 * (no answer at all, a bug) is thrown again: no caller could read a status from it.
 */
export function callerView(binding: SdkBinding, outcome: SdkOutcome): SdkCallerView {
  if ('returned' in outcome) {
    if (binding.resolvesTo === 'body') return { returned: outcome.returned };
    const response = outcome.returned as { status: number; data: unknown };
    return { returned: { status: response.status, data: response.data } };
  }
  const error = outcome.threw as { isAxiosError?: unknown; response?: { status: number; data: unknown } };
  if (error.isAxiosError !== true || error.response === undefined) throw outcome.threw;
  return { threw: { isAxiosError: true, status: error.response.status, body: error.response.data } };
}
