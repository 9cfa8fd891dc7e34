import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { caseById, concretePath, exampleBody, exampleValue, operationOfCase, STATES, type CaseValue, type ContractCase } from '../cases';
import { ConfigurationError } from '../configurationError';
import { curlRepro } from '../hostile/curl';
import { FINDINGS_FILE, readFindings, UnfinishedRunError, type FindingsRecord } from '../hostile/findingsFile';
import { placeholder } from '../hostile/placeholders';
import type { SentRequest } from '../hostile/rawRequest';
import { projectPath } from '../projectRoot';
import { EVIDENCE_FILE, readEvidence } from '../report/evidenceFile';
import type { VerificationReport } from '../verification/results';

/** One live answer a run recorded, with what the run said of it: the material of a finding. */
export interface RecordedAnswer {
  /** `V1`… for provider verification's interactions, the hostile finding's own id (`F2`) prefixed `H-`. */
  readonly id: string;
  readonly source: 'verification' | 'hostile';
  /** Which pact interaction or hostile check met it. */
  readonly foundBy: string;
  readonly method: string;
  /** The operation's path: `/connect/session`. */
  readonly path: string;
  readonly status: number;
  readonly contentType: string | undefined;
  /** Redacted as the run wrote it. */
  readonly body: string;
  /** Lines to paste into bash that reproduce it (`curlRepro`), when it is one of the suite's requests. */
  readonly curl: string | undefined;
  /** The known-findings list accepts it: why, and until when. */
  readonly accepted: { readonly reason: string; readonly expires: string | undefined } | undefined;
  /** Verification: Pact's own problems (a status other than the one the pact expects, a body that does not match). */
  readonly pactProblems: readonly string[];
  /** Verification: the status the interaction expects. */
  readonly expectedStatus: number | undefined;
  /** Hostile: the check that failed, the kinds of request, and its message. */
  readonly check: string | undefined;
  readonly kinds: readonly string[];
  readonly message: string;
  /** Verification: the pact interaction's description, and whether its consumer declared it pending. */
  readonly interaction?: string;
  readonly declaredPending?: boolean;
  /** What the spec objected to when the run recorded it. */
  readonly recordedObjections: readonly string[];
}

export interface Recorded {
  /** The runs read, for the report's first lines (files as `projectPath` names them). */
  readonly sources: readonly string[];
  /** What the runs were against, e.g. `Nango (https://api.nango.dev)`. */
  readonly targets: readonly string[];
  readonly answers: readonly RecordedAnswer[];
  /** Why a recorded run gave nothing to read (one that did not finish). */
  readonly notes: readonly string[];
  /** Requests the verification's own set-up sent that the spec does not document: spec gaps of the suite's own. */
  readonly undocumented?: readonly string[];
}

/** Neither run has recorded anything: nothing to report. */
export class NothingRecordedError extends ConfigurationError {
  override name = 'NothingRecordedError';
}

/**
 * The last verification (reports/verification.json) and the last hostile run (reports/hostile-findings.json).
 * What it says of them names their files by `projectPath`: the report goes to a public tracker.
 */
export function readRecorded(dir: string): Recorded {
  const evidenceFile = join(dir, EVIDENCE_FILE);
  const hostileFile = join(dir, FINDINGS_FILE);
  if (!existsSync(evidenceFile) && !existsSync(hostileFile)) {
    throw new NothingRecordedError(`no recorded runs in ${dir}: run npm run verify or npm run contracts:hostile first (NANGO_BASE_URL, NANGO_SECRET_KEY for a real Nango)`);
  }
  const sources: string[] = [];
  const targets: string[] = [];
  const notes: string[] = [];
  const answers: RecordedAnswer[] = [];
  const undocumented: string[] = [];
  if (existsSync(evidenceFile)) {
    const evidence = readEvidence(evidenceFile);
    sources.push(`${projectPath(evidenceFile)} (${evidence.generatedAt})`);
    if (evidence.report) {
      targets.push(`${evidence.report.providerLabel} (${evidence.report.providerUrl})`);
      answers.push(...verificationAnswers(evidence.report));
      undocumented.push(...(evidence.report.sessions.undocumented ?? []));
    } else notes.push(`${projectPath(evidenceFile)}: the last verification did not finish (${evidence.outcome}), so it recorded no answer`);
  }
  const record = existsSync(hostileFile) ? readFinishedFindings(hostileFile, notes) : undefined;
  if (record) {
    sources.push(`${projectPath(hostileFile)} (${record.generatedAt})`);
    targets.push(`${record.target.label} (${record.target.baseUrl})`);
    for (const finding of record.findings) {
      const answer = finding.answers.find((candidate) => candidate.status === finding.status) ?? finding.answers[0];
      if (!answer) continue;
      const request = finding.requests[finding.answers.indexOf(answer)] ?? finding.requests[0];
      // A finding without the request it sent names no operation to report it under.
      if (!request) continue;
      answers.push({
        id: `H-${finding.id}`,
        source: 'hostile',
        foundBy: `hostile check ${finding.check} (${finding.id} of ${FINDINGS_FILE}; replay: npm run contracts:hostile -- --replay ${projectPath(hostileFile)} ${finding.id})`,
        method: request.method,
        // The request's own method and path: a hostile finding is about the operation it was sent to.
        path: new URL(request.target, 'http://x').pathname,
        status: answer.status,
        contentType: answer.contentType ?? undefined,
        body: answer.body,
        curl: finding.repro.join('\n'),
        accepted: finding.accepted ? { reason: finding.accepted.reason, expires: finding.accepted.expires ?? undefined } : undefined,
        pactProblems: [],
        expectedStatus: undefined,
        check: finding.check,
        kinds: finding.kinds,
        message: finding.message,
        recordedObjections: [finding.message],
      });
    }
  }
  return { sources, targets: [...new Set(targets)], answers, notes, ...(undocumented.length > 0 ? { undocumented } : {}) };
}

/** The hostile run's record, or a note (and nothing) when the run that wrote it did not finish. */
function readFinishedFindings(file: string, notes: string[]): FindingsRecord | undefined {
  try {
    return readFindings(file);
  } catch (error) {
    if (!(error instanceof UnfinishedRunError)) throw error;
    notes.push(`${projectPath(file)}: the hostile run that wrote it did not finish (it was stopped, or could not run), so it recorded no finding`);
    return undefined;
  }
}

/** Every answered interaction of the report: those with problems are findings, all are answers the spec must describe. */
function verificationAnswers(report: VerificationReport): RecordedAnswer[] {
  let next = 0;
  return report.pacts.flatMap((pact) =>
    pact.results.flatMap((result): RecordedAnswer[] => {
      if (!result.observed) return [];
      next += 1;
      const acceptedText = result.known.map((known) => /\(accepted: (.*)\)$/.exec(known)?.[1]).find((reason) => reason !== undefined);
      const contractCase = caseById(result.caseId);
      // Every observed result names the operation it went to (its case's, or the request's method and path).
      const [method, path] = (result.operation ?? '').split(' ').filter(Boolean);
      if (method === undefined || path === undefined) return [];
      return [
        {
          id: `V${next}`,
          source: 'verification',
          foundBy: `provider verification of ${pact.consumer}, interaction "${result.description}"`,
          interaction: result.description,
          declaredPending: result.declaredPending !== undefined,
          method,
          path,
          status: result.observed.status,
          contentType: result.observed.contentType,
          body: result.observed.body,
          curl: contractCase ? curlRepro(report.providerUrl, [requestOf(contractCase)]).join('\n') : undefined,
          accepted: acceptedText ? { reason: acceptedText, expires: undefined } : undefined,
          pactProblems: [...result.pactProblems, ...result.known.filter((known) => known.startsWith('pact: ')).map((known) => known.slice('pact: '.length).replace(/ \(accepted: .*\)$/, ''))],
          expectedStatus: result.expectedStatus,
          check: undefined,
          kinds: [],
          message: result.name,
          recordedObjections: [...(result.schemaProblems ?? []), ...result.known.filter((known) => known.startsWith('schema: '))],
        },
      ];
    }),
  );
}

/** A documented case's request, its credential as a placeholder of its role. */
function requestOf(contractCase: ContractCase): SentRequest {
  const { credential, query, body, pathParams } = contractCase.request;
  const { operation } = operationOfCase(contractCase);
  const token =
    credential.kind === 'token-from-state'
      ? placeholder(contractCase.state === STATES.sessionDeleted ? 'deleted' : 'live')
      : credential.kind === 'well-formed-token'
        ? placeholder('unknown')
        : credential.kind === 'secret-key'
          ? placeholder('secret')
          : credential.kind === 'literal'
            ? credential.value
            : undefined;
  const examples = (values: Readonly<Record<string, CaseValue>>): Record<string, string> => Object.fromEntries(Object.entries(values).map(([name, value]) => [name, exampleValue(value)]));
  const search = query ? `?${new URLSearchParams(examples(query)).toString()}` : '';
  return {
    method: operation.method.toUpperCase(),
    target: `${concretePath(operation.path, examples(pathParams ?? {}))}${search}`,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(exampleBody(body)) : undefined,
  };
}
