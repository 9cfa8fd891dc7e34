/** `npm run verify`: replays pacts/ against the provider chosen by the environment and prints the report. */
import { watchParent } from '../live/parentWatch';
import { processIo } from '../output/cliIo';
import { verifyAndReport } from './verifyAndReport';

// npm gone, nobody is left to pass a signal on: stop as on SIGTERM (clean up, then exit).
watchParent(() => process.kill(process.pid, 'SIGTERM'));

void verifyAndReport(processIo(), undefined, process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
