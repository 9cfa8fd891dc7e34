import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { pointerOf, resolvePointer } from './jsonPointer';

/** Anything wrong with the spec file itself or with a lookup in it; the message names the file. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** A parsed OpenAPI document whose local `$ref`s are all known to resolve. */
export interface SpecDocument {
  /** Where the text came from (a file path), used in every error message. */
  readonly source: string;
  readonly root: JsonObject;
}

export function loadSpecFile(file: string): SpecDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpecError(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`);
  }
  return parseSpecText(text, file);
}

export function parseSpecText(text: string, source: string): SpecDocument {
  const document = parseDocument(text, { uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    const where = firstError.linePos?.[0];
    const at = where ? ` at line ${where.line}, column ${where.col}` : '';
    const what = (firstError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new SpecError(source, `is not valid YAML${at}: ${what}`);
  }
  const root: unknown = document.toJS({ maxAliasCount: 100 });
  if (!isJsonObject(root)) {
    throw new SpecError(source, 'is not an OpenAPI document (expected a mapping at the top level)');
  }
  if (typeof root['openapi'] !== 'string' || !root['openapi'].startsWith('3.1')) {
    throw new SpecError(source, `is not an OpenAPI 3.1 document (openapi: ${JSON.stringify(root['openapi'] ?? null)})`);
  }
  if (!isJsonObject(root['paths'])) {
    throw new SpecError(source, 'has no "paths" mapping');
  }
  assertRefsResolve(root, source);
  return { source, root };
}

/** Every `$ref` must be a local pointer into this document: dangling or external ones fail here, by location. */
function assertRefsResolve(root: JsonObject, source: string): void {
  const visit = (node: JsonValue, at: string[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...at, String(index)]));
      return;
    }
    if (!isJsonObject(node)) return;
    const ref = node['$ref'];
    if (ref !== undefined) {
      const where = pointerOf(at) || '/';
      if (typeof ref !== 'string' || !ref.startsWith('#')) {
        throw new SpecError(source, `$ref ${JSON.stringify(ref)} at ${where} is not a local reference (only "#/..." is supported)`);
      }
      if (resolvePointer(root, decodeURIComponent(ref.slice(1))) === undefined) {
        throw new SpecError(source, `$ref '${ref}' at ${where} does not resolve to anything in the document`);
      }
    }
    for (const [key, child] of Object.entries(node)) visit(child, [...at, key]);
  };
  visit(root, []);
}
