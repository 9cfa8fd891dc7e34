import { is2xx } from '../http/status';
import { isJsonObject } from '../json';
import type { BrokerConnection } from './brokerSettings';
import { brokerHeaders } from './pactsToVerify';

const INDEX_TIMEOUT_MS = 15_000;

/**
 * Why the server at the connection's URL is not a Pact Broker, or undefined when it may be one. A broker's index
 * (`GET /`, as pact_broker and PactFlow serve it) is HAL with `pb:` links; any other answer the server does give
 * means PACT_BROKER_BASE_URL names something else (a web page, another API, a path under the broker), which the
 * Pact CLI would otherwise report as a missing version, a crash or even can-i-deploy's "no". No answer, a refusal
 * of the credentials or a 5xx decide nothing here: the Pact tools retry those and say them plainly.
 */
export function notABroker(connection: BrokerConnection): Promise<string | undefined> {
  // Asked once per connection: broker:setup runs the Pact CLI up to three times against the same broker.
  let answer = asked.get(connection);
  if (!answer) {
    answer = askIndex(connection);
    asked.set(connection, answer);
  }
  return answer;
}

const asked = new WeakMap<BrokerConnection, Promise<string | undefined>>();

async function askIndex(connection: BrokerConnection): Promise<string | undefined> {
  const index = `${connection.baseUrl}/`;
  let response: Response;
  try {
    response = await fetch(index, {
      headers: brokerHeaders(connection),
      signal: AbortSignal.timeout(INDEX_TIMEOUT_MS),
    });
  } catch {
    // Unreachable: the command that follows says so with its own reason; this check is about a server that answers.
    return undefined;
  }
  const { status } = response;
  if (status === 401 || status === 403 || status >= 500) return undefined;
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
  const body: unknown = await response.json().catch(() => undefined);
  const links = isJsonObject(body) ? body['_links'] : undefined;
  if (is2xx(status) && isJsonObject(links) && Object.keys(links).some((relation) => relation.startsWith('pb:')))
    return undefined;
  const answered = `${status}${contentType ? ` ${contentType}` : ''}`;
  return `${connection.baseUrl} is not a Pact Broker: GET ${index} answered ${answered}, not the broker's index (HAL with pb: links); set PACT_BROKER_BASE_URL to the broker's base URL (e.g. https://your-org.pactflow.io)`;
}
