/** `npm run pact:publish-provider-contract`: see publishProviderContractCommand.ts. */
import { processIo } from '../output/cliIo';
import { runAsProcess } from './brokerCommand';
import { publishProviderContract } from './publishProviderContractCommand';

runAsProcess(publishProviderContract(processIo(), process.argv.slice(2)));
