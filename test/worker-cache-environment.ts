/**
 * jest's node environment plus one Map per jest worker process, visible to every test file the worker runs as
 * `globalThis.__workerCache`. Each test file gets a fresh global and module registry, but jest loads this module
 * once per worker, so its Map outlives them: test/infra/helpers/stack.ts keeps each program run there, and the
 * infra suites that ask for the same stack run the program once per worker instead of once per file.
 * `export =` because jest takes the module itself as the environment class.
 */
import { TestEnvironment } from 'jest-environment-node';

const workerCache = new Map<string, unknown>();

export = class WorkerCacheEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    this.global.__workerCache = workerCache;
  }
};
