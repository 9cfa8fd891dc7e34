import { MatchersV3, type PactV4 } from '@pact-foundation/pact';
import type { Matcher, ProviderStateInjectedValue } from '@pact-foundation/pact/src/v3/types';
import type { V4InteractionWithResponse } from '@pact-foundation/pact/src/v4/http/types';
import {
  isFromState,
  operationOfCase,
  SDK_ACCEPT,
  SDK_PACKAGE,
  SDK_USER_AGENT_REGEX,
  SECRET_KEY_PLACEHOLDER,
  TOKEN_FROM_STATE,
  type CaseBody,
  type ContractCase,
  type Credential,
  type ExpectedError,
  type SdkBinding,
  type SessionAnswer,
} from '../cases';
import { sdkUserAgentExample } from '../client/nangoSdk';
import { CONNECT_SESSION_TOKEN_REGEX } from '../sessionToken';
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
function authorizationHeader(credential: Credential): string | Matcher<string> | ProviderStateInjectedValue<string> | undefined {
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
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return [key, requestBody(value as CaseBody)];
      return [key, value];
    }),
  );
}

/** What the consumer relies on in an error body: the types of `code` and `message`, not their text. */
function errorBody(error: ExpectedError): unknown {
  return { error: { code: like(error.code), ...(error.message === undefined ? {} : { message: like(error.message) }) } };
}

/** A ConnectSession by format: what varies from one live session to the next is matched, never its value. */
function sessionBody(session: SessionAnswer['session']): unknown {
  return {
    data: {
      token: regex(CONNECT_SESSION_TOKEN_REGEX, session.token),
      connect_link: like(session.connect_link),
      expires_at: regex(DATE_TIME_REGEX, session.expires_at),
    },
  };
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
export function interactionFromCase(pact: PactV4, contractCase: ContractCase, pending?: PendingDeclaration): V4InteractionWithResponse {
  const { request, response } = contractCase;
  const { operation, sdk } = operationOfCase(contractCase);
  let interaction = pact.addInteraction();
  const sentBy = senderComment(sdk);
  if (sentBy !== undefined) interaction = interaction.comment(sentBy);
  if (pending) interaction = interaction.pending(true).comment(`${PENDING_COMMENT_PREFIX}${pending.reason}`);
  if (contractCase.state) interaction = interaction.given(contractCase.state);
  return interaction
    .uponReceiving(contractCase.description)
    .withRequest(operation.method.toUpperCase(), operation.path, (builder) => {
      const authorization = authorizationHeader(request.credential);
      builder.headers({ ...(sdk ? sdkHeaders(sdk, request.body !== undefined) : {}), ...(authorization === undefined ? {} : { Authorization: authorization }) });
      const query = { ...request.query, ...sdk?.addsQuery };
      if (Object.keys(query).length > 0) builder.query(query);
      if (request.body) builder.jsonBody(requestBody(request.body));
    })
    .willRespondWith(response.status, (builder) => {
      if (response.status === 204) return;
      builder.headers({ 'Content-Type': regex('^application/json(;.*)?$', 'application/json') });
      builder.jsonBody('session' in response ? sessionBody(response.session) : errorBody(response.error));
    });
}
