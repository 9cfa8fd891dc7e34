import type { OperationRef } from '../openapi/responseValidators';

/**
 * Nango's own Node SDK (`@nangohq/node`) as the consumer: the client teams run. An operation the SDK has a method
 * for names it in its case table (`sdk`), with how a case's request maps to the method's arguments; the consumer
 * tests then drive the SDK for every case of it (contracts/client/nangoSdk.ts is the one adapter), and our own
 * client only for the operations it has no method for (GET and DELETE /connect/session, which Connect UI calls).
 */
export const SDK_PACKAGE = '@nangohq/node';

/** The SDK's methods the suite drives. */
export type SdkMethodName =
  | 'createConnectSession'
  | 'createReconnectSession'
  | 'getConnection'
  | 'deleteConnection'
  | 'createIntegration'
  | 'deleteIntegration';

/** Where one argument of the SDK call comes from in a case's request. */
export type SdkArgument =
  /** The case's JSON body, whole (`{}` when it has none). */
  | { readonly from: 'body' }
  /** A path parameter of the case's request (`connectionId` of `/connections/{connectionId}`). */
  | { readonly from: 'path'; readonly name: string }
  /** A query parameter the method takes as an argument (deleteConnection's `provider_config_key`). */
  | { readonly from: 'query'; readonly name: string };

/** One SDK method, as data: what it requests, from which arguments, and what it hands back. */
export interface SdkBinding {
  readonly method: SdkMethodName;
  /** The request the SDK makes: an operation whose table names this binding must be this one. */
  readonly route: OperationRef;
  readonly args: readonly SdkArgument[];
  /** Query parameters the SDK adds by itself, whatever its arguments (getConnection's flags): the pact records them. */
  readonly addsQuery?: Readonly<Record<string, string>>;
  /** Whether it sends `Content-Type: application/json` (the SDK sets it on some bodiless requests too). */
  readonly sendsContentType: boolean;
  /** What the method resolves to: the answer's body, or axios's whole response (a caller reads `status`, `data`). */
  readonly resolvesTo: 'body' | 'response';
}

/**
 * The headers every request of the SDK carries besides Authorization and Content-Type, as the pact records them:
 * its User-Agent by format (`nango-node-client/<version> (<os>/<release>; node.js/<version>)`, which names the
 * machine, then `; <the caller's own>` when the caller gives one), axios's Accept as sent. Axios's transport
 * headers (TRANSPORT_HEADERS) are not part of the contract.
 */
export const SDK_USER_AGENT_REGEX = '^nango-node-client/\\d+\\.\\d+\\.\\d+\\S* \\(.*\\)';
export const SDK_ACCEPT = 'application/json, text/plain, */*';
/** What the SDK's HTTP library sends on its own for any request; the provider's HTTP stack answers to them, not Nango. */
export const TRANSPORT_HEADERS: readonly string[] = ['host', 'connection', 'content-length', 'accept-encoding'];

/** `POST /connect/sessions`: `nango.createConnectSession(body)` resolves to the 201's body. */
export const CREATE_CONNECT_SESSION: SdkBinding = {
  method: 'createConnectSession',
  route: { method: 'post', path: '/connect/sessions' },
  args: [{ from: 'body' }],
  sendsContentType: true,
  resolvesTo: 'body',
};

/** `POST /connect/sessions/reconnect`: `nango.createReconnectSession(body)`. */
export const CREATE_RECONNECT_SESSION: SdkBinding = {
  method: 'createReconnectSession',
  route: { method: 'post', path: '/connect/sessions/reconnect' },
  args: [{ from: 'body' }],
  sendsContentType: true,
  resolvesTo: 'body',
};

/**
 * `nango.getConnection(providerConfigKey, connectionId)`: the SDK requests `/connections/{connectionId}` (plural),
 * never the deprecated `/connection/{connectionId}`, and always sends its three flags, false.
 */
export const GET_CONNECTION: SdkBinding = {
  method: 'getConnection',
  route: { method: 'get', path: '/connections/{connectionId}' },
  args: [
    { from: 'query', name: 'provider_config_key' },
    { from: 'path', name: 'connectionId' },
  ],
  addsQuery: { force_refresh: 'false', refresh_token: 'false', refresh_github_app_jwt_token: 'false' },
  sendsContentType: true,
  resolvesTo: 'body',
};

/** `nango.deleteConnection(providerConfigKey, connectionId)`: `/connections/{connectionId}` too; resolves to axios's response. */
export const DELETE_CONNECTION: SdkBinding = {
  method: 'deleteConnection',
  route: { method: 'delete', path: '/connections/{connectionId}' },
  args: [
    { from: 'query', name: 'provider_config_key' },
    { from: 'path', name: 'connectionId' },
  ],
  sendsContentType: true,
  resolvesTo: 'response',
};

/** `POST /integrations`: `nango.createIntegration(body)`. */
export const CREATE_INTEGRATION: SdkBinding = {
  method: 'createIntegration',
  route: { method: 'post', path: '/integrations' },
  args: [{ from: 'body' }],
  sendsContentType: true,
  resolvesTo: 'body',
};

/** `DELETE /integrations/{uniqueKey}`: `nango.deleteIntegration(uniqueKey)`, no Content-Type; resolves to axios's response. */
export const DELETE_INTEGRATION: SdkBinding = {
  method: 'deleteIntegration',
  route: { method: 'delete', path: '/integrations/{uniqueKey}' },
  args: [{ from: 'path', name: 'uniqueKey' }],
  sendsContentType: false,
  resolvesTo: 'response',
};

export const SDK_BINDINGS: readonly SdkBinding[] = [
  CREATE_CONNECT_SESSION,
  CREATE_RECONNECT_SESSION,
  GET_CONNECTION,
  DELETE_CONNECTION,
  CREATE_INTEGRATION,
  DELETE_INTEGRATION,
];
