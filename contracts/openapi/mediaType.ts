/** `application/json; charset=utf-8` → `application/json`. */
export function essenceOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

export function isJsonMediaType(mediaType: string): boolean {
  const essence = essenceOf(mediaType);
  return essence === 'application/json' || essence.endsWith('+json');
}

/** The documented media-type key that covers `actual`: exact, then `type/*`, then `*\/*` (OpenAPI's precedence). */
export function matchMediaType(documented: readonly string[], actual: string): string | undefined {
  const essence = essenceOf(actual);
  const [type] = essence.split('/');
  const keys = new Map(documented.map((key) => [essenceOf(key), key] as const));
  return keys.get(essence) ?? keys.get(`${type}/*`) ?? keys.get('*/*');
}
