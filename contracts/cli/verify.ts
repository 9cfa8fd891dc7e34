/** `npm run verify`: replays pacts/ against the provider chosen by the environment and prints the report. */
import { watchParent } from '../live/parentWatch';
import { verifyAndReport } from './verifyAndReport';

// npm gone, nobody is left to pass a signal on: stop as on SIGTERM (clean up, then exit).
watchParent(() => process.kill(process.pid, 'SIGTERM'));

void verifyAndReport().then((code) => {
  process.exitCode = code;
});
