/**
 * jest + ts-jest. Type errors are caught by `npm run typecheck`, so ts-jest only transpiles: tsconfig.json sets
 * `isolatedModules`, which ts-jest reads to transpile each file alone (its own option of that name is deprecated).
 */
module.exports = {
  // node, plus a per-worker cache the infra suites share program runs through (see the file).
  testEnvironment: '<rootDir>/test/worker-cache-environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  maxWorkers: 2,
  testTimeout: 30000,
};
