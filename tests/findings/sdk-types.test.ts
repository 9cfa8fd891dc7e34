/**
 * The findings where Nango's SDK types and the spec disagree on a body the suite checks
 * (contracts/findings/sdkTypes.ts): each example is judged by the spec here, and by the SDK's types at compile time
 * below (`npm run typecheck`, and tests/types/typecheck.test.ts in `npm test`): a `@ts-expect-error` that no longer
 * meets an error, or a declaration that stops compiling, fails the type gate once the types change; a spec that
 * changes its verdict fails here, and the finding is to be removed.
 */
import type { Nango } from '@nangohq/node' with { 'resolution-mode': 'import' };
import type { ApiError, ValidationError } from '@nangohq/types' with { 'resolution-mode': 'import' };
import { SDK_TYPE_FINDINGS, specVerdicts } from '../../contracts/findings/sdkTypes';
import { nangoValidators } from '../../contracts/cases';
import { specVariant } from '../support/specVariant';

type CreateBody = Parameters<Nango['createConnectSession']>[0];
type Created = Awaited<ReturnType<Nango['createConnectSession']>>;

/** Each finding's example, declared with the type @nangohq/types gives it: the compiler's verdict is the types'. */
const typed: Record<string, unknown> = {};
// @ts-expect-error S1: the SDK's types require connect_link in a created session.
const s1: Created = { data: { token: 'nango_connect_session_example', expires_at: '2026-12-01T10:30:00.000Z' } };
// @ts-expect-error S2: the SDK's types require end_user or tags in a create body.
const s2: CreateBody = { allowed_integrations: ['github'] };
// S3: the SDK's types allow a payload beside the code (no error expected).
const s3: ApiError<'invalid_body'> = { error: { code: 'invalid_body', payload: { field: 'end_user' } } };
// @ts-expect-error S4: the SDK's types require code, message and path in an errors[] item.
const s4: ApiError<'invalid_body', ValidationError[]> = { error: { code: 'invalid_body', errors: [{}] } };
Object.assign(typed, { S1: s1, S2: s2, S3: s3, S4: s4 });

it('declares with the SDK types the very example of each finding', () => {
  expect(typed).toEqual(Object.fromEntries(SDK_TYPE_FINDINGS.map(({ id, example }) => [id, example.value])));
});

it('holds against the committed spec: the spec accepts where the types refuse, and refuses where they accept', () => {
  expect(specVerdicts(nangoValidators())).toEqual(
    Object.fromEntries(SDK_TYPE_FINDINGS.map(({ id, specAccepts }) => [id, specAccepts])),
  );
  // Where the types accept (S3, no @ts-expect-error above), the spec refuses, and the other way round.
  expect(SDK_TYPE_FINDINGS.filter(({ specAccepts }) => !specAccepts).map(({ id }) => id)).toEqual(['S3']);
});

it('no longer holds once the spec says what the types say (the finding is then reported as gone)', () => {
  const agreeing = specVariant((root) => {
    const schemas = (
      root['components'] as { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> }
    ).schemas;
    const session = schemas['ConnectSession'];
    if (session) session.required = ['token', 'connect_link', 'expires_at'];
    const error = (schemas['StdError']?.properties?.['error'] ?? {}) as { properties: Record<string, unknown> };
    error.properties['payload'] = {};
  });
  expect(specVerdicts(agreeing)).toMatchObject({ S1: false, S3: true });
});

it('names for each finding where the spec says it, what each side says, and what to ask of Nango', () => {
  for (const finding of SDK_TYPE_FINDINGS) {
    expect(finding.specPointer).toMatch(/^\/components\/schemas\//);
    expect([finding.title, finding.spec, finding.types, finding.action].every((text) => text.trim().length > 0)).toBe(
      true,
    );
  }
  expect(new Set(SDK_TYPE_FINDINGS.map(({ id }) => id)).size).toBe(SDK_TYPE_FINDINGS.length);
});
