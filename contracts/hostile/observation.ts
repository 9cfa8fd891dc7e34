import type { RawResponse } from '../client/boundedFetch';
import type { AuthSpec, HostileCase } from './hostileCases';
import type { SentRequest } from './rawRequest';

/** One request sent, and what came back. */
export interface Answer {
  readonly request: SentRequest;
  readonly response: RawResponse;
  /** From sending the request to the whole answer read (rate-limit waits aside). */
  readonly durationMs: number;
}

/**
 * What one generated case did, as recorded by the runner and nothing more: the requests, the answers, and what
 * the provider's own API said of the session afterwards. The checks (checks.ts) judge it.
 */
export type Observation =
  | {
      /** One hostile request. */
      readonly kind: 'single';
      readonly hostile: HostileCase & { readonly kind: 'single' };
      readonly auth: AuthSpec;
      readonly answer: Answer;
      /** After a 204, the same request again without query or body: what a second delete of one credential gets. */
      readonly followUp: Answer | undefined;
      /** Whether the live session the request named still lives (`GET /connect/session`); undefined when it named none. */
      readonly sessionAlive: boolean | undefined;
      /**
       * After a 2xx of an operation that creates a session (its case table says where the token is): whether the
       * session it made answers `GET /connect/session` (`answers-get`), does not (`gone`), or the answer held no
       * token (`no-token`). Undefined for other answers and operations.
       */
      readonly createdSession?: 'answers-get' | 'gone' | 'no-token' | undefined;
    }
  | {
      /** One live session deleted several times, one after the other (`repeat`) or all at once (`race`). */
      readonly kind: 'one-session';
      readonly how: 'repeat' | 'race';
      readonly answers: readonly Answer[];
      readonly sessionAlive: boolean;
    }
  | {
      /** A method the spec does not document for the path, sent with a live session's token. */
      readonly kind: 'method';
      readonly answer: Answer;
      /** For HEAD, GET's answer with the same token, sent just before: HTTP lets HEAD answer as GET does (RFC 9110 §9.3.2). */
      readonly get: Answer | undefined;
      readonly sessionAlive: boolean;
    }
  | {
      /** A request got no answer (a timeout, a dropped connection): the case ends there. */
      readonly kind: 'no-answer';
      readonly request: SentRequest;
      readonly reason: string;
    };

/** Every answer of the case, in the order they came (a race's in the order sent). */
export function answersOf(observation: Observation): readonly Answer[] {
  switch (observation.kind) {
    case 'single':
      return observation.followUp ? [observation.answer, observation.followUp] : [observation.answer];
    case 'one-session':
      return observation.answers;
    case 'method':
      return observation.get ? [observation.get, observation.answer] : [observation.answer];
    case 'no-answer':
      return [];
  }
}

/** How many requests the case sent to the lifecycle (set-up and look-ups aside). */
export function requestsOf(observation: Observation): number {
  return observation.kind === 'no-answer' ? 1 : answersOf(observation).length;
}
