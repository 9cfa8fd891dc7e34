import { join } from 'node:path';
import type { components } from './generated/nango-api';
import { isJsonObject } from './json';
import type { OperationRef } from './openapi/responseValidators';
import { loadSpecFile, type SpecDocument } from './openapi/specDocument';
import { PROJECT_ROOT } from './projectRoot';

/**
 * Nango's whole OpenAPI document (`docs/spec.yaml` of NangoHQ/nango), verbatim, at SPEC_COMMIT: the one source of
 * every operation this suite checks.
 */
export const SPEC_FILE = join(PROJECT_ROOT, 'spec', 'nango-openapi-2f4c0af.yaml');
export const SPEC_COMMIT = '2f4c0af671e2ca1c43dd4e78f3c369218bf3fc87';

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
    // Not JSON: no StdError, so no code, which undefined says.
    return undefined;
  }
}

let spec: SpecDocument | undefined;

/** The spec, read and checked once per process. */
export function nangoSpec(): SpecDocument {
  spec ??= loadSpecFile(SPEC_FILE);
  return spec;
}
