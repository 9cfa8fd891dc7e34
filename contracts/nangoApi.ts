import { join } from 'node:path';
import type { components, paths } from './generated/nango-api';
import { isJsonObject } from './json';
import { ResponseValidators } from './openapi/responseValidators';
import { loadSpecFile, type SpecDocument } from './openapi/specDocument';
import { PROJECT_ROOT } from './projectRoot';

/** The YAML spec this suite is built on, copied verbatim from Nango's documentation. */
export const SPEC_FILE = join(PROJECT_ROOT, 'spec', 'nango-connect-session.openapi.yaml');

export const DELETE_SESSION = { method: 'delete', path: '/connect/session' } as const;

/** Types generated from the same YAML by openapi-typescript (`npm run types:generate`), never written by hand. */
export type StdError = components['schemas']['StdError'];
type DeleteSessionResponses = paths['/connect/session']['delete']['responses'];
export type DocumentedStatus = keyof DeleteSessionResponses;
export type ErrorStatus = Exclude<DocumentedStatus, 204>;

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

/** The spec's validators, compiled once per process. */
export function nangoValidators(): ResponseValidators {
  validators ??= ResponseValidators.fromDocument(nangoSpec());
  return validators;
}
