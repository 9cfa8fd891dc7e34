/** `npm run can-i-deploy` / `npm run record-deployment`: see brokerGateCommand.ts. */
import { processIo } from '../output/cliIo';
import { runAsProcess } from './brokerCommand';
import { brokerGate } from './brokerGateCommand';

runAsProcess(brokerGate(processIo(), process.argv.slice(2)));
