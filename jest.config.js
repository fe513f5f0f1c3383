/** jest + ts-jest. Type errors are caught by `npm run typecheck`, so ts-jest only transpiles (isolatedModules). */
module.exports = {
  // node, plus a per-worker cache the infra suites share program runs through (see the file).
  testEnvironment: '<rootDir>/test/worker-cache-environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  maxWorkers: 2,
  testTimeout: 30000,
};
