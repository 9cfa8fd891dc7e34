import { join } from 'node:path';
import type { components } from './generated/nango-api';
import { isJsonObject } from './json';
import { ResponseValidators, type OperationRef } from './openapi/responseValidators';
import { loadSpecFile, type SpecDocument } from './openapi/specDocument';
import { PROJECT_ROOT } from './projectRoot';

/**
 * Nango's whole OpenAPI document (`docs/spec.yaml` of NangoHQ/nango), verbatim, at SPEC_COMMIT: the one source of
 * every operation this suite checks.
 */
export const SPEC_FILE = join(PROJECT_ROOT, 'spec', 'nango-openapi-2f4c0af.yaml');
export const SPEC_COMMIT = '2f4c0af671e2ca1c43dd4e78f3c369218bf3fc87';

/** The connect-session lifecycle: the operations a team integrating Nango Connect calls. */
export const CREATE_SESSION = { method: 'post', path: '/connect/sessions' } as const;
export const RECONNECT_SESSION = { method: 'post', path: '/connect/sessions/reconnect' } as const;
export const GET_SESSION = { method: 'get', path: '/connect/session' } as const;
export const DELETE_SESSION = { method: 'delete', path: '/connect/session' } as const;
/** What a team's backend calls once the Connect UI has made a connection, and what the suite's states rely on. */
export const GET_CONNECTION = { method: 'get', path: '/connection/{connectionId}' } as const;
export const DELETE_CONNECTION = { method: 'delete', path: '/connection/{connectionId}' } as const;
export const CREATE_INTEGRATION = { method: 'post', path: '/integrations' } as const;
export const DELETE_INTEGRATION = { method: 'delete', path: '/integrations/{uniqueKey}' } as const;

/** What the validators compile, in the order reports show them. */
export const LIFECYCLE: readonly OperationRef[] = [CREATE_SESSION, RECONNECT_SESSION, GET_SESSION, DELETE_SESSION, GET_CONNECTION, DELETE_CONNECTION, CREATE_INTEGRATION, DELETE_INTEGRATION];

/** `POST /connect/sessions`: how reports and errors name an operation. */
export function operationLabel(operation: OperationRef): string {
  return `${operation.method.toUpperCase()} ${operation.path}`;
}

/** Types generated from the same YAML by openapi-typescript (`npm run types:generate`), never written by hand. */
export type StdError = components['schemas']['StdError'];
export type ConnectSession = components['schemas']['ConnectSession'];
export type ConnectSessionInput = components['schemas']['ConnectSessionInput'];
export type ConnectSessionReconnectInput = components['schemas']['ConnectSessionReconnectInput'];
/** `error.code` of a StdError body, when the text is one; undefined for anything else. */
export function stdErrorCode(bodyText: string): string | undefined {
  try {
    const body: unknown = JSON.parse(bodyText);
    const error = isJsonObject(body) ? body['error'] : undefined;
    const code = isJsonObject(error) ? error['code'] : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

let spec: SpecDocument | undefined;
let validators: ResponseValidators | undefined;

/** The spec, read and checked once per process. */
export function nangoSpec(): SpecDocument {
  spec ??= loadSpecFile(SPEC_FILE);
  return spec;
}

/** The lifecycle's validators compiled from a spec: the committed one, a newer version, a patched one. */
export function lifecycleValidators(document: SpecDocument): ResponseValidators {
  return ResponseValidators.fromDocument(document, LIFECYCLE);
}

/** The spec's validators, compiled once per process. */
export function nangoValidators(): ResponseValidators {
  validators ??= lifecycleValidators(nangoSpec());
  return validators;
}
