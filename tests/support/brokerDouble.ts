import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { isJsonObject, type JsonObject, type JsonValue } from '../../contracts/json';
import { startScriptedServer, type RecordedRequest } from './scriptedServer';

/**
 * A Pact Broker test double on loopback: a test tool, not a broker. It speaks the Pact Broker's HAL API for
 * exactly the calls this suite makes through the official CLI and Pact's verifier (index, publish contracts,
 * pacts for verification, a pact, verification results, the can-i-deploy matrix, environments, versions and
 * deployments, PactFlow's provider contracts), keeps what they publish in memory, and records every request for the tests to read.
 */

export interface BrokerVersion {
  readonly pacticipant: string;
  readonly number: string;
  readonly branch: string | undefined;
  readonly buildUrl: string | undefined;
}

export interface BrokerPact {
  readonly consumer: string;
  readonly provider: string;
  readonly consumerVersion: string;
  /** The pact content's digest: the broker's "pact version". */
  readonly sha: string;
  readonly content: JsonObject;
  readonly publishedAt: Date;
}

export interface BrokerVerification {
  readonly pactSha: string;
  readonly consumer: string;
  readonly provider: string;
  readonly success: boolean;
  readonly providerVersion: string;
  readonly body: JsonObject;
}

export interface BrokerDeployment {
  readonly pacticipant: string;
  readonly version: string;
  readonly environment: string;
}

export interface BrokerDoubleOptions {
  /** Bearer token every request must carry; unset with `basicAuth` unset: no authentication. */
  readonly token?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Answer every verification result published with this status instead of taking it. */
  readonly refuseVerificationResults?: number;
}

export interface BrokerDouble {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly versions: BrokerVersion[];
  readonly pacts: BrokerPact[];
  readonly verifications: BrokerVerification[];
  readonly deployments: BrokerDeployment[];
  /** Bodies of the provider contracts published (PactFlow's bi-directional contract testing). */
  readonly providerContracts: Array<{ readonly provider: string; readonly body: JsonObject }>;
  /** Publishes a pact as `pact broker publish` would, for tests that start with a pact already there. */
  seedPact(pact: JsonObject, consumerVersion: string, branch: string, publishedAt?: Date): BrokerPact;
  /** A verification result as the verifier would have published it, e.g. to make a pact no longer pending. */
  seedVerification(pact: BrokerPact, providerVersion: string, providerBranch: string, success: boolean): void;
  recordDeployment(pacticipant: string, version: string, environment: string): void;
  /** The URL a broker webhook hands a provider build for this pact (`${pactbroker.pactUrl}`). */
  pactUrl(pact: BrokerPact): string;
  close(): Promise<void>;
}

const ENVIRONMENTS = [
  { uuid: randomUUID(), name: 'test', displayName: 'Test', production: false },
  { uuid: randomUUID(), name: 'production', displayName: 'Production', production: true },
];
const MAIN_BRANCH = 'main';

export async function startBrokerDouble(options: BrokerDoubleOptions = {}): Promise<BrokerDouble> {
  const versions: BrokerVersion[] = [];
  const pacts: BrokerPact[] = [];
  const verifications: BrokerVerification[] = [];
  const deployments: BrokerDeployment[] = [];
  const providerContracts: Array<{ provider: string; body: JsonObject }> = [];
  let base = '';

  const addVersion = (
    pacticipant: string,
    number: string,
    branch: string | undefined,
    buildUrl: string | undefined,
  ): void => {
    if (!versions.some((version) => version.pacticipant === pacticipant && version.number === number))
      versions.push({ pacticipant, number, branch, buildUrl });
  };
  const addPact = (content: JsonObject, consumerVersion: string, publishedAt: Date): BrokerPact => {
    const text = JSON.stringify(content);
    const pact: BrokerPact = {
      consumer: partyName(content, 'consumer'),
      provider: partyName(content, 'provider'),
      consumerVersion,
      sha: createHash('sha1').update(text).digest('hex'),
      content,
      publishedAt,
    };
    pacts.push(pact);
    return pact;
  };
  const pactUrl = (pact: BrokerPact): string =>
    `${base}/pacts/provider/${encodeURIComponent(pact.provider)}/consumer/${encodeURIComponent(pact.consumer)}/pact-version/${pact.sha}/metadata/${Buffer.from(`cvn=${pact.consumerVersion}`).toString('base64url')}`;

  const server = await startScriptedServer((request, response) => {
    if (!authorized(request, options)) return hal(response, 401, { error: 'Unauthorized' });
    const url = new URL(request.url, 'http://broker');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const body = parseBody(request.body);
    const route = `${request.method} /${segments.join('/')}`;

    if (route === 'GET /') return hal(response, 200, { _links: indexLinks(base) });

    if (route === 'POST /contracts/publish') {
      const pacticipant = String(body['pacticipantName']);
      const number = String(body['pacticipantVersionNumber']);
      addVersion(pacticipant, number, optionalString(body['branch']), optionalString(body['buildUrl']));
      const contracts = Array.isArray(body['contracts']) ? body['contracts'] : [];
      const published = contracts.filter(isJsonObject).map((contract) => {
        const content = JSON.parse(Buffer.from(String(contract['content']), 'base64').toString('utf8')) as JsonObject;
        return addPact(content, number, new Date());
      });
      return hal(response, 200, {
        notices: published.map((pact) => ({
          type: 'success',
          text: `Pact published for ${pact.consumer} version ${number} and provider ${pact.provider}.`,
        })),
        _embedded: { pacticipant: { name: pacticipant, _links: {} }, version: { number, _links: {} } },
        _links: {
          'pb:contracts': published.map((pact) => ({
            href: pactUrl(pact),
            name: `Pact between ${pact.consumer} (${number}) and ${pact.provider}`,
          })),
        },
      });
    }

    if (segments[0] === 'pacts' && segments[3] === 'for-verification') {
      // The verifier GETs the resource, then POSTs its query to the resource's self link.
      if (request.method === 'GET')
        return hal(response, 200, {
          _links: { self: { href: `${base}${url.pathname}`, title: 'Pacts to be verified' } },
        });
      return hal(response, 200, { _embedded: { pacts: pactsForVerification(String(segments[2]), body) } });
    }

    if (segments[0] === 'pacts' && segments[3] === 'consumer' && segments[5] === 'pact-version') {
      const pact = pacts.find(
        (candidate) =>
          candidate.sha === segments[6] && candidate.provider === segments[2] && candidate.consumer === segments[4],
      );
      if (!pact) return hal(response, 404, { error: 'no such pact' });
      const self = pactUrl(pact);
      if (request.method === 'GET') {
        return hal(response, 200, {
          ...pact.content,
          _links: {
            self: { href: self },
            'pb:provider': { href: `${base}/pacticipants/${encodeURIComponent(pact.provider)}` },
            'pb:publish-verification-results': { href: `${self}/verification-results` },
          },
        });
      }
      if (request.method === 'POST' && segments.at(-1) === 'verification-results') {
        if (options.refuseVerificationResults)
          return hal(response, options.refuseVerificationResults, {
            error: 'verification results refused by the test',
          });
        const providerVersion = String(body['providerApplicationVersion']);
        addVersion(pact.provider, providerVersion, undefined, optionalString(body['buildUrl']));
        verifications.push({
          pactSha: pact.sha,
          consumer: pact.consumer,
          provider: pact.provider,
          success: body['success'] === true,
          providerVersion,
          body,
        });
        return hal(response, 201, {
          success: body['success'] ?? null,
          _links: { self: { href: `${self}/verification-results/${verifications.length}` } },
        });
      }
    }

    // The verifier puts the provider version on its branch before publishing results.
    if (
      request.method === 'PUT' &&
      segments[0] === 'pacticipants' &&
      segments[2] === 'branches' &&
      segments[4] === 'versions'
    ) {
      const [, pacticipant = '', , branch, , number = ''] = segments;
      const existing = versions.findIndex(
        (version) => version.pacticipant === pacticipant && version.number === number,
      );
      if (existing !== -1) versions.splice(existing, 1, { ...(versions[existing] as BrokerVersion), branch });
      else addVersion(pacticipant, number, branch, undefined);
      return hal(response, 200, { number, _links: {} });
    }

    if (request.method === 'GET' && segments[0] === 'pacticipants' && segments.length === 2) {
      const name = encodeURIComponent(segments[1] ?? '');
      return hal(response, 200, {
        name: segments[1] ?? '',
        mainBranch: MAIN_BRANCH,
        _links: {
          self: { href: `${base}/pacticipants/${name}` },
          'pb:branch-version': {
            href: `${base}/pacticipants/${name}/branches/{branch}/versions/{version}`,
            templated: true,
          },
        },
      });
    }

    if (request.method === 'POST' && segments[0] === 'provider-contracts' && segments[3] === 'publish') {
      const provider = segments[2] ?? '';
      const number = String(body['pacticipantVersionNumber']);
      addVersion(provider, number, optionalString(body['branch']), optionalString(body['buildUrl']));
      providerContracts.push({ provider, body });
      return hal(response, 200, {
        notices: [{ type: 'success', text: `Provider contract published for ${provider} version ${number}` }],
        _embedded: { version: { number } },
        _links: {
          'pb:branch-version': {
            href: `${base}/pacticipants/${encodeURIComponent(provider)}/branches/main/versions/${encodeURIComponent(number)}`,
          },
          'pb:pacticipant-version-tags': [],
        },
      });
    }

    if (route === 'GET /matrix') return hal(response, 200, matrix(url.searchParams));

    if (route === 'GET /environments')
      return hal(response, 200, {
        _embedded: { environments: ENVIRONMENTS.map((environment) => ({ ...environment, _links: {} })) },
      });

    if (
      segments[0] === 'pacticipants' &&
      segments[2] === 'versions' &&
      segments.length === 4 &&
      request.method === 'GET'
    ) {
      const [, pacticipant = '', , number = ''] = segments;
      const version = versions.find(
        (candidate) => candidate.pacticipant === pacticipant && candidate.number === number,
      );
      if (!version) return hal(response, 404, { error: `No version ${number} of ${pacticipant}` });
      return hal(response, 200, {
        number,
        ...(version.branch ? { branch: version.branch } : {}),
        _links: {
          self: {
            href: `${base}/pacticipants/${encodeURIComponent(pacticipant)}/versions/${encodeURIComponent(number)}`,
          },
          'pb:record-deployment': ENVIRONMENTS.map((environment) => ({
            name: environment.name,
            href: `${base}/pacticipants/${encodeURIComponent(pacticipant)}/versions/${encodeURIComponent(number)}/deployed-versions/environment/${environment.uuid}`,
          })),
        },
      });
    }

    if (request.method === 'POST' && segments[0] === 'pacticipants' && segments[4] === 'deployed-versions') {
      const [, pacticipant = '', , number = '', , , uuid] = segments;
      const environment = ENVIRONMENTS.find((candidate) => candidate.uuid === uuid);
      if (!environment) return hal(response, 404, { error: 'no such environment' });
      deployments.push({ pacticipant, version: number, environment: environment.name });
      return hal(response, 201, {
        uuid: randomUUID(),
        currentlyDeployed: true,
        _embedded: { version: { number }, environment: { name: environment.name } },
      });
    }

    return hal(response, 404, { error: `the broker double does not implement ${request.method} ${url.pathname}` });
  });
  base = server.url;

  /** Selectors (mainBranch, branch, matchingBranch, deployed/deployedOrReleased, environment, consumer), pending and WIP. */
  function pactsForVerification(provider: string, query: JsonObject): JsonObject[] {
    const selectors = Array.isArray(query['consumerVersionSelectors'])
      ? query['consumerVersionSelectors'].filter(isJsonObject)
      : [];
    const providerBranch = optionalString(query['providerVersionBranch']);
    const includePending = query['includePendingStatus'] === true;
    const wipSince = optionalString(query['includeWipPactsSince']);
    const ofProvider = pacts.filter((pact) => pact.provider === provider);
    const chosen = new Map<string, { pact: BrokerPact; reasons: string[] }>();
    for (const selector of selectors) {
      for (const { pact, reason } of select(ofProvider, selector, providerBranch)) {
        const entry = chosen.get(pact.sha) ?? { pact, reasons: [] };
        entry.reasons.push(`${reason} (${pact.consumerVersion})`);
        chosen.set(pact.sha, entry);
      }
    }
    const pendingFor = (pact: BrokerPact): boolean =>
      !verifications.some(
        (verification) =>
          verification.pactSha === pact.sha &&
          verification.success &&
          [providerBranch, MAIN_BRANCH].includes(
            versions.find(
              (version) => version.pacticipant === provider && version.number === verification.providerVersion,
            )?.branch,
          ),
      );
    const listed = [...chosen.values()].map(({ pact, reasons }) => {
      const pending = includePending && pendingFor(pact);
      return verifiable(pact, pending, false, [
        `The pact at ${pactUrl(pact)} is being verified because the pact content belongs to the consumer version${reasons.length > 1 ? 's' : ''} matching the following criteri${reasons.length > 1 ? 'a' : 'on'}: ${reasons.join(', ')}`,
      ]);
    });
    if (wipSince !== undefined && includePending) {
      const since = new Date(wipSince);
      const heads = latestPerBranch(ofProvider).filter(
        (pact) => !chosen.has(pact.sha) && pact.publishedAt >= since && pendingFor(pact),
      );
      for (const pact of heads) {
        const branch = branchOf(pact);
        listed.push(
          verifiable(pact, true, true, [
            `The pact at ${pactUrl(pact)} is being verified because it is a 'work in progress' pact (ie. it is the pact for the latest version of ${pact.consumer} from branch '${branch ?? ''}' (${pact.consumerVersion}) and is still in pending state).`,
          ]),
        );
      }
    }
    return listed;
  }

  function verifiable(pact: BrokerPact, pending: boolean, wip: boolean, before: string[]): JsonObject {
    const notices: JsonValue[] = before.map((text) => ({ when: 'before_verification', text }));
    if (pending) {
      notices.push({
        when: 'before_verification',
        text: `This pact is in pending state for this version of ${pact.provider} because a successful verification result has not yet been published. If this verification fails, it will not cause the overall build to fail.`,
      });
    }
    return {
      shortDescription: `latest version of ${pact.consumer}`,
      verificationProperties: { pending, ...(wip ? { wip: true } : {}), notices },
      _links: {
        self: {
          href: pactUrl(pact),
          name: `Pact between ${pact.consumer} (${pact.consumerVersion}) and ${pact.provider}`,
        },
      },
    };
  }

  function branchOf(pact: BrokerPact): string | undefined {
    return versions.find((version) => version.pacticipant === pact.consumer && version.number === pact.consumerVersion)
      ?.branch;
  }

  /** The newest pact of each (consumer, branch). */
  function latestPerBranch(candidates: readonly BrokerPact[]): BrokerPact[] {
    const latest = new Map<string, BrokerPact>();
    for (const pact of candidates) latest.set(`${pact.consumer}\u0000${branchOf(pact) ?? ''}`, pact);
    return [...latest.values()];
  }

  function select(
    candidates: readonly BrokerPact[],
    selector: JsonObject,
    providerBranch: string | undefined,
  ): Array<{ pact: BrokerPact; reason: string }> {
    const consumer = optionalString(selector['consumer']);
    const mine = candidates.filter((pact) => consumer === undefined || pact.consumer === consumer);
    const latestOn = (branch: string | undefined, reason: (pact: BrokerPact) => string) =>
      branch === undefined
        ? []
        : latestPerBranch(mine.filter((pact) => branchOf(pact) === branch)).map((pact) => ({
            pact,
            reason: reason(pact),
          }));
    if (selector['mainBranch'] === true)
      return latestOn(
        MAIN_BRANCH,
        (pact) => `latest version of ${pact.consumer} from the main branch '${MAIN_BRANCH}'`,
      );
    if (typeof selector['branch'] === 'string')
      return latestOn(
        selector['branch'],
        (pact) => `latest version of ${pact.consumer} from branch '${String(selector['branch'])}'`,
      );
    if (selector['matchingBranch'] === true)
      return latestOn(
        providerBranch,
        (pact) =>
          `latest version of ${pact.consumer} from branch '${providerBranch ?? ''}' matching the provider's branch`,
      );
    if (
      selector['deployedOrReleased'] === true ||
      selector['deployed'] === true ||
      typeof selector['environment'] === 'string'
    ) {
      const environment = optionalString(selector['environment']);
      return mine
        .filter((pact) =>
          deployments.some(
            (deployment) =>
              deployment.pacticipant === pact.consumer &&
              deployment.version === pact.consumerVersion &&
              (environment === undefined || deployment.environment === environment),
          ),
        )
        .map((pact) => ({
          pact,
          reason: `version(s) of ${pact.consumer} currently deployed${environment ? ` to ${environment}` : ''}`,
        }));
    }
    return [];
  }

  /** can-i-deploy: the pacticipant version against every integrated version deployed to the environment. */
  function matrix(params: URLSearchParams): JsonObject {
    const pacticipant = params.get('q[][pacticipant]') ?? '';
    const number = params.get('q[][version]') ?? '';
    const environment = params.get('environment') ?? '';
    const rows: JsonObject[] = [];
    for (const deployment of deployments.filter(
      (candidate) => candidate.environment === environment && candidate.pacticipant !== pacticipant,
    )) {
      const asProvider = pacts.filter(
        (pact) =>
          pact.provider === pacticipant &&
          pact.consumer === deployment.pacticipant &&
          pact.consumerVersion === deployment.version,
      );
      const asConsumer = pacts.filter(
        (pact) =>
          pact.consumer === pacticipant && pact.provider === deployment.pacticipant && pact.consumerVersion === number,
      );
      for (const pact of asProvider) rows.push(row(pact, number));
      for (const pact of asConsumer) rows.push(row(pact, deployment.version));
    }
    const count = (outcome: boolean | null) =>
      rows.filter(
        (candidate) =>
          (isJsonObject(candidate['verificationResult']) ? candidate['verificationResult']['success'] : null) ===
          outcome,
      ).length;
    const [success, failed, unknown] = [count(true), count(false), count(null)];
    const deployable = failed === 0 && unknown === 0;
    const reason =
      rows.length === 0
        ? 'There are no missing dependencies'
        : failed > 0
          ? 'One or more of the verification results failed'
          : unknown > 0
            ? 'Missing one or more required verification results'
            : 'All required verification results are published and successful';
    return {
      summary: { deployable, reason, success, failed, unknown },
      notices: [{ type: deployable ? 'success' : 'danger', text: reason }],
      matrix: rows,
    };
  }

  function row(pact: BrokerPact, providerVersion: string): JsonObject {
    const verification = [...verifications]
      .reverse()
      .find((candidate) => candidate.pactSha === pact.sha && candidate.providerVersion === providerVersion);
    return {
      consumer: { name: pact.consumer, version: { number: pact.consumerVersion } },
      provider: { name: pact.provider, version: { number: providerVersion } },
      pact: { createdAt: pact.publishedAt.toISOString() },
      verificationResult: verification
        ? {
            success: verification.success,
            verifiedAt: new Date().toISOString(),
            _links: { self: { href: `${pactUrl(pact)}/verification-results` } },
          }
        : null,
    };
  }

  return {
    url: base,
    requests: server.requests,
    versions,
    pacts,
    verifications,
    deployments,
    providerContracts,
    seedPact(pact, consumerVersion, branch, publishedAt = new Date()) {
      addVersion(partyName(pact, 'consumer'), consumerVersion, branch, undefined);
      return addPact(pact, consumerVersion, publishedAt);
    },
    seedVerification(pact, providerVersion, providerBranch, success) {
      addVersion(pact.provider, providerVersion, providerBranch, undefined);
      verifications.push({
        pactSha: pact.sha,
        consumer: pact.consumer,
        provider: pact.provider,
        success,
        providerVersion,
        body: { success, providerApplicationVersion: providerVersion },
      });
    },
    recordDeployment(pacticipant, version, environment) {
      deployments.push({ pacticipant, version, environment });
    },
    pactUrl,
    close: () => server.close(),
  };
}

function indexLinks(base: string): JsonObject {
  return {
    self: { href: base },
    'pb:publish-contracts': { href: `${base}/contracts/publish` },
    'pb:provider-pacts-for-verification': {
      href: `${base}/pacts/provider/{provider}/for-verification`,
      templated: true,
    },
    'beta:provider-pacts-for-verification': {
      href: `${base}/pacts/provider/{provider}/for-verification`,
      templated: true,
    },
    'pb:pacticipant-version': { href: `${base}/pacticipants/{pacticipant}/versions/{version}`, templated: true },
    'pb:pacticipant-branch-version': {
      href: `${base}/pacticipants/{pacticipant}/branches/{branch}/versions/{version}`,
      templated: true,
    },
    'pb:environments': { href: `${base}/environments` },
    'pf:publish-provider-contract': { href: `${base}/provider-contracts/provider/{provider}/publish`, templated: true },
    'pb:environment': { href: `${base}/environments/{uuid}`, templated: true },
  };
}

function authorized(request: RecordedRequest, options: BrokerDoubleOptions): boolean {
  const given = request.headers.authorization ?? '';
  if (options.token !== undefined) return given === `Bearer ${options.token}`;
  if (options.basicAuth !== undefined)
    return (
      given === `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`
    );
  return true;
}

function hal(response: ServerResponse, status: number, body: JsonValue): void {
  response.writeHead(status, { 'content-type': 'application/hal+json;charset=utf-8' }).end(JSON.stringify(body));
}

function parseBody(text: string): JsonObject {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : {};
  } catch {
    // Not JSON: the double takes it as no fields sent; the tests assert what it received.
    return {};
  }
}

function optionalString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function partyName(pact: JsonObject, party: 'consumer' | 'provider'): string {
  const node = pact[party];
  return isJsonObject(node) && typeof node['name'] === 'string' ? node['name'] : '';
}
