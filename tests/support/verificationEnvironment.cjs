// verificationEnvironment.ts for StrykerJS (npm run mutation): its jest runner loads the test environment with a
// plain require(), which knows no TypeScript, so this registers esbuild first. jest itself uses the .ts file.
require('esbuild-register/dist/node').register();
module.exports = require('./verificationEnvironment.ts').default;
