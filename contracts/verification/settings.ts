import { booleanFrom } from '../env';
import { readGitFacts, type GitFacts, type VersionInfo } from '../broker/versionInfo';
import { liveSettingsFromEnv, type LiveSettings } from '../live/target';
import { logLevelFrom, type LogLevel } from '../pact/logLevel';
import { interactionFilterFromEnv, type InteractionFilter } from './interactionFilter';
import { pactSourceFromEnv, publishingFromEnv, type PactSourceSettings } from './pactSourceSettings';

export interface VerificationSettings extends LiveSettings {
  readonly logLevel: LogLevel;
  readonly source: PactSourceSettings;
  /** Set when results are to be published to the broker (PACT_PUBLISH_VERIFICATION_RESULTS=true). */
  readonly publish: VersionInfo | undefined;
  /** Pact's filter of the interactions to replay (PACT_DESCRIPTION, PACT_PROVIDER_STATE, PACT_PROVIDER_NO_STATE), when set. */
  readonly filter: InteractionFilter | undefined;
  /** SPEC_CLOSED_RESPONSES=true: a property of an answer's body that the spec does not name fails its schema check. */
  readonly closedResponses: boolean;
}

/** Every verification setting, checked; git is read only when a setting needs it (broker mode, publishing). */
export function settingsFromEnv(
  env: NodeJS.ProcessEnv,
  git: () => GitFacts = () => readGitFacts(process.cwd()),
): VerificationSettings {
  const logLevel = logLevelFrom(env);
  const live = liveSettingsFromEnv(env);
  let facts: GitFacts | undefined;
  const gitOnce = () => (facts ??= git());
  const source = pactSourceFromEnv(env, gitOnce);
  const filter = interactionFilterFromEnv(env);
  const publish = publishingFromEnv(env, source, live.target.kind === 'embedded', gitOnce, filter);
  const closedResponses = booleanFrom(env, 'SPEC_CLOSED_RESPONSES', false);
  return { ...live, logLevel, source, filter, publish, closedResponses };
}
