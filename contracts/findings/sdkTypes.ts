import { CREATE_CONNECT_SESSION } from '../cases';
import type { JsonValue } from '../json';
import type { OperationRef, ResponseValidators } from '../openapi/responseValidators';

/**
 * Where Nango's SDK types (`@nangohq/types`, what `@nangohq/node`'s callers compile against) and the spec disagree
 * on a body the suite checks. The spec is the contract; the types are evidence of what Nango's own code sends and
 * expects, so each disagreement is a finding to report to Nango, with the body that shows it: one side accepts it,
 * the other refuses it. The spec's verdict is judged here (specVerdicts); the types' by the compiler, in
 * tests/findings/sdk-types.test.ts, where the same body is declared with the SDK's type.
 */
export interface SdkTypeFinding {
  readonly id: string;
  readonly title: string;
  /** Where the spec states it: the schema's JSON pointer in spec/. */
  readonly specPointer: string;
  /** What the spec says, in a line. */
  readonly spec: string;
  /** What `@nangohq/types` 0.71.x says, naming the type. */
  readonly types: string;
  /** The body the two disagree on, and where the spec judges it: an operation's request body, or its answer of a status. */
  readonly example: { readonly operation: OperationRef; readonly body: 'request' | number; readonly value: JsonValue };
  /** The spec's verdict on the example (the types' is the opposite). */
  readonly specAccepts: boolean;
  /** Which of the two is likely right, and what to ask of Nango. */
  readonly action: string;
}

/** `POST /connect/sessions`, where the spec judges every example: its body and its answers name the schemas at issue. */
const CREATE = CREATE_CONNECT_SESSION.route;

export const SDK_TYPE_FINDINGS: readonly SdkTypeFinding[] = [
  {
    id: 'S1',
    title: 'ConnectSession.connect_link: optional in the spec, always there for the SDK',
    specPointer: '/components/schemas/ConnectSession',
    spec: 'required: [token, expires_at]; connect_link may be absent from a 201 or 200 body',
    types:
      "PostConnectSessions['Success'] (what nango.createConnectSession resolves to): data.connect_link: string, required",
    example: {
      operation: CREATE,
      body: 201,
      value: { data: { token: 'nango_connect_session_example', expires_at: '2026-12-01T10:30:00.000Z' } },
    },
    specAccepts: true,
    action:
      'Nango always sends connect_link (the SDK relies on it, and so does this pact): ask Nango to list it in ConnectSession.required.',
  },
  {
    id: 'S2',
    title: 'ConnectSessionInput: no field required by the spec, end_user or tags by the SDK',
    specPointer: '/components/schemas/ConnectSessionInput',
    spec: 'no required property: {} and a body of allowed_integrations alone are valid',
    types:
      "PostConnectSessions['Body'] (nango.createConnectSession's argument): end_user (with id), or top-level tags, is required",
    example: { operation: CREATE, body: 'request', value: { allowed_integrations: ['github'] } },
    specAccepts: true,
    action:
      'The types follow the server\'s validation: ask Nango to state "end_user or tags" in the spec (anyOf of two required lists).',
  },
  {
    id: 'S3',
    title: "StdError.error: closed in the spec, with a payload in the SDK's types",
    specPointer: '/components/schemas/StdError/properties/error',
    spec: 'additionalProperties: false, properties code, message, errors: an error with a payload breaks the schema',
    types: 'ApiError<Code> (every error body of @nangohq/types): error.payload?: unknown beside code, message, errors',
    example: {
      operation: CREATE,
      body: 400,
      value: { error: { code: 'invalid_body', payload: { field: 'end_user' } } },
    },
    specAccepts: false,
    action:
      "Nango's own code may send a payload (README, V7 shows one answered): ask Nango to document error.payload in StdError.",
  },
  {
    id: 'S4',
    title: 'StdError.error.errors[]: any object in the spec, {code, message, path} in the SDK',
    specPointer: '/components/schemas/StdError/properties/error/properties/errors',
    spec: 'items: type: object, no property named: an item {} is valid',
    types: 'ValidationError: code: string, message: string, path: (string | number)[], all required',
    example: { operation: CREATE, body: 400, value: { error: { code: 'invalid_body', errors: [{}] } } },
    specAccepts: true,
    action:
      'The contract cannot rely on an item\'s fields while the spec names none (README, "Bi-directional contract testing"): ask Nango to document the item.',
  },
];

/** The spec's verdict on each finding's example: true where it accepts it. */
export function specVerdicts(
  validators: ResponseValidators,
  findings: readonly SdkTypeFinding[] = SDK_TYPE_FINDINGS,
): Record<string, boolean> {
  return Object.fromEntries(
    findings.map(({ id, example: { operation, body, value } }) => {
      const problems =
        body === 'request'
          ? validators.checkRequestBody(operation.method, operation.path, value)
          : validators.validatorFor(operation.method, operation.path, body, 'application/json')(value);
      return [id, problems.length === 0];
    }),
  );
}
