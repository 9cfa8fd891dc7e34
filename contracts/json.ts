import { readFileSync } from 'node:fs';
import { ConfigurationError } from './configurationError';

/** JSON values as they come out of `JSON.parse` or a YAML document. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value as text: a string as it is, an object or array as JSON (never `[object Object]`), `fallback` for none. */
export function textOf(value: JsonValue | undefined, fallback = ''): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A JSON file a command reads back (a report a run wrote), or one line saying what is wrong: `missing` when it is
 * not there (say which command writes it), else that it is not the `kind` of file expected.
 */
export function readJsonFile(
  file: string,
  { missing, kind }: { readonly missing: string; readonly kind: string },
): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(code === 'ENOENT' ? missing : `${file} is not ${kind} (${(error as Error).message})`);
  }
}
