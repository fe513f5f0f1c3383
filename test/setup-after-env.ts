/**
 * Each `jest.isolateModules` load of the Pulumi SDKs adds process listeners of its own that are never removed:
 * @pulumi/pulumi's promise-leak reporter on 'exit' (runtime/debuggable.js, once per module instance), the 'exit'
 * garbage collector of the `tmp` package it loads (which acts only after `setGracefulCleanup()`, never called
 * here), and @pulumi/aws's S3 bucket-notification flush on 'beforeExit' (s3/s3Mixins.js). The infra and model tests
 * load the program afresh many times in one file, so those listeners piled up past Node's limit of 10 and Node
 * printed a MaxListenersExceededWarning. Each belongs to a module instance the finished test no longer uses (no
 * test here subscribes to a bucket), so they are removed after each test. Every other listener is left alone, so a
 * real leak still warns.
 */
const fromDiscardedModule = (listener: (...args: never[]) => unknown, signatures: string[]): boolean =>
  signatures.some((signature) => listener.toString().includes(signature));

function removeDiscardedModuleListeners(): void {
  for (const listener of process.listeners('exit')) {
    if (fromDiscardedModule(listener, ['leakedPromises', '_garbageCollector']))
      process.removeListener('exit', listener);
  }
  for (const listener of process.listeners('beforeExit')) {
    if (fromDiscardedModule(listener, ['bucketSubscriptionInfos'])) process.removeListener('beforeExit', listener);
  }
}

afterEach(removeDiscardedModuleListeners);
afterAll(removeDiscardedModuleListeners);
