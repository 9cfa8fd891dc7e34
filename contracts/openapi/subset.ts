import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { escapeToken, resolvePointer } from './jsonPointer';
import type { OperationRef } from './responseValidators';

/** The document's top-level fields a subset keeps as they are. */
const KEPT_FIELDS = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'security', 'externalDocs'] as const;

/**
 * The part of an OpenAPI document that some operations reach, nothing copied by hand: their path items (only
 * those methods), and every component their `$ref`s reach, transitively (a `$ref` into a component's inside keeps
 * the whole component); the security schemes stay whole. Tools that take a whole document (openapi-typescript) then
 * see only what this suite relies on, and none of the schemas elsewhere that a strict validator refuses.
 */
export function operationsSubset(root: JsonObject, operations: readonly OperationRef[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const { method, path } of operations) {
    const item = resolvePointer(root, `/paths/${escapeToken(path)}`);
    const operation = isJsonObject(item) ? item[method] : undefined;
    if (!isJsonObject(item) || operation === undefined) continue;
    const { parameters } = item;
    paths[path] = { ...(paths[path] ?? (parameters === undefined ? {} : { parameters })), [method]: operation };
  }
  const components: Record<string, Record<string, JsonValue>> = {};
  const seen = new Set<string>();
  const visit = (node: JsonValue | undefined): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isJsonObject(node)) return;
    const ref = node['$ref'];
    if (typeof ref === 'string') keep(ref);
    for (const child of Object.values(node)) visit(child);
  };
  const keep = (ref: string): void => {
    const [, section, name] = /^#\/components\/([^/]+)\/([^/]+)/.exec(ref) ?? [];
    if (section === undefined || name === undefined || seen.has(`${section}/${name}`)) return;
    seen.add(`${section}/${name}`);
    const key = name.replace(/~1/g, '/').replace(/~0/g, '~');
    const component = resolvePointer(root, `/components/${section}/${name}`);
    if (component === undefined) return;
    (components[section] ??= {})[key] = component;
    visit(component);
  };
  visit(paths);
  const schemes = resolvePointer(root, '/components/securitySchemes');
  if (isJsonObject(schemes)) components['securitySchemes'] = schemes;
  const kept = Object.fromEntries(
    KEPT_FIELDS.flatMap((field) => (root[field] === undefined ? [] : [[field, root[field]]])),
  );
  return { ...kept, paths, components };
}
