// Runs PactFlow's swagger-mock-validator (an ES module) on a spec and a pact, with the strictness PactFlow's
// bi-directional testing can be set to (no additional properties, required properties present in responses),
// and prints its findings for each pact as JSON: [{ errors: [{ code, interaction }], warnings: [...] }, ...].
// One process for all the pacts given: loading the validator is most of its cost.
import { SwaggerMockValidatorFactory } from '@pactflow/swagger-mock-validator';

const [specPathOrUrl, ...pacts] = process.argv.slice(2);
const validator = SwaggerMockValidatorFactory.create();
const brief = (finding) => ({ code: finding.code, interaction: finding.mockDetails?.interactionDescription ?? null });
const results = [];
for (const mockPathOrUrl of pacts) {
  const result = await validator.validate({
    specPathOrUrl,
    mockPathOrUrl,
    additionalPropertiesInResponse: 'false',
    requiredPropertiesInResponse: 'true',
  });
  results.push({ errors: result.errors.map(brief), warnings: result.warnings.map(brief) });
}
process.stdout.write(JSON.stringify(results));
