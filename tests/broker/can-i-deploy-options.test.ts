/**
 * Options passed through to can-i-deploy keep the Pact CLI's meaning: a `--version` (or `--latest`, `--branch`, ...)
 * is about the `--pacticipant` before it. One given before any `--pacticipant` would be dropped by the CLI, which
 * then answers about the latest version (a yes about something else): refused in one line, before any broker is
 * asked. The right order is passed through (real-broker.test.ts).
 */
import { startBrokerDouble } from '../support/brokerDouble';
import { runInProcess } from '../support/inProcess';

describe('can-i-deploy options', () => {
  it.each([
    [['--version', '1a2b3c', '--pacticipant', 'NangoConnectSessionClient'], '--version'],
    [['-e', '1a2b3c'], '-e'],
    [['--branch=main', '--pacticipant', 'NangoConnectSessionClient'], '--branch'],
  ])(
    'refuse %j, whose version option comes before its --pacticipant, in one line naming the order',
    async (args, option) => {
      const broker = await startBrokerDouble({ token: 'gate-token' });
      try {
        const run = await runInProcess(
          'can-i-deploy',
          { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: 'gate-token' },
          { args },
        );
        expect(run.code).toBe(2);
        expect(run.stderr).toBe(
          `can-i-deploy could not run: ${option} must follow the --pacticipant it is about (e.g. -- --pacticipant NangoConnectSessionClient --version 1a2b3c): the Pact CLI would ignore it and answer about the latest version\n`,
        );
        expect(broker.requests).toEqual([]);
      } finally {
        await broker.close();
      }
    },
  );
});
