import type { VerificationReport } from '../results';
import type { InteractionProgress } from '../results';

/** What the verification worker sends its parent over IPC: progress as it goes, then its report or why there is none. */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly progress: InteractionProgress }
  | { readonly kind: 'report'; readonly report: VerificationReport }
  | { readonly kind: 'error'; readonly message: string };

/**
 * What the parent sends: a run, with the environment and folder it runs in as a process of its own would (the
 * worker loads Pact before it gets one). `last`: the worker exits once the run is over, as `npm run verify` wants;
 * otherwise it waits for the next run (a test file's runs share one worker).
 */
export type ParentMessage = {
  readonly kind: 'run';
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly last: boolean;
};

/**
 * Written alone on a line to stdout and to stderr once a run is over: what the worker wrote before it belongs to
 * that run. Pact's native output reaches the pipes past any JS hook, so only the stream itself can say where a run ends.
 */
export const END_OF_RUN = '\u0000nango-contracts: end of run\u0000';

/** Internal: the parent hands the embedded provider's secret to the worker, so it can redact it too. */
export const EMBEDDED_SECRET_ENV = 'NANGO_CONTRACTS_EMBEDDED_SECRET';
