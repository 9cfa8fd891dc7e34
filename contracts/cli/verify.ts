/** `npm run verify`: replays pacts/ against the provider chosen by the environment and prints the report. */
import { verifyAndReport } from './verifyAndReport';

void verifyAndReport().then((code) => {
  process.exitCode = code;
});
