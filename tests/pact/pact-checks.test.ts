/**
 * The checks the consumer run makes on the pact it writes. Each is proven to fail on a bad input: an example
 * body with an extra property or without `code`, an interaction for an undocumented status, a spec that
 * lacks a status the pact uses (or documents one it does not cover), a pact relying on a field or a status the
 * spec does not promise (PactFlow's bi-directional comparison), a stale expected finding, and a pact that no
 * longer matches pacts/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../contracts/json';
import { nangoSpec } from '../../contracts/nangoApi';
import { DELETE_SESSION, nangoValidators } from '../../contracts/cases';
import { compareWithSpec } from '../../contracts/pact/bidirectionalCheck';
import { COMMITTED_PACT, compareWithCommitted } from '../../contracts/pact/committedPact';
import { loadKnownFindings } from '../../contracts/knownFindings';
import { checkExamplesAgainstSpec, checkStatusCoverage } from '../../contracts/pact/pactChecks';
import { parsePact, readPactFile, type PactFile } from '../../contracts/pact/pactFile';
import { specVariant } from '../support/specVariant';
import { scratchDir } from '../support/scratch';

const TODAY = new Date().toISOString().slice(0, 10);

const { method, path } = DELETE_SESSION;
type RawInteraction = { description: string; response: { status: number; body?: { content: { error: Record<string, unknown> } } } };
type RawPact = { interactions: RawInteraction[] };

/** The committed pact's JSON, changed by `mutate`. */
function rawPactWith(mutate: (pact: RawPact) => void): RawPact {
  const raw = JSON.parse(readFileSync(COMMITTED_PACT, 'utf8')) as RawPact;
  mutate(raw);
  return raw;
}
const pactWith = (mutate: (pact: RawPact) => void): PactFile => parsePact(rawPactWith(mutate), 'mutated.json');
const interaction = (pact: RawPact, status: number): RawInteraction => {
  const found = pact.interactions.find((candidate) => candidate.response.status === status);
  if (!found) throw new Error(`the committed pact has no ${status} interaction`);
  return found;
};

describe('checking example bodies against the spec', () => {
  it('passes for the committed pact', () => {
    expect(checkExamplesAgainstSpec(readPactFile(COMMITTED_PACT), nangoValidators())).toEqual([]);
  });

  it('fails on an example body with an extra property', () => {
    const pact = pactWith((raw) => {
      interaction(raw, 404).response.body!.content.error['payload'] = { id: 1 };
    });
    expect(checkExamplesAgainstSpec(pact, nangoValidators())).toEqual([
      `"a request to delete a connect session that has already been deleted": 404 body: /error must NOT have additional property 'payload'`,
    ]);
  });

  it('fails on an example body missing code', () => {
    const pact = pactWith((raw) => {
      delete interaction(raw, 404).response.body!.content.error['code'];
    });
    expect(checkExamplesAgainstSpec(pact, nangoValidators())).toEqual([
      `"a request to delete a connect session that has already been deleted": 404 body: /error must have required property 'code'`,
    ]);
  });
});

describe('checking status coverage', () => {
  it('passes for the committed pact', () => {
    expect(checkStatusCoverage(readPactFile(COMMITTED_PACT), nangoValidators(), method, path)).toEqual([]);
  });

  it('fails on an interaction for an undocumented 418', () => {
    const pact = pactWith((raw) => {
      raw.interactions.push({ ...structuredClone(interaction(raw, 404)), description: 'a teapot', response: { status: 418 } });
    });
    expect(checkStatusCoverage(pact, nangoValidators(), method, path)).toEqual([
      '"a teapot" expects 418, which the spec does not document for DELETE /connect/session',
    ]);
    expect(checkExamplesAgainstSpec(pact, nangoValidators())).toContain(
      '"a teapot": 418 is not a status the spec documents for DELETE /connect/session (documented: 204, 400, 401, 404)',
    );
  });

  it('fails when the spec lacks 404', () => {
    const without404 = specVariant((root) => {
      delete (root['paths'] as Record<string, { delete: { responses: Record<string, unknown> } }>)[path]!.delete.responses['404'];
    });
    expect(checkStatusCoverage(readPactFile(COMMITTED_PACT), without404, method, path)).toEqual([
      '"a request to delete a connect session that has already been deleted" expects 404, which the spec does not document for DELETE /connect/session',
    ]);
  });

  it('fails when the spec documents a status no interaction covers', () => {
    const with409 = specVariant((root) => {
      const responses = (root['paths'] as Record<string, { delete: { responses: Record<string, unknown> } }>)[path]!.delete.responses;
      responses['409'] = responses['404'];
    });
    expect(checkStatusCoverage(readPactFile(COMMITTED_PACT), with409, method, path)).toEqual([
      'DELETE /connect/session documents 409, but no interaction covers it',
    ]);
  });
});

describe("PactFlow's bi-directional comparison", () => {
  const GONE = 'a request to delete a connect session that has already been deleted';
  const compare = (raw: RawPact) => compareWithSpec(raw as unknown as JsonObject, nangoSpec().root, loadKnownFindings(), TODAY);

  it('finds no error in the committed pact, and only the expected warning', async () => {
    const outcome = await compare(rawPactWith(() => undefined));
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.stale).toEqual([]);
    expect(outcome.expected).toEqual([expect.stringMatching(/^"a request to delete the connect session with a JSON body": request\.content-type\.unknown at \/interactions\/\d+\/request\/headers\/content-type: .* \(expected: The case sends a JSON body on purpose/)]);
  });

  it('fails a pact that relies on a field the spec does not document, naming the interaction, rule and pointer', async () => {
    const outcome = await compare(
      rawPactWith((raw) => {
        interaction(raw, 404).response.body!.content.error['retryAfter'] = 30;
      }),
    );
    expect(outcome.errors).toEqual([expect.stringMatching(new RegExp(`^"${GONE}": response\\.body\\.incompatible at /interactions/\\d+/response/body/error: .*retryAfter`))]);
  });

  it('fails a pact that relies on a status the spec does not document', async () => {
    const outcome = await compare(
      rawPactWith((raw) => {
        interaction(raw, 404).response.status = 410;
      }),
    );
    expect(outcome.errors).toEqual([expect.stringMatching(new RegExp(`^"${GONE}": response\\.status\\.unknown at /interactions/\\d+/response/status: `))]);
  });

  it('shows a warning nobody expected, and fails an expected one that no longer occurs', async () => {
    const unexpected = await compareWithSpec(rawPactWith(() => undefined) as unknown as JsonObject, nangoSpec().root, [], TODAY);
    expect(unexpected.warnings).toEqual([expect.stringMatching(/^"a request to delete the connect session with a JSON body": request\.content-type\.unknown/)]);
    const withoutBody = rawPactWith((raw) => {
      raw.interactions = raw.interactions.filter((candidate) => candidate.description !== 'a request to delete the connect session with a JSON body');
    });
    expect((await compare(withoutBody)).stale).toEqual([
      'the known finding "bidirectional request.content-type.unknown "a request to delete the connect session with a JSON body"" no longer occurs: remove it from the known-findings list',
    ]);
  });
});

describe('reading a pact file', () => {
  it('names the file and the problem', () => {
    expect(() => readPactFile('/nonexistent/pact.json')).toThrow('/nonexistent/pact.json: cannot be read (ENOENT)');
    expect(() => parsePact({ consumer: { name: 'c' }, provider: { name: 'p' } }, 'x.json')).toThrow('x.json: has no interactions array');
    expect(() => parsePact({ consumer: { name: 'c' }, provider: { name: 'p' }, interactions: [{ type: 'Asynchronous/Messages' }] }, 'x.json')).toThrow(
      'x.json: interaction #1 is a Asynchronous/Messages interaction; only HTTP is supported',
    );
  });
});

describe('comparing with the committed pact', () => {
  const scratch = scratchDir('pact-compare');

  it('passes for an identical file', () => {
    const copy = join(scratch, 'same.json');
    writeFileSync(copy, readFileSync(COMMITTED_PACT));
    expect(compareWithCommitted(copy)).toEqual({ same: true });
  });

  it('fails and shows the first differing line when the contract changed', () => {
    const changed = join(scratch, 'changed.json');
    writeFileSync(changed, readFileSync(COMMITTED_PACT, 'utf8').replace('"status": 404', '"status": 410'));
    const comparison = compareWithCommitted(changed);
    expect(comparison.same).toBe(false);
    expect(comparison.same || comparison.reason).toMatch(/differs from what the consumer tests write, first at line \d+:\n {2}committed: "status": 404\n {2}written: {3}"status": 410/);
  });

  it('fails when there is no committed pact', () => {
    expect(compareWithCommitted(COMMITTED_PACT, join(scratch, 'none.json'))).toEqual({ same: false, reason: `${join(scratch, 'none.json')} does not exist` });
  });
});
