/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    // @middy/core 5+ ships ESM only, and jest runs require(esm) natively only from Node 24.9:
    // compile it to CommonJS like our own code (tests only; the library never imports middy).
    '/node_modules/@middy/.+\\.js$': ['@swc/jest'],
  },
  // The package's own names resolve to its sources, as tsconfig.json's `paths` say.
  moduleNameMapper: {
    '^lambda-idempotency$': '<rootDir>/lib/idempotency/index.ts',
    '^lambda-idempotency/(.*)$': '<rootDir>/lib/idempotency/$1.ts',
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
