import type { VerificationReport } from './report';

/** What the verification worker sends its parent over IPC: its report, or why there is none. */
export type WorkerMessage = { readonly kind: 'report'; readonly report: VerificationReport } | { readonly kind: 'error'; readonly message: string };

/** Internal: the parent hands the embedded provider's secret to the worker, so it can redact it too. */
export const EMBEDDED_SECRET_ENV = 'NANGO_CONTRACTS_EMBEDDED_SECRET';
