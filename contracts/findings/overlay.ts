import { relative } from 'node:path';
import { stringify } from 'yaml';
import { lifecycleValidators } from '../cases';
import type { HttpMethod } from '../openapi/responseValidators';
import { loadSpecText } from '../openapi/specDocument';
import { mergeActions, type Finding, type OverlayAction } from './classify';
import type { RecordedAnswer } from './recorded';

/** An OpenAPI Overlay 1.0 document (https://spec.openapis.org/overlay/v1.0.0) of the findings' spec patches. */
export function overlayDocument(findings: readonly Finding[], specFile: string, overlayDir: string, today: string): string {
  // One action per target: each finding's actions named by its id, then those on one target merged.
  const actions: OverlayAction[] = mergeActions(
    findings.flatMap((finding) => (finding.disposition.kind === 'patch' ? finding.disposition.actions.map((action) => ({ ...action, description: `${finding.id}: ${action.description}` })) : [])),
  );
  const document = {
    overlay: '1.0.0',
    info: { title: `What the server answered, as the spec would describe it (npm run findings, ${today})`, version: today },
    extends: relative(overlayDir, specFile) || specFile,
    actions: actions.map(({ target, description, update }) => ({ target, description, update })),
  };
  return stringify(document, { lineWidth: 0 });
}

/** A recorded answer the patched spec still does not describe, and what it objects to. */
export interface StillUndescribed {
  readonly answer: RecordedAnswer;
  readonly problems: readonly string[];
}

/**
 * Every recorded answer to a documented operation, but those of server defects, checked against the patched
 * spec with the same Ajv-compiled validators as every run: what is left undescribed.
 */
export function undescribed(patchedYaml: string, source: string, answers: readonly RecordedAnswer[], defects: ReadonlySet<RecordedAnswer>): StillUndescribed[] {
  // The same findings patch the spec the same way every time: the parse is kept, as the spec's is.
  const validators = lifecycleValidators(loadSpecText(patchedYaml, source));
  return answers
    .filter((answer) => validators.documentedMethods(answer.path).includes(answer.method.toLowerCase() as HttpMethod) && !defects.has(answer))
    .map((answer) => ({ answer, problems: validators.checkResponse(answer.method, answer.path, { status: answer.status, contentType: answer.contentType, bodyText: answer.body }) }))
    .filter((result) => result.problems.length > 0);
}
