/**
 * Pending interactions, declared in one reviewed file (contracts/pending-interactions.yaml): read strictly, and
 * written into the pact by Pact itself as a V4 pending interaction with the reason as its comment.
 */
import { PactV4 } from '@pact-foundation/pact';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES, CONSUMER, credentialSentBy, operationOfCase, PROVIDER, DELETE_SESSION } from '../../contracts/cases';
import { ConnectSessionClient } from '../../contracts/client/connectSessionClient';
import { ConfigurationError } from '../../contracts/configurationError';
import type { JsonObject } from '../../contracts/json';
import { interactionFromCase } from '../../contracts/pact/interactionFromCase';
import { readPactFile } from '../../contracts/pact/pactFile';
import { loadPendingInteractions, PENDING_INTERACTIONS_FILE } from '../../contracts/pact/pendingInteractions';
import { withPendingInteraction } from '../support/pendingPact';
import { scratchDir } from '../support/scratch';

const dir = scratchDir('pending');
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const refusal = (text: string): string => {
  try {
    loadPendingInteractions(file('bad.yaml', text));
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  return 'accepted';
};

it('reads the committed list, which every documented interaction is required by until declared otherwise', () => {
  expect(loadPendingInteractions(PENDING_INTERACTIONS_FILE)).toEqual([]);
});

it('reads each declaration with the line it stands on, so a run can name the entry to remove', () => {
  const path = file('ok.yaml', '# pending\n\n- interaction: a\n  reason: " because "\n- interaction: b\n  reason: >-\n    folded\n    text\n');
  expect(loadPendingInteractions(path)).toEqual([
    { interaction: 'a', reason: 'because', line: 3 },
    { interaction: 'b', reason: 'folded text', line: 5 },
  ]);
});

it('refuses anything but a list of declarations with exactly an interaction and a reason, in one line naming the entry and field', () => {
  expect(refusal('- interaction: a\n  reson: typo\n')).toBe("bad.yaml:1: pending interaction #1: unknown field 'reson' (known: interaction, reason)");
  expect(refusal('- interaction: a\n  reason: "  "\n')).toBe('bad.yaml:1: pending interaction #1: reason must be non-empty text');
  expect(refusal('- interaction: 5\n  reason: r\n')).toBe('bad.yaml:1: pending interaction #1: interaction must be non-empty text');
  expect(refusal('- just text\n')).toBe('bad.yaml:1: pending interaction #1 is not a mapping (expected interaction and reason)');
  expect(refusal('interaction: a\n')).toBe('bad.yaml: expected a list of pending interactions');
  expect(refusal('- {interaction: a, reason: r}\n- {interaction: a, reason: s}\n')).toBe('bad.yaml:2: pending interaction #2: interaction "a" is declared twice');
  // A YAML error names the file as the project does (never a path of this machine) and the line.
  expect(refusal('- interaction: a\n  reason: b\n- interaction: [\n')).toMatch(/^bad\.yaml:[34]: is not valid YAML \(/);
  expect(refusal('- interaction: a\n  reason: b\n- interaction: [\n')).not.toContain(dir);
  expect(refusal('')).toBe('accepted');
});

it("takes the README's own example appended to the committed file as it is", () => {
  const committed = readFileSync(PENDING_INTERACTIONS_FILE, 'utf8');
  const appended = `${committed}- interaction: a request to delete a connect session that has already been deleted\n  reason: >-\n    Nango answers 401, never 404.\n`;
  expect(loadPendingInteractions(file('appended.yaml', appended))).toEqual([{ interaction: 'a request to delete a connect session that has already been deleted', reason: 'Nango answers 401, never 404.', line: expect.any(Number) }]);
  expect(refusal('')).toBe('accepted');
});

it('is written by Pact as a V4 pending interaction with the reason as its comment, which verification reads back', async () => {
  const pactDir = scratchDir('pending-pact');
  const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: pactDir, logLevel: 'error' });
  const unknownToken = CASES.find((contractCase) => contractCase.response.status === 401 && contractCase.request.credential.kind === 'well-formed-token' && operationOfCase(contractCase).operation === DELETE_SESSION);
  if (!unknownToken) throw new Error('no case for an unknown token');
  await interactionFromCase(pact, unknownToken, { interaction: unknownToken.description, reason: 'the provider does not honour it yet', line: 1 }).executeTest(async (mockServer) => {
    await new ConnectSessionClient(mockServer.url).deleteSession(credentialSentBy(unknownToken.request.credential));
  });
  const written = join(pactDir, `${CONSUMER}-${PROVIDER}.json`);
  const [interaction] = (JSON.parse(readFileSync(written, 'utf8')) as JsonObject)['interactions'] as JsonObject[];
  expect(interaction).toMatchObject({ pending: true, comments: { text: ['pending: the provider does not honour it yet'] } });
  expect(readPactFile(written).interactions[0]?.pending).toBe('the provider does not honour it yet');
  // The tests' stand-in for `pacts:update` after a declaration writes the same shape.
  const { pending: _pending, comments: _comments, ...plain } = interaction as JsonObject;
  const declared = withPendingInteraction({ interactions: [{ ...plain, pending: false }] }, unknownToken.description, 'the provider does not honour it yet');
  expect((declared['interactions'] as JsonObject[])[0]).toEqual(interaction);
});
