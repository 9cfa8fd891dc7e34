/** `npm run findings`: see findingsCommand.ts. */
import { processIo } from '../output/cliIo';
import { runAsProcess } from './brokerCommand';
import { reportFindings } from './findingsCommand';

runAsProcess(reportFindings(processIo(), process.argv.slice(2)));
