/**
 * The committed pact against PactFlow's other validator, swagger-mock-validator (the engine of its earlier
 * bi-directional contract testing), at its strictest for responses: 0 errors, and only the warning the known
 * findings already accept from PactFlow's comparator. It is given the part of Nango's document the four operations
 * reach (contracts/openapi/subset.ts): it refuses the whole document, whose schemas elsewhere hold `anyOf: []`.
 * A pact that relies on what the spec does not promise (an undocumented status, a field of the wrong type) fails.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnownFindings } from '../../contracts/knownFindings';
import type { JsonObject } from '../../contracts/json';
import { nangoSpec } from '../../contracts/nangoApi';
import { LIFECYCLE } from '../../contracts/cases';
import { operationsSubset } from '../../contracts/openapi/subset';
import { COMMITTED_PACT } from '../../contracts/pact/committedPact';
import { ROOT } from '../support/runCli';
import { scratchDir } from '../support/scratch';

interface Finding {
  readonly code: string;
  readonly interaction: string | null;
}

const dir = scratchDir('swagger-mock-validator');
const specFile = join(dir, 'lifecycle-subset.json');
writeFileSync(specFile, JSON.stringify(operationsSubset(nangoSpec().root, LIFECYCLE)));

interface Outcome {
  readonly errors: Finding[];
  readonly warnings: Finding[];
}

const committed = (): JsonObject => JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as JsonObject;
const interactionsOf = (pact: JsonObject): JsonObject[] => pact['interactions'] as JsonObject[];

/** A pact that expects a status the spec does not document. */
function expectingATeapot(): JsonObject {
  const pact = committed();
  const [first] = interactionsOf(pact);
  return { ...pact, interactions: [{ ...first, description: 'an undocumented teapot', response: { ...(first?.['response'] as JsonObject), status: 418 } }] };
}

/** A pact whose 201 body holds an expiry of the wrong type. */
function expiringAsANumber(): JsonObject {
  const pact = committed();
  const created = interactionsOf(pact).find((interaction) => (interaction['response'] as JsonObject)['status'] === 201) as JsonObject;
  const response = created['response'] as JsonObject;
  const body = response['body'] as JsonObject;
  const content = body['content'] as { data: JsonObject };
  return { ...pact, interactions: [{ ...created, response: { ...response, body: { ...body, content: { data: { ...content.data, expires_at: 1800 } } }, matchingRules: {} } }] };
}

/** The validator's findings for each pact, in one process. */
function validateAll(pacts: readonly JsonObject[]): Outcome[] {
  const files = pacts.map((pact, index) => {
    const file = join(dir, `pact-${index}.json`);
    writeFileSync(file, JSON.stringify(pact));
    return file;
  });
  const output = execFileSync(process.execPath, [join(ROOT, 'tests', 'support', 'swaggerMockValidator.mjs'), specFile, ...files], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return JSON.parse(output) as Outcome[];
}

const [ofCommitted, ofTeapot, ofNumericExpiry] = validateAll([committed(), expectingATeapot(), expiringAsANumber()]);

describe('swagger-mock-validator on the committed pact', () => {
  it('finds no error, and no warning but those the known findings accept', () => {
    expect(ofCommitted?.errors).toEqual([]);
    const accepted = loadKnownFindings(join(ROOT, 'contracts', 'known-findings.yaml'))
      .filter((finding) => finding.check === 'bidirectional')
      .map((finding) => ({ code: finding.code, interaction: finding.interaction }));
    for (const warning of ofCommitted?.warnings ?? []) expect(accepted).toContainEqual(warning);
  });

  it('finds an error in a pact that expects a status the spec does not document', () => {
    expect(ofTeapot?.errors).toContainEqual({ code: 'response.status.unknown', interaction: 'an undocumented teapot' });
  });

  it('finds an error in a pact whose 201 body holds a field of the wrong type', () => {
    expect(ofNumericExpiry?.errors.map((error) => error.code)).toContain('response.body.incompatible');
  });
});
