/** `npm run pact:publish`: see pactPublishCommand.ts. */
import { processIo } from '../output/cliIo';
import { runAsProcess } from './brokerCommand';
import { pactPublish } from './pactPublishCommand';

runAsProcess(pactPublish(processIo(), process.argv.slice(2)));
