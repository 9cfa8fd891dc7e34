import type { InteractionResult } from '../../contracts/verification/results';

/** A passing result of the 204 case, with the given fields changed. */
export function interactionResult(overrides: Partial<InteractionResult> = {}): InteractionResult {
  return {
    name: 'deletes an existing connect session',
    description: 'a request to delete the connect session',
    expectedStatus: 204,
    actualStatus: 204,
    pactProblems: [],
    schemaProblems: [],
    durationMs: 41.6,
    pending: false,
    known: [],
    ...overrides,
  };
}
