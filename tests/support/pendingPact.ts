import { isJsonObject, type JsonObject, type JsonValue } from '../../contracts/json';
import { PENDING_COMMENT_PREFIX } from '../../contracts/pact/pendingInteractions';

/**
 * The pact with one interaction declared pending, as `npm run pacts:update` writes it after the declaration
 * (tests/pact/pending-interactions.test.ts proves Pact writes exactly this shape): `pending: true` and the reason
 * as its comment.
 */
/** The comments the interaction already has (the SDK method that sends it): Pact writes the reason after them. */
function commentsOf(interaction: JsonObject): JsonValue[] {
  const comments = interaction['comments'];
  const text = isJsonObject(comments) ? comments['text'] : undefined;
  return Array.isArray(text) ? text : [];
}

export function withPendingInteraction(pact: JsonObject, description: string, reason: string): JsonObject {
  const interactions = (pact['interactions'] as JsonObject[]).map((interaction) =>
    interaction['description'] === description
      ? {
          ...interaction,
          comments: { text: [...commentsOf(interaction), `${PENDING_COMMENT_PREFIX}${reason}`] },
          pending: true,
        }
      : interaction,
  );
  if (!interactions.some((interaction) => interaction['pending'] === true))
    throw new Error(`no interaction "${description}" in the pact`);
  return { ...pact, interactions };
}
