/** `npm run broker:setup`: see brokerSetupCommand.ts. */
import { processIo } from '../output/cliIo';
import { runAsProcess } from './brokerCommand';
import { brokerSetup } from './brokerSetupCommand';

runAsProcess(brokerSetup(processIo()));
