import fc from 'fast-check';
import type { JsonValue } from '../json';
import type { OperationRef } from '../openapi/responseValidators';
import { OFF_BY_ONE, type OffByOne } from './placeholders';

/**
 * How a generated request authenticates. Kinds that name a session are resolved at run time: `session` and
 * `off-by-one` use a live connect session (so a test can see whether the request deleted it), `deleted-session`
 * one the run deleted before, `secret-key` the environment's secret key (what the spec's security scheme names).
 */
export type AuthSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'raw'; readonly value: string }
  | { readonly kind: 'session'; readonly form: SessionTokenForm }
  | { readonly kind: 'off-by-one'; readonly mutation: OffByOne }
  | { readonly kind: 'unknown-token' }
  | { readonly kind: 'deleted-session' }
  /** The secret key, as `Bearer <key>` unless `form` says otherwise (the same forms as a session token's). */
  | { readonly kind: 'secret-key'; readonly form?: SessionTokenForm }
  /** The secret key one character off: a key of no environment. */
  | { readonly kind: 'wrong-secret-key'; readonly mutation: SecretMutation };

/** How a secret key is put one character off: both change it whatever it is (no format of its own to break). */
export const SECRET_MUTATIONS = ['drop-last', 'add-hex'] as const;
export type SecretMutation = (typeof SECRET_MUTATIONS)[number];

/**
 * How a live session's token is written into the header. `bearer`, `lowercase-scheme` (`bearer <t>`) and
 * `double-space` (`Bearer  <t>`) carry it under the Bearer scheme as HTTP allows (the scheme is case-insensitive,
 * RFC 9110 §11.1; RFC 6750 §2.1 puts 1*SP before the token). `bare` (no scheme), `x-prefixed` (`XBearer <t>`) and
 * `basic-bearer` (`Basic Bearer <t>`) do not: a server that takes them ignores the scheme.
 */
export const SESSION_TOKEN_FORMS = ['bearer', 'lowercase-scheme', 'double-space', 'bare', 'x-prefixed', 'basic-bearer'] as const;
export type SessionTokenForm = (typeof SESSION_TOKEN_FORMS)[number];

export type BodySpec =
  | { readonly kind: 'none' }
  /** A JSON document, as sent. */
  | { readonly kind: 'json'; readonly text: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'large'; readonly bytes: number }
  /** A body the operation's request schema allows (bodyArbitraries.ts), sent as JSON. */
  | { readonly kind: 'valid'; readonly value: JsonValue }
  /** A body that breaks one rule of the schema, `label` saying which and where (`body:missing-required:end_user.id`). */
  | { readonly kind: 'invalid'; readonly label: string; readonly value: JsonValue };

export type HostileCase =
  | {
      readonly kind: 'single';
      /** The operation the request goes to. */
      readonly operation: OperationRef;
      readonly auth: AuthSpec;
      readonly query: ReadonlyArray<readonly [string, string]>;
      readonly body: BodySpec;
      readonly contentType: string | undefined;
    }
  /** One live session deleted `times` times in a row, by the operation that removes a session. */
  | { readonly kind: 'repeat'; readonly times: number }
  /** One live session deleted by `parallel` requests at once, by the operation that removes a session. */
  | { readonly kind: 'race'; readonly parallel: number }
  /** A method the spec does not document for the path, with the credential the path's operations take (the coverage pass sends these). */
  | { readonly kind: 'method'; readonly method: string; readonly path: string };

export const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'] as const;

/** Latin-1 text, which is what an HTTP/1.1 header can carry: UTF-8 bytes of any character, tab among controls. */
const headerText = fc
  .string({ unit: 'grapheme', maxLength: 12 })
  .map((text) => Buffer.from(text, 'utf8').toString('latin1').replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''));

export const rawAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc', 'Digest username="x"', 'bearer', 'BEARER x', 'Bearer\tx'),
  headerText.map((text) => `Bearer ${text}`),
  headerText,
  // Oversized, yet under the 8 kB many servers and proxies allow for all headers (past it, a 431 from the front end).
  fc.integer({ min: 1_000, max: 6_000 }).map((length) => `Bearer ${'a'.repeat(length)}`),
);

/** The credentials of an operation the session token authenticates. */
export const sessionAuth: fc.Arbitrary<AuthSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' } as const) },
  { weight: 3, arbitrary: rawAuthorization.map((value) => ({ kind: 'raw', value }) as const) },
  { weight: 4, arbitrary: fc.constantFrom<SessionTokenForm>(...SESSION_TOKEN_FORMS).map((form) => ({ kind: 'session', form }) as const) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<OffByOne>(...OFF_BY_ONE).map((mutation) => ({ kind: 'off-by-one', mutation }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'unknown-token' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'deleted-session' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'secret-key' } as const) },
);

const queryKey = fc.oneof(fc.constantFrom('unexpected', 'connect_session', 'a b', 'ü', '%', 'x[]', ''), fc.string({ maxLength: 8 }));
export const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant([] as Array<readonly [string, string]>) },
  { weight: 2, arbitrary: fc.array(fc.tuple(queryKey, fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: queryKey.map((key) => [[key, '1'] as const, [key, '2'] as const]) },
);

/** Bodies of no schema: an operation that documents none gets these. */
export const looseBody: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' } as const) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom('{}', '[]', 'null', '0', '""', '{"unexpected":true}'), fc.json({ maxDepth: 2 })).map((text) => ({ kind: 'json', text }) as const) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('{', '{"a":', 'not json', ' '), fc.string({ minLength: 1, maxLength: 20 })).map((text) => ({ kind: 'text', text }) as const) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((bytes) => ({ kind: 'large', bytes }) as const) },
);

/** Every request this suite sends to the operation that removes a session (DELETE /connect/session), seeded and shrinkable. */
export function sessionRemovalCases(operation: OperationRef): fc.Arbitrary<HostileCase> {
  const single: fc.Arbitrary<HostileCase> = fc
    .record({
      auth: sessionAuth,
      query,
      body: looseBody,
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
    })
    .map((drawn): HostileCase => ({ kind: 'single', operation, ...drawn }));
  return fc.oneof(
    { weight: 18, arbitrary: single },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }).map((times) => ({ kind: 'repeat', times }) as const) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 5 }).map((parallel) => ({ kind: 'race', parallel }) as const) },
  );
}
