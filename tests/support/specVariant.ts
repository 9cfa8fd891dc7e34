import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { JsonObject } from '../../contracts/json';
import { lifecycleValidators, SPEC_FILE } from '../../contracts/nangoApi';
import type { ResponseValidators } from '../../contracts/openapi/responseValidators';
import { parseSpecText } from '../../contracts/openapi/specDocument';

/** The real spec, changed by `mutate`, compiled like the real one: for tests of what a different spec implies. */
export function specVariant(mutate: (root: JsonObject) => void, source = 'variant.yaml'): ResponseValidators {
  const root = parse(readFileSync(SPEC_FILE, 'utf8')) as JsonObject;
  mutate(root);
  return lifecycleValidators(parseSpecText(stringify(root), source));
}
