import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonObject, JsonValue } from '../json';
import { isJsonObject } from '../json';

/**
 * Words Ajv's strict mode must accept as annotations: the OpenAPI Object's fixed fields (Ajv compiles the
 * document root when resolving `spec#/...`) and the Schema Object's OpenAPI-only keywords.
 */
const OPENAPI_KEYWORDS = [
  ...['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags'],
  ...['example', 'xml', 'externalDocs', 'discriminator'],
];

/**
 * One strict Ajv (2020-12 dialect, formats on) that knows the whole OpenAPI document under the id `spec`,
 * so `spec#/components/...` pointers and the document's own `$ref`s resolve without copying schemas.
 */
export function ajvForDocument(root: JsonObject): Ajv2020 {
  // strictRequired off: Nango's ConnectionFull reaches credential schemas that require a property an allOf branch
  // defines (BillCredentials' `raw`), legal JSON Schema that strict mode alone refuses.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addVocabulary([...OPENAPI_KEYWORDS, ...extensionKeywords(root)]);
  ajv.addSchema(root, 'spec');
  return ajv;
}

/** `x-...` specification extensions anywhere in the document, so strict mode lets them pass as annotations. */
function extensionKeywords(root: JsonValue): string[] {
  const found = new Set<string>();
  const visit = (node: JsonValue): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isJsonObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (key.startsWith('x-')) found.add(key);
        visit(child);
      }
    }
  };
  visit(root);
  return [...found];
}
