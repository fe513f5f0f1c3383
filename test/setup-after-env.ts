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
const DISCARDED_MODULE_LISTENERS: Record<'exit' | 'beforeExit', string[]> = {
  exit: ['leakedPromises', '_garbageCollector'],
  beforeExit: ['bucketSubscriptionInfos'],
};

function removeDiscardedModuleListeners(): void {
  for (const [event, signatures] of Object.entries(DISCARDED_MODULE_LISTENERS)) {
    for (const listener of process.listeners(event as 'exit' | 'beforeExit')) {
      const source = listener.toString();
      if (signatures.some((signature) => source.includes(signature))) process.removeListener(event, listener);
    }
  }
}

afterEach(removeDiscardedModuleListeners);
afterAll(removeDiscardedModuleListeners);
