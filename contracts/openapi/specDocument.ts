import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import { PROJECT_ROOT } from '../projectRoot';
import { pointerOf, resolvePointer } from './jsonPointer';
import { ContractsError } from '../errors';

/** Anything wrong with the spec file itself or with a lookup in it; the message names the file. */
export class SpecError extends ContractsError {
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
  return cachedParse(text, file);
}

/** A document's text (a patched spec, say), parsed and checked, through the same cache as a file's. */
export function loadSpecText(text: string, source: string): SpecDocument {
  return cachedParse(text, source);
}

/** Where documents that parsed and checked are kept as JSON, by the hash of their text. */
const PARSED_CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'nango-contracts', 'specs');

/**
 * Nango's whole document is 230 kB of YAML, which takes the YAML parser most of a second: every process would
 * pay it. A document that parsed and passed the checks is kept as JSON under the hash of its exact text, read back
 * in milliseconds; any change to the text is a new hash, parsed and checked again. Written under a temporary name
 * first, so parallel processes never read half a file; a cache that cannot be written is only slower.
 */
function cachedParse(text: string, source: string): SpecDocument {
  const cached = join(PARSED_CACHE, `${createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`);
  try {
    const root: unknown = JSON.parse(readFileSync(cached, 'utf8'));
    if (isJsonObject(root)) return { source, root };
  } catch {
    // Not cached yet (or unreadable): parse the text.
  }
  const spec = parseSpecText(text, source);
  try {
    mkdirSync(PARSED_CACHE, { recursive: true });
    const writing = `${cached}.${process.pid}.tmp`;
    writeFileSync(writing, JSON.stringify(spec.root));
    renameSync(writing, cached);
  } catch {
    // A read-only tree: the next process parses again.
  }
  return spec;
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
  return checkedSpec(document.toJS({ maxAliasCount: 100 }), source);
}

/** A document already parsed (a copy of one, changed), held to the same checks as one read from its text. */
export function checkedSpec(root: unknown, source: string): SpecDocument {
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
        throw new SpecError(
          source,
          `$ref ${JSON.stringify(ref)} at ${where} is not a local reference (only "#/..." is supported)`,
        );
      }
      if (resolvePointer(root, decodeURIComponent(ref.slice(1))) === undefined) {
        throw new SpecError(source, `$ref '${ref}' at ${where} does not resolve to anything in the document`);
      }
    }
    for (const [key, child] of Object.entries(node)) visit(child, [...at, key]);
  };
  visit(root, []);
}
