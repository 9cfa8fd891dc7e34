import { randomBytes } from 'node:crypto';
import { boundedFetch } from '../client/boundedFetch';
import { isJsonObject } from '../json';
import { isConnectSessionToken } from '../provider/tokens';

/** The provider would not create a connect session; says why without echoing the key or any token. */
export class SessionSetupError extends Error {
  override name = 'SessionSetupError';
}

/**
 * Creates and deletes connect sessions over HTTP, the same way on the embedded provider as on a real Nango:
 * `POST /connect/sessions` with the secret key, `DELETE /connect/session` with the session's own token.
 */
export class SessionAdmin {
  constructor(
    readonly baseUrl: string,
    private readonly secretKey: string,
    private readonly timeoutMs: number,
  ) {}

  async create(): Promise<string> {
    const url = new URL('connect/sessions', `${this.baseUrl}/`);
    const endUser = { id: `contract-tests-${randomBytes(6).toString('hex')}` };
    const response = await boundedFetch(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.secretKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ end_user: endUser }),
      },
      this.timeoutMs,
    );
    if (response.status === 401 || response.status === 403) {
      throw new SessionSetupError(`the provider at ${this.baseUrl} refused NANGO_SECRET_KEY: POST /connect/sessions answered ${response.status}${errorCode(response.bodyText)}`);
    }
    if (response.status !== 201 && response.status !== 200) {
      throw new SessionSetupError(`POST /connect/sessions on ${this.baseUrl} answered ${response.status}${errorCode(response.bodyText)}, expected 201`);
    }
    const token = tokenIn(response.bodyText);
    if (token === undefined) {
      throw new SessionSetupError(`POST /connect/sessions on ${this.baseUrl} answered ${response.status} without a connect session token in data.token`);
    }
    return token;
  }

  /**
   * Deletes the session; `false` when it was already gone (401 or 404). Lenient on purpose (any 2xx counts):
   * judging the provider's answers is the verification's job, clean-up must work on a drifting one too.
   */
  async remove(token: string): Promise<boolean> {
    const response = await boundedFetch(
      new URL('connect/session', `${this.baseUrl}/`),
      { method: 'DELETE', headers: { authorization: `Bearer ${token}` } },
      this.timeoutMs,
    );
    if (response.status >= 200 && response.status < 300) return true;
    if (response.status === 401 || response.status === 404) return false;
    throw new SessionSetupError(`DELETE /connect/session on ${this.baseUrl} answered ${response.status}${errorCode(response.bodyText)}`);
  }
}

function tokenIn(bodyText: string): string | undefined {
  try {
    const body: unknown = JSON.parse(bodyText);
    const data = isJsonObject(body) ? body['data'] : undefined;
    const token = isJsonObject(data) ? data['token'] : undefined;
    return typeof token === 'string' && isConnectSessionToken(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** ` (unknown_account)` from a StdError body, or nothing. */
function errorCode(bodyText: string): string {
  try {
    const body: unknown = JSON.parse(bodyText);
    const error = isJsonObject(body) ? body['error'] : undefined;
    const code = isJsonObject(error) ? error['code'] : undefined;
    return typeof code === 'string' ? ` (${code})` : '';
  } catch {
    return '';
  }
}
