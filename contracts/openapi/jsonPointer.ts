import { isJsonObject, type JsonValue } from '../json';

/** RFC 6901 escaping of one reference token (`/` and `~`). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(tokens: readonly string[]): string {
  return tokens.map((token) => `/${escapeToken(token)}`).join('');
}

/** Resolves a pointer such as `/components/schemas/StdError`; `undefined` when any step is missing. */
export function resolvePointer(root: JsonValue, pointer: string): JsonValue | undefined {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node: JsonValue | undefined = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      node = /^(0|[1-9]\d*)$/.test(token) ? node[Number(token)] : undefined;
    } else if (isJsonObject(node)) {
      node = Object.hasOwn(node, token) ? node[token] : undefined;
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** The pointer a local `$ref` (`#/components/schemas/Connect%20Session`) names: its fragment, URI-decoded. */
export function refPointer(ref: string): string {
  return decodeURIComponent(ref.replace(/^#/, ''));
}

/**
 * A schema with its `$ref`s followed, chains too (a bound stops a cycle), to the node that is no reference;
 * undefined where one leads nowhere. The document's `$ref`s are all local (specDocument.ts checks them).
 */
export function followRefs(root: JsonValue, node: JsonValue | undefined): JsonValue | undefined {
  let current = node;
  for (let hops = 0; hops < 32 && isJsonObject(current) && typeof current['$ref'] === 'string'; hops += 1) {
    current = resolvePointer(root, refPointer(current['$ref']));
  }
  return current;
}
