import { ConfigurationError } from '../configurationError';

/**
 * Pact's own filter of the interactions a verification replays, from the variables its verifier reads itself:
 * PACT_DESCRIPTION (a regular expression over descriptions), PACT_PROVIDER_STATE (one over provider state
 * names) and PACT_PROVIDER_NO_STATE (those with none). Pact applies them; the suite reads them, exactly as Pact
 * does (any non-empty value is set), to tell the truth about a run that verified part of a pact: which part, no
 * stale advice, nothing published.
 */
export interface InteractionFilter {
  /** The variables as set, for messages: `PACT_DESCRIPTION="deleted"`. */
  readonly shown: string;
  /** PACT_DESCRIPTION, PACT_PROVIDER_STATE and PACT_PROVIDER_NO_STATE as checked: what the worker hands Pact. */
  readonly description?: string;
  readonly providerState?: string;
  readonly noState?: true;
}

export function interactionFilterFromEnv(env: NodeJS.ProcessEnv): InteractionFilter | undefined {
  const parts: string[] = [];
  const given: { description?: string; providerState?: string; noState?: true } = {};
  for (const [name, field] of [
    ['PACT_DESCRIPTION', 'description'],
    ['PACT_PROVIDER_STATE', 'providerState'],
  ] as const) {
    const value = env[name];
    if (!value) continue;
    // Pact's verifier panics on a pattern its regex crate cannot read. Checked here as JavaScript reads it, less
    // the leading flags group that crate allows and JavaScript does not ((?i)): the syntax both share.
    try {
      new RegExp(value.replace(/^\(\?[imsxU]+\)/, ''), 'u');
    } catch (error) {
      throw new ConfigurationError(
        `${name} must be a regular expression, as Pact's verifier reads it (got ${JSON.stringify(value)}: ${(error as Error).message.replace(/^Invalid regular expression: /, '')})`,
      );
    }
    parts.push(`${name}=${JSON.stringify(value)}`);
    given[field] = value;
  }
  const noState = env['PACT_PROVIDER_NO_STATE'];
  if (noState) {
    // Pact filters on any value, "false" too: only the one that says what it does is taken.
    if (noState !== 'true')
      throw new ConfigurationError(
        `PACT_PROVIDER_NO_STATE must be true or unset: Pact's verifier keeps only the interactions without a provider state for any value, "false" too (got ${JSON.stringify(noState)})`,
      );
    parts.push('PACT_PROVIDER_NO_STATE=true');
    given.noState = true;
  }
  return parts.length ? { shown: parts.join(' '), ...given } : undefined;
}
