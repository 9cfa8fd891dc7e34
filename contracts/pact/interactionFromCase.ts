import { MatchersV3, type PactV4 } from '@pact-foundation/pact';
import type { Matcher, ProviderStateInjectedValue } from '@pact-foundation/pact/src/v3/types';
import type { V4InteractionWithResponse } from '@pact-foundation/pact/src/v4/http/types';
import {
  TOKEN_FROM_STATE,
  type ContractCase,
  type Credential,
  type ExpectedError,
} from '../cases';
import { DELETE_SESSION } from '../nangoApi';
import { CONNECT_SESSION_TOKEN_REGEX } from '../sessionToken';
import { PENDING_COMMENT_PREFIX, type PendingDeclaration } from './pendingInteractions';

const { like, regex } = MatchersV3;

const BEARER_TOKEN_REGEX = `^Bearer ${CONNECT_SESSION_TOKEN_REGEX.slice(1)}`;

/**
 * The Authorization header a case sends, as the contract states it: the token format by regex, and for
 * stateful cases the real token injected by the provider state (regex matcher + ProviderState generator).
 */
function authorizationHeader(credential: Credential): string | Matcher<string> | ProviderStateInjectedValue<string> | undefined {
  switch (credential.kind) {
    case 'none':
      return undefined;
    case 'literal-token':
      return `Bearer ${credential.token}`;
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

/** What the consumer relies on in an error body: the types of `code` and `message`, not their text. */
function errorBody(error: ExpectedError): unknown {
  return { error: { code: like(error.code), ...(error.message === undefined ? {} : { message: like(error.message) }) } };
}

/**
 * Adds the case to the pact as one V4 HTTP interaction, ready for `executeTest`; declared pending, it is written
 * as a Pact V4 pending interaction with the reason as its comment.
 */
export function interactionFromCase(pact: PactV4, contractCase: ContractCase, pending?: PendingDeclaration): V4InteractionWithResponse {
  const { request, response } = contractCase;
  let interaction = pact.addInteraction();
  if (pending) interaction = interaction.pending(true).comment(`${PENDING_COMMENT_PREFIX}${pending.reason}`);
  if (contractCase.state) interaction = interaction.given(contractCase.state);
  return interaction
    .uponReceiving(contractCase.description)
    .withRequest(DELETE_SESSION.method.toUpperCase(), DELETE_SESSION.path, (builder) => {
      const authorization = authorizationHeader(request.credential);
      if (authorization !== undefined) builder.headers({ Authorization: authorization });
      if (request.query) builder.query(request.query);
      if (request.body) builder.jsonBody(request.body);
    })
    .willRespondWith(response.status, (builder) => {
      if (response.status !== 204) {
        builder.headers({ 'Content-Type': regex('^application/json(;.*)?$', 'application/json') });
        builder.jsonBody(errorBody(response.error));
      }
    });
}
