import type { KnownFinding } from '../../knownFindings';
import type { InteractionProgress, VerificationReport } from '../results';
import type { VerificationSettings } from '../settings';
import type { PactEnvironment } from './pactEnvironment';

/** What the verification worker sends its parent over IPC: progress as it goes, then its report or why there is none. */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly progress: InteractionProgress }
  | { readonly kind: 'report'; readonly report: VerificationReport }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Everything a run needs, read and checked once by the parent (a bad value is its one line, before any worker
 * starts): plain data, as IPC carries it. The worker parses no environment of its own.
 */
export interface WorkerSettings {
  readonly verification: VerificationSettings;
  /** The known-findings list the parent read: a schema objection it accepts shows Pact the real answer. */
  readonly knownFindings: readonly KnownFinding[];
  /** The variables Pact reads from process.env itself, as the settings give them (pactEnvironment.ts). */
  readonly pactEnv: PactEnvironment;
}

/**
 * What the parent sends: a run, with its settings, the folder it runs in, and the embedded provider's secret key
 * (the parent chose it, to redact it too). The worker loads Pact before it gets one. `last`: the worker exits once
 * the run is over, as `npm run verify` wants; otherwise it waits for the next run (a test file's runs share one worker).
 */
export type ParentMessage = {
  readonly kind: 'run';
  readonly settings: WorkerSettings;
  readonly embeddedSecret: string;
  readonly cwd: string;
  readonly last: boolean;
};

/**
 * Written alone on a line to stdout and to stderr once a run is over: what the worker wrote before it belongs to
 * that run. Pact's native output reaches the pipes past any JS hook, so only the stream itself can say where a run ends.
 */
export const END_OF_RUN = '\u0000nango-contracts: end of run\u0000';
