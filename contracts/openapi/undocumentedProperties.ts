import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { escapeToken, followRefs } from './jsonPointer';

/**
 * Where a body holds a property its schema does not name: JSON pointers into the body (`/data/extra`). Only where
 * the schema says which properties an object has (`properties`) and nothing of others: `additionalProperties`
 * or `patternProperties` allow them, and a composition (`allOf`, `anyOf`, `oneOf`) may name them elsewhere, so
 * those are left alone rather than guessed. Such a property is allowed by an open schema; a run asks for them
 * (SPEC_CLOSED_RESPONSES) to find what the spec has yet to document.
 */
export function undocumentedProperties(
  root: JsonObject,
  schema: JsonValue | undefined,
  body: unknown,
  at = '',
): string[] {
  const resolved = followRefs(root, schema);
  if (!isJsonObject(resolved) || ['allOf', 'anyOf', 'oneOf'].some((keyword) => keyword in resolved)) return [];
  if (Array.isArray(body))
    return body.flatMap((item, index) => undocumentedProperties(root, resolved['items'], item, `${at}/${index}`));
  if (!isJsonObject(body)) return [];
  const properties = resolved['properties'];
  if (!isJsonObject(properties)) return [];
  const additional = resolved['additionalProperties'];
  const othersAllowed = 'patternProperties' in resolved || (additional !== undefined && additional !== false);
  return Object.entries(body).flatMap(([name, value]) => {
    const where = `${at}/${escapeToken(name)}`;
    if (name in properties) return undocumentedProperties(root, properties[name], value, where);
    if (othersAllowed) return isJsonObject(additional) ? undocumentedProperties(root, additional, value, where) : [];
    return [where];
  });
}
