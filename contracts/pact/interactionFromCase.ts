import { MatchersV3, type PactV4 } from '@pact-foundation/pact';
import type { Matcher, ProviderStateInjectedValue } from '@pact-foundation/pact/src/v3/types';
import type { V4InteractionWithResponse } from '@pact-foundation/pact/src/v4/http/types';
import {
  concretePath,
  exampleValue,
  isFromState,
  operationOfCase,
  SDK_ACCEPT,
  SDK_PACKAGE,
  SDK_USER_AGENT_REGEX,
  SECRET_KEY_PLACEHOLDER,
  TOKEN_FROM_STATE,
  type CaseBody,
  type CaseValue,
  type ContractCase,
  type Credential,
  type LifecycleOperation,
  type SdkBinding,
} from '../cases';
import { sdkUserAgentExample } from '../client/nangoSdk';
import type { JsonValue } from '../json';
import { CONNECT_SESSION_TOKEN_REGEX, isConnectSessionToken } from '../sessionToken';
import { PENDING_COMMENT_PREFIX, type PendingDeclaration } from './pendingInteractions';

const { like, regex } = MatchersV3;

const BEARER_TOKEN_REGEX = `^Bearer ${CONNECT_SESSION_TOKEN_REGEX.slice(1)}`;
/** Any bearer credential: the secret key's format is the environment's own, nothing a contract can pin. */
const BEARER_REGEX = '^Bearer \\S+$';
/** RFC 3339 `date-time`, as the spec's `format: date-time` means it; fractional seconds optional. */
const DATE_TIME_REGEX = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

/**
 * The Authorization header a case sends, as the contract states it: the token format by regex, and for
 * stateful cases the real token injected by the provider state (regex matcher + ProviderState generator). The
 * secret key is a placeholder matched as any bearer credential: the verifier's request filter puts in the real one.
 */
function authorizationHeader(
  credential: Credential,
): string | Matcher<string> | ProviderStateInjectedValue<string> | undefined {
  switch (credential.kind) {
    case 'none':
      return undefined;
    case 'literal':
      return `Bearer ${credential.value}`;
    case 'secret-key':
      return regex(BEARER_REGEX, `Bearer ${SECRET_KEY_PLACEHOLDER}`);
    case 'well-formed-token':
      return regex(BEARER_TOKEN_REGEX, `Bearer ${credential.example}`);
    case 'token-from-state':
      // MatchersV3.fromProviderState only pairs the generator with a type matcher; the format is part of the contract.
      return {
        ...regex(BEARER_TOKEN_REGEX, `Bearer ${credential.example}`),
        'pact:generator:type': 'ProviderState',
        expression: `Bearer \${${TOKEN_FROM_STATE}}`,
      };
  }
}

/** A request body whose values from a provider state become ProviderState generators (`${name}`). */
function requestBody(body: CaseBody): unknown {
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => {
      if (isFromState(value)) return [key, MatchersV3.fromProviderState(`\${${value.fromState}}`, value.example)];
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return [key, requestBody(value)];
      return [key, value];
    }),
  );
}

/** A path parameter or query value: as written, or the provider state's (`${name}`) with the example the consumer sends. */
function caseValue(value: CaseValue): string | ProviderStateInjectedValue<string> {
  return typeof value === 'string' ? value : MatchersV3.fromProviderState(`\${${value.fromState}}`, value.example);
}

/**
 * An example response body as the contract states it: every leaf matched by type, never by value (what varies from
 * one live answer to the next), except the formats a live answer keeps: a connect session token by its regex, a
 * date-time as RFC 3339. Arrays are matched as a whole by type.
 */
function bodyMatchers(value: JsonValue): unknown {
  if (typeof value === 'string') {
    if (isConnectSessionToken(value)) return regex(CONNECT_SESSION_TOKEN_REGEX, value);
    if (new RegExp(DATE_TIME_REGEX).test(value)) return regex(DATE_TIME_REGEX, value);
    return like(value);
  }
  if (value === null) return null;
  if (Array.isArray(value) || typeof value !== 'object') return like(value);
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, bodyMatchers(child)]));
}

/**
 * The headers Nango's Node SDK sets on a request of `binding` besides Authorization, as the contract states them:
 * its User-Agent by format (its example names the SDK's version, not the machine), axios's Accept as sent, and
 * Content-Type where the SDK sets one on a request without a body (a body's own comes with the body).
 */
function sdkHeaders(binding: SdkBinding, hasBody: boolean): Record<string, string | Matcher<string>> {
  return {
    'User-Agent': regex(SDK_USER_AGENT_REGEX, sdkUserAgentExample()),
    Accept: SDK_ACCEPT,
    ...(binding.sendsContentType && !hasBody ? { 'Content-Type': 'application/json' } : {}),
  };
}

/** The comment an interaction the SDK sends carries, naming its method; our client's interactions carry none. */
export function senderComment(binding: SdkBinding | undefined): string | undefined {
  return binding ? `${SENT_BY_PREFIX}${SDK_PACKAGE} ${binding.method}` : undefined;
}
export const SENT_BY_PREFIX = 'sent by: ';

/**
 * Adds the case to the pact as one V4 HTTP interaction of its operation, ready for `executeTest`; declared
 * pending, it is written as a Pact V4 pending interaction with the reason as its comment.
 */
export function interactionFromCase(
  pact: PactV4,
  contractCase: ContractCase,
  pending?: PendingDeclaration,
  table: LifecycleOperation = operationOfCase(contractCase),
): V4InteractionWithResponse {
  const { request, response } = contractCase;
  const { operation, sdk } = table;
  let interaction = pact.addInteraction();
  const sentBy = senderComment(sdk);
  if (sentBy !== undefined) interaction = interaction.comment(sentBy);
  if (pending) interaction = interaction.pending(true).comment(`${PENDING_COMMENT_PREFIX}${pending.reason}`);
  if (contractCase.state) interaction = interaction.given(contractCase.state);
  return interaction
    .uponReceiving(contractCase.description)
    .withRequest(operation.method.toUpperCase(), requestPath(operation.path, request.pathParams ?? {}), (builder) => {
      const authorization = authorizationHeader(request.credential);
      const headers = {
        ...(sdk ? sdkHeaders(sdk, request.body !== undefined) : {}),
        ...(authorization === undefined ? {} : { Authorization: authorization }),
      };
      if (Object.keys(headers).length > 0) builder.headers(headers);
      // The SDK's own query flags (getConnection's) are part of every request it sends.
      const query = {
        ...Object.fromEntries(Object.entries(request.query ?? {}).map(([name, value]) => [name, caseValue(value)])),
        ...sdk?.addsQuery,
      };
      if (Object.keys(query).length > 0) builder.query(query);
      if (request.body) builder.jsonBody(requestBody(request.body));
    })
    .willRespondWith(response.status, (builder) => {
      if (response.body === undefined) return;
      builder.headers({ 'Content-Type': regex('^application/json(;.*)?$', 'application/json') });
      builder.jsonBody(bodyMatchers(response.body));
    });
}

/** The request path: as written, or with the provider state's values (a ProviderState generator on the path). */
function requestPath(
  template: string,
  parameters: Readonly<Record<string, CaseValue>>,
): string | ProviderStateInjectedValue<string> {
  const example = concretePath(
    template,
    Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, exampleValue(value)])),
  );
  const fromState = Object.values(parameters).some((value) => typeof value !== 'string');
  if (!fromState) return example;
  const expression = template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const value = parameters[name];
    return value === undefined || typeof value === 'string'
      ? encodeURIComponent(value ?? '')
      : `\${${value.fromState}}`;
  });
  return MatchersV3.fromProviderState(expression, example);
}
