import { isJsonObject, type JsonValue } from '../json';

/**
 * Turns the verifier's JSON results (pactffi_verifier_json, what pact-js resolves or rejects with) into one
 * line per mismatch, for a run that was filtered to the one interaction `description`.
 */
export function verifierProblems(resultsText: string, description: string): string[] {
  let results: JsonValue;
  try {
    results = JSON.parse(resultsText) as JsonValue;
  } catch {
    return [`the Pact verifier did not run: ${resultsText}`];
  }
  if (!isJsonObject(results)) return [`the Pact verifier returned no results: ${resultsText}`];
  const ran = Array.isArray(results['interactionResults']) ? results['interactionResults'].length : 0;
  if (ran !== 1) return [`the Pact verifier ran ${ran} interactions for "${description}" (expected exactly 1)`];
  const errors = Array.isArray(results['errors']) ? results['errors'] : [];
  const problems = errors.flatMap((error) => (isJsonObject(error) ? describeMismatch(error['mismatch']) : []));
  if (results['result'] !== true && problems.length === 0) return ['the Pact verifier reported a failure without details'];
  return problems;
}

function describeMismatch(mismatch: JsonValue | undefined): string[] {
  if (!isJsonObject(mismatch)) return [];
  if (mismatch['type'] === 'error') return [`request failed: ${String(mismatch['message'])}`];
  const list = Array.isArray(mismatch['mismatches']) ? mismatch['mismatches'] : [];
  return list.flatMap((item) => {
    if (!isJsonObject(item)) return [];
    const text = String(item['mismatch'] ?? JSON.stringify(item));
    switch (item['type']) {
      case 'StatusMismatch':
        return [`status: ${text}`];
      case 'HeaderMismatch':
        return [`header ${String(item['key'] ?? '')}: ${text}`];
      case 'BodyMismatch':
        return [`body ${String(item['path'] ?? '$')}: ${text}`];
      case 'BodyTypeMismatch':
        return [`body type: ${text}`];
      default:
        return [`${String(item['type'] ?? 'mismatch')}: ${text}`];
    }
  });
}
