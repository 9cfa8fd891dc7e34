import { isJsonObject, type JsonObject } from '../json';
import { escapeToken } from '../openapi/jsonPointer';
import { describeFinding, matchKnown, type KnownFinding } from '../knownFindings';

/**
 * The part of the comparator's API used here. Its published types do not resolve under Node16 module resolution
 * (an ES-module `export * from "./compare"` without extension), so they are restated from its `Result` type.
 */
interface Result {
  readonly type: 'error' | 'warning' | 'info';
  readonly code: string;
  readonly message: string;
  readonly mockDetails?: { readonly interactionDescription?: string | null; readonly location: string };
}
interface ComparatorModule {
  readonly Comparator: new (options: { readonly oas: JsonObject }) => {
    compare(pact: JsonObject): AsyncGenerator<Result>;
  };
}
const { Comparator } = require('@pactflow/openapi-pact-comparator') as ComparatorModule;

/** The check name the known-findings list gives the comparison's findings. */
const CHECK = 'bidirectional';

/** What PactFlow's comparison engine says of a pact against the spec, sorted by what it means for the run. */
export interface BidirectionalOutcome {
  /** The pact relies on something the spec does not promise: each fails the run. */
  readonly errors: readonly string[];
  /** Warnings the known-findings list accepts (this suite's own cases cause them on purpose), with the reason. */
  readonly expected: readonly string[];
  /** Any other warning: shown, not failing. */
  readonly warnings: readonly string[];
  /** Known findings of the comparison that did not occur, or have expired: the list is out of date, which fails. */
  readonly stale: readonly string[];
}

/**
 * Runs `@pactflow/openapi-pact-comparator` (the engine of PactFlow's bi-directional contract testing) on the pact
 * against the spec. Each finding is one line naming the interaction, the rule code and the JSON pointer into the
 * pact: `"<interaction>": <code> at <pointer>: <message>`. Warnings the known-findings list accepts (check
 * `bidirectional`, the rule code as `code`) are expected; errors always count.
 */
export async function compareWithSpec(
  pact: JsonObject,
  spec: JsonObject,
  findings: readonly KnownFinding[],
  today: string,
): Promise<BidirectionalOutcome> {
  const errors: string[] = [];
  const expected: string[] = [];
  const warnings: string[] = [];
  const stale: string[] = [];
  const met = new Set<KnownFinding>();
  for await (const result of new Comparator({ oas: spec }).compare(pact)) {
    if (result.type === 'info') continue;
    const interaction = result.mockDetails?.interactionDescription ?? '(the whole pact)';
    const line = `"${interaction}": ${result.code} at ${pointerOf(result)}: ${result.message}`;
    const known =
      result.type === 'warning'
        ? matchKnown(findings, { check: CHECK, code: result.code, interaction, text: line }, today)
        : undefined;
    if (result.type === 'error') errors.push(line);
    else if (known) {
      met.add(known.finding);
      if (known.expired) stale.push(`${line} (accepted until ${known.finding.expires ?? '?'}, now expired)`);
      else expected.push(`${line} (expected: ${known.finding.reason})`);
    } else warnings.push(line);
  }
  for (const finding of findings) {
    if (finding.check === CHECK && !met.has(finding))
      stale.push(
        `the known finding "${describeFinding(finding)}" no longer occurs: remove it from the known-findings list`,
      );
  }
  return { errors, expected, warnings, stale };
}

/** `[root].interactions[5].request.headers.content-type` → `/interactions/5/request/headers/content-type`. */
function pointerOf(result: Result): string {
  const location = result.mockDetails?.location;
  if (!location) return '/';
  const tokens = location
    .replace(/^\[root\]/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  return `/${tokens.map(escapeToken).join('/')}`;
}

/** The pact file's JSON, as the comparator reads it. */
export function pactJson(text: string, source: string): JsonObject {
  const parsed: unknown = JSON.parse(text);
  if (!isJsonObject(parsed)) throw new Error(`${source} is not a pact (expected a JSON object)`);
  return parsed;
}
