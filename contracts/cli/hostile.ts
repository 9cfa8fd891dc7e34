/** `npm run contracts:hostile`: see hostileCommand.ts. Exit codes: 0 passed, 1 a failure, 2 could not run, 130/143 interrupted. */
import { processIo } from '../output/cliIo';
import { runHostile } from './hostileCommand';
import { watchParent } from '../live/parentWatch';

// npm gone, nobody is left to pass a signal on: stop as on SIGTERM (clean up, then exit).
watchParent(() => process.kill(process.pid, 'SIGTERM'));

void runHostile(processIo(), process.argv.slice(2)).then((code) => process.exit(code));
