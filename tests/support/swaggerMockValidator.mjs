// Runs PactFlow's swagger-mock-validator (an ES module) on a spec and a pact, with the strictness PactFlow's
// bi-directional testing can be set to (no additional properties, required properties present in responses),
// and prints its findings as JSON: { errors: [{ code, interaction }], warnings: [...] }.
import { SwaggerMockValidatorFactory } from '@pactflow/swagger-mock-validator';

const [specPathOrUrl, mockPathOrUrl] = process.argv.slice(2);
const result = await SwaggerMockValidatorFactory.create().validate({
  specPathOrUrl,
  mockPathOrUrl,
  additionalPropertiesInResponse: 'false',
  requiredPropertiesInResponse: 'true',
});
const brief = (finding) => ({ code: finding.code, interaction: finding.mockDetails?.interactionDescription ?? null });
process.stdout.write(JSON.stringify({ errors: result.errors.map(brief), warnings: result.warnings.map(brief) }));
