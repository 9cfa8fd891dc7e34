import { randomBytes } from 'node:crypto';
import { startReferenceProvider } from '../provider/referenceProvider';
import { RateLimitBudget } from './rateLimit';
import { RunStop } from './runStop';
import { SessionAdmin } from './sessionAdmin';
import { recoveryWaitFor, SessionLedger } from './sessionLedger';
import type { LiveSettings } from './target';

/** One run against a live target: where it is, its credentials, and what every request of the run goes through. */
export interface LiveRun {
  readonly baseUrl: string;
  /** The environment's secret key: NANGO_SECRET_KEY, or the embedded provider's own. */
  readonly secretKey: string;
  /** How reports name the target: "the embedded reference provider" or "Nango". */
  readonly label: string;
  readonly embedded: boolean;
  /** Every request of the run waits out rate limits through it, within one budget. */
  readonly budget: RateLimitBudget;
  readonly admin: SessionAdmin;
  /** Every session the run creates, until it is gone. */
  readonly ledger: SessionLedger;
  /** Flipped once the run must stop: from then on no session is created and no rate limit waited out. */
  readonly stop: RunStop;
  /** Stops the embedded provider, if the run started one. */
  close(): Promise<void>;
}

export interface LiveRunOptions {
  /** The embedded provider's secret key (a parent that redacts the run's output must know it); random otherwise. */
  readonly embeddedSecret?: string;
}

/**
 * Opens a run against the target the settings name, starting the embedded reference provider when that is the
 * target. Sessions are created for the end user `contract-tests-<run id>`, and integrations named after it, so an
 * operator can find anything a killed run left behind.
 */
export async function openLiveRun(
  settings: LiveSettings,
  { embeddedSecret = randomBytes(24).toString('hex') }: LiveRunOptions = {},
): Promise<LiveRun> {
  const { target } = settings;
  const embedded = target.kind === 'embedded' ? await startReferenceProvider({ secretKey: embeddedSecret }) : undefined;
  const baseUrl = target.kind === 'remote' ? target.baseUrl : (embedded?.url ?? '');
  const secretKey = target.kind === 'remote' ? target.secretKey : embeddedSecret;
  const budget = new RateLimitBudget(settings.rateLimitWaitMs);
  const admin = new SessionAdmin(
    baseUrl,
    secretKey,
    settings.timeoutMs,
    budget,
    `contract-tests-${randomBytes(4).toString('hex')}`,
  );
  const ledger = new SessionLedger(
    admin,
    target.kind === 'remote' ? target.testConnection : undefined,
    recoveryWaitFor(settings.rateLimitWaitMs),
  );
  const stop = new RunStop();
  stop.onStop(() => {
    ledger.stop();
    budget.stop();
  });
  return {
    baseUrl,
    secretKey,
    label: embedded ? 'the embedded reference provider' : 'Nango',
    embedded: embedded !== undefined,
    budget,
    admin,
    ledger,
    stop,
    close: async () => embedded?.close(),
  };
}
