/**
 * Two projects: `unit` needs nothing but Node (no Java, no server: `npm run test:unit` in seconds);
 * `integration` runs the files named for the server they need (`*.dynamodb.test.ts`, `*.redis.test.ts`) against real
 * servers, each started once per run by its global setup.
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest'],
  // @middy/core 5+ ships ESM only, and jest runs require(esm) natively only from Node 24.9:
  // compile it to CommonJS like our own code (tests only; the library never imports middy).
  '/node_modules/@middy/.+\\.js$': ['@swc/jest'],
};
const SERVER_TESTS = ['\\.dynamodb\\.test\\.ts$', '\\.redis\\.test\\.ts$'];
// Lambda durable functions' SDK needs Node 22: `npm run test:durable` runs those files (jest.durable.config.js).
const DURABLE_TESTS = ['\\.durable\\.test\\.ts$'];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform,
  // The package's own names resolve to its sources, as tsconfig.json's `paths` say.
  moduleNameMapper: {
    '^lambda-idempotency$': '<rootDir>/lib/idempotency/index.ts',
    '^lambda-idempotency/cdk$': '<rootDir>/lib/cdk/index.ts',
    '^lambda-idempotency/(.*)$': '<rootDir>/lib/idempotency/$1.ts',
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/support/env.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...SERVER_TESTS, ...DURABLE_TESTS],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['**/*.dynamodb.test.ts', '**/*.redis.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
