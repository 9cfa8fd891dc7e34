import type { VerificationReport } from './report';
import type { InteractionProgress } from './verifyPact';

/** What the verification worker sends its parent over IPC: progress as it goes, then its report or why there is none. */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly progress: InteractionProgress }
  | { readonly kind: 'report'; readonly report: VerificationReport }
  | { readonly kind: 'error'; readonly message: string };

/** What the parent may send: `go` starts a worker that was told to wait for it (WAIT_FOR_GO_ARG). */
export type ParentMessage = { readonly kind: 'go' };

/** Worker argument: load everything, then wait for `go` before the first request to the provider. */
export const WAIT_FOR_GO_ARG = '--wait-for-go';

/** Internal: the parent hands the embedded provider's secret to the worker, so it can redact it too. */
export const EMBEDDED_SECRET_ENV = 'NANGO_CONTRACTS_EMBEDDED_SECRET';
