import { stripVTControlCharacters } from 'node:util';
import { isJsonObject, textOf, type JsonObject, type JsonValue } from '../json';

/** One entry of the verifier's `errors` / `pendingErrors`: its key names the pact and the interaction. */
export interface VerifierError {
  /** `Verifying a pact between <consumer> and <provider>[ Given <state>] - <description>`, or e.g. `Failed to load pact`. */
  readonly key: string;
  readonly problems: readonly string[];
}

/** What one verifier run (pactffi_verifier_json, what pact-js resolves or rejects with) says. */
export interface VerifierRun {
  /**
   * In the order the verifier ran them. pact-core 20.2 (pact-ffi 0.5.8) names each one's consumer and whether it is
   * pending; older cores did not (undefined).
   */
  readonly interactions: ReadonlyArray<VerifiedInteraction>;
  readonly errors: readonly VerifierError[];
  readonly pendingErrors: readonly VerifierError[];
  /** The verifier's own output lines, without colours: notices, pact headings, interactions. */
  readonly output: readonly string[];
}

export interface VerifiedInteraction {
  readonly description: string;
  readonly ok: boolean;
  readonly consumer: string | undefined;
  readonly pending: boolean | undefined;
}

export type ParsedVerifierRun =
  { readonly ran: true; readonly run: VerifierRun } | { readonly ran: false; readonly reason: string };

export function parseVerifierRun(resultsText: string): ParsedVerifierRun {
  let results: JsonValue;
  try {
    results = JSON.parse(resultsText) as JsonValue;
  } catch {
    // Not JSON: the verifier's own text is the reason, kept whole below.
    return { ran: false, reason: `the Pact verifier did not run: ${resultsText}` };
  }
  if (!isJsonObject(results)) return { ran: false, reason: `the Pact verifier returned no results: ${resultsText}` };
  const list = (name: string): JsonValue[] => {
    const value = results[name];
    return Array.isArray(value) ? value : [];
  };
  const errorsOf = (name: string): VerifierError[] =>
    list(name).flatMap((error) =>
      isJsonObject(error) ? [{ key: textOf(error['interaction']), problems: describeMismatch(error['mismatch']) }] : [],
    );
  return {
    ran: true,
    run: {
      interactions: list('interactionResults').flatMap((item) =>
        isJsonObject(item) ? [verifiedInteraction(item)] : [],
      ),
      errors: errorsOf('errors'),
      pendingErrors: errorsOf('pendingErrors'),
      output: list('output').flatMap((line) => stripVTControlCharacters(textOf(line)).split('\n')),
    },
  };
}

function verifiedInteraction(item: JsonObject): VerifiedInteraction {
  const { consumer, pending } = item;
  return {
    description: textOf(item['description']),
    ok: item['result'] === 'OK',
    consumer: typeof consumer === 'string' ? consumer : undefined,
    pending: typeof pending === 'boolean' ? pending : undefined,
  };
}

/** One line per mismatch of an error entry. */
function describeMismatch(mismatch: JsonValue | undefined): string[] {
  if (!isJsonObject(mismatch)) return [];
  if (mismatch['type'] === 'error') return [`request failed: ${textOf(mismatch['message'])}`];
  const list = Array.isArray(mismatch['mismatches']) ? mismatch['mismatches'] : [];
  return list.flatMap((item) => {
    if (!isJsonObject(item)) return [];
    const text = textOf(item['mismatch'], JSON.stringify(item));
    switch (item['type']) {
      case 'StatusMismatch':
        return [`status: ${text}`];
      case 'HeaderMismatch':
        return [`header ${textOf(item['key'])}: ${text}`];
      case 'BodyMismatch':
        return [`body ${textOf(item['path'], '$')}: ${text}`];
      case 'BodyTypeMismatch':
        return [`body type: ${text}`];
      default:
        return [`${textOf(item['type'], 'mismatch')}: ${text}`];
    }
  });
}
