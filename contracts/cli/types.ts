/**
 * `npm run types:generate` / `types:check`: openapi-typescript's types for what the lifecycle reaches in
 * Nango's document (its four operations and the components their `$ref`s reach), written to
 * contracts/generated/nango-api.ts, or compared with it (`--check`, exit 1 when stale). The whole document would
 * make 4,000 lines of types nothing here uses, which every `tsc` would pay for.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { nangoSpec, SPEC_FILE } from '../nangoApi';
import { LIFECYCLE } from '../cases';
import { operationsSubset } from '../openapi/subset';
import { PROJECT_ROOT } from '../projectRoot';

const GENERATED = join(PROJECT_ROOT, 'contracts', 'generated', 'nango-api.ts');

interface OpenapiTypescript {
  readonly default: (schema: object, options: { readonly emptyObjectsUnknown: boolean; readonly silent: boolean }) => Promise<unknown[]>;
  readonly astToString: (ast: unknown[]) => string;
  readonly COMMENT_HEADER: string;
}

async function main(check: boolean): Promise<number> {
  const { default: openapiTS, astToString, COMMENT_HEADER } = require('openapi-typescript') as OpenapiTypescript;
  const ast = await openapiTS(operationsSubset(nangoSpec().root, LIFECYCLE), { emptyObjectsUnknown: true, silent: true });
  const text = `${COMMENT_HEADER}${astToString(ast)}`;
  const target = relative(process.cwd(), GENERATED);
  if (!check) {
    writeFileSync(GENERATED, text);
    process.stdout.write(`${target}: the lifecycle's types, from ${relative(process.cwd(), SPEC_FILE)}\n`);
    return 0;
  }
  let current = '';
  try {
    current = readFileSync(GENERATED, 'utf8');
  } catch {
    // Missing: stale.
  }
  if (current === text) return 0;
  process.stderr.write(`${target} is not what openapi-typescript makes of ${relative(process.cwd(), SPEC_FILE)}: run npm run types:generate\n`);
  return 1;
}

main(process.argv.includes('--check')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`types could not be generated: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
