/**
 * jest + ts-jest. Type errors are caught by `npm run typecheck`, so ts-jest only transpiles: tsconfig.json sets
 * `isolatedModules`, which ts-jest reads to transpile each file alone (its own option of that name is deprecated).
 *
 * Two projects: `unit` (pure logic, handlers, Pulumi mocks, each service alone: run in parallel) and `e2e` (suites
 * that start whole local clouds: run one at a time, `npm test` passes --runInBand, so two clouds never compete for
 * this machine's two cores and their timings mean something).
 */
const E2E = [
  '/test/local/e2e/',
  '/test/docs/readme\\.test\\.ts$',
  '/test/capacity/calibration\\.test\\.ts$',
  '\\.e2e\\.test\\.ts$',
];

const shared = {
  // node, plus a per-worker cache the infra suites share program runs through (see the file).
  testEnvironment: '<rootDir>/test/worker-cache-environment.ts',
  roots: ['<rootDir>/test'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
};

module.exports = {
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...E2E] },
    { ...shared, displayName: 'e2e', testRegex: E2E.map((pattern) => `${pattern.replace(/\/$/, '/.*\\.test\\.ts$')}`) },
  ],
};
