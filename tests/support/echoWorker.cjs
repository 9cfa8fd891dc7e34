// A stand-in for the verification worker (runWorker.ts's spawnVerificationWorker forks it): answers its one run
// with what its parent sent over IPC and the environment it was started with, then exits.
'use strict';
process.on('message', (message) => {
  process.send({ kind: 'error', message: JSON.stringify({ message, env: process.env }) }, () => process.exit(0));
});
