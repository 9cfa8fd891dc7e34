import type { JsonObject } from '../../contracts/json';
import { nangoSpec } from '../../contracts/nangoApi';
import { lifecycleValidators } from '../../contracts/cases';
import type { ResponseValidators } from '../../contracts/openapi/responseValidators';
import { checkedSpec } from '../../contracts/openapi/specDocument';

/** The real spec, changed by `mutate`, compiled like the real one: for tests of what a different spec implies. */
export function specVariant(mutate: (root: JsonObject) => void, source = 'variant.yaml'): ResponseValidators {
  // A copy of the parsed spec (its YAML takes the parser most of a second), held to the checks of a parsed text.
  const root = structuredClone(nangoSpec().root);
  mutate(root);
  return lifecycleValidators(checkedSpec(root, source));
}
