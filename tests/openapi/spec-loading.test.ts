/**
 * The spec module reads spec/ as the single source of truth. These tests prove that it finds the endpoint's
 * documented answers there, and that a broken spec file or an impossible lookup fails with a message that
 * names the file and what is wrong, instead of a stack trace or a silent pass.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationLabel, SPEC_FILE } from '../../contracts/nangoApi';
import { DELETE_SESSION, LIFECYCLE, nangoValidators } from '../../contracts/cases';
import { ResponseValidators } from '../../contracts/openapi/responseValidators';
import { parseSpecText, SpecError } from '../../contracts/openapi/specDocument';
import { specVariant } from '../support/specVariant';
import { scratchDir } from '../support/scratch';

const { method, path } = DELETE_SESSION;
const scratch = scratchDir('spec');
const specFile = (name: string, text: string): string => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};

describe('loading the spec', () => {
  it('documents the statuses of each lifecycle operation, from Nango\'s whole document', () => {
    expect(LIFECYCLE.map((operation) => `${operationLabel(operation)}: ${nangoValidators().documentedStatuses(operation.method, operation.path).join(' ')}`)).toEqual([
      'POST /connect/sessions: 201 400 401',
      'POST /connect/sessions/reconnect: 201 400 401',
      'GET /connect/session: 200 400 401 404',
      'DELETE /connect/session: 204 400 401 404',
      'GET /connection/{connectionId}: 200 400 404 424',
      'DELETE /connection/{connectionId}: 200 400 404',
      'POST /integrations: 200 400 401',
      'DELETE /integrations/{uniqueKey}: 200 400 401 404',
    ]);
  });

  it('compiles only the operations asked for, and names one the spec lacks', () => {
    expect(nangoValidators().documentedMethods('/providers')).toEqual([]);
    expect(() => ResponseValidators.fromFile(SPEC_FILE, [{ method: 'put', path: '/connect/session' }])).toThrow(`${SPEC_FILE}: documents no operation PUT /connect/session`);
  });

  it('names the file when it does not exist', () => {
    const missing = join(scratch, 'missing.yaml');
    expect(() => ResponseValidators.fromFile(missing)).toThrow(new SpecError(missing, 'no such file'));
  });

  it('names the file and the line when the text is not YAML', () => {
    const file = specFile('broken.yaml', 'openapi: 3.1.0\npaths: {\n  /x: [\n');
    expect(() => ResponseValidators.fromFile(file)).toThrow(/broken\.yaml: is not valid YAML at line \d+, column \d+: Flow sequence/);
  });

  it('rejects YAML that is not an OpenAPI 3.1 document', () => {
    expect(() => parseSpecText('- just\n- a list\n', 'list.yaml')).toThrow('list.yaml: is not an OpenAPI document');
    expect(() => parseSpecText('openapi: 3.0.3\npaths: {}\n', 'old.yaml')).toThrow('old.yaml: is not an OpenAPI 3.1 document (openapi: "3.0.3")');
    expect(() => parseSpecText('openapi: 3.1.0\n', 'nopaths.yaml')).toThrow('nopaths.yaml: has no "paths" mapping');
  });

  it('names a dangling $ref and where it stands', () => {
    expect(() =>
      specVariant((root) => {
        delete (root['components'] as { schemas: Record<string, unknown> }).schemas['StdError'];
      }, 'dangling.yaml'),
    ).toThrow(/^dangling\.yaml: \$ref '#\/components\/schemas\/StdError' at \/paths\/\S+\/responses\/\d+\/content\/application~1json\/schema does not resolve to anything in the document$/);
  });

  it('refuses a $ref to another file', () => {
    const file = specFile('external.yaml', `openapi: 3.1.0\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          $ref: 'other.yaml#/R'\n`);
    expect(() => ResponseValidators.fromFile(file)).toThrow(`${file}: $ref "other.yaml#/R" at /paths/~1x/get/responses/200 is not a local reference`);
  });

  it('names the schema that Ajv cannot compile', () => {
    expect(() =>
      specVariant((root) => {
        (root['components'] as { schemas: Record<string, unknown> }).schemas['StdError'] = { type: 'strng' };
      }, 'badschema.yaml'),
    ).toThrow(/^badschema\.yaml: schema at \/components\/responses\/BadRequest\/content\/application~1json\/schema does not compile: .*type/);
  });
});

describe('looking up a validator', () => {
  const validators = nangoValidators();

  it('fails for a status the spec does not document, naming the file and the documented ones', () => {
    expect(() => validators.validatorFor(method, path, 418, 'application/json')).toThrow(
      `${SPEC_FILE}: DELETE /connect/session does not document status 418 (documented: 204, 400, 401, 404)`,
    );
  });

  it('fails for a path or a method the spec lacks', () => {
    expect(() => validators.validatorFor('delete', '/connect/sessions', 401, 'application/json')).toThrow(
      `${SPEC_FILE}: documents no operation DELETE /connect/sessions (documented: POST /integrations, DELETE /integrations/{uniqueKey}, GET /connection/{connectionId}, DELETE /connection/{connectionId}, POST /connect/sessions, POST /connect/sessions/reconnect, GET /connect/session, DELETE /connect/session)`,
    );
    expect(() => validators.validatorFor('patch', path, 401, 'application/json')).toThrow('documents no operation PATCH /connect/session');
  });

  it('fails for a media type the status does not document, and for a status without a body', () => {
    expect(() => validators.validatorFor(method, path, 401, 'text/plain')).toThrow('DELETE /connect/session 401 documents only application/json, not text/plain');
    expect(() => validators.validatorFor(method, path, 204, 'application/json')).toThrow('DELETE /connect/session 204 documents no body, not application/json');
  });

  it('accepts a content type with parameters', () => {
    expect(validators.validatorFor(method, path, 404, 'application/json; charset=utf-8')({ error: { code: 'not_found' } })).toEqual([]);
  });
});
