/**
 * Each `jest.isolateModules` load of @pulumi/pulumi installs its own promise-leak reporter on process 'exit'
 * (runtime/debuggable.js in @pulumi/pulumi: once per module instance, never removed). The infra and model tests
 * load the program afresh many times in one worker, so those reporters piled up on the one process and Node
 * printed a MaxListenersExceededWarning. A reporter belongs to a module instance the finished test no longer uses,
 * so it has nothing left to report: they are removed after each test. Every other 'exit' listener is left alone,
 * so a real leak still warns.
 */
function removePulumiLeakReporters(): void {
  for (const listener of process.listeners('exit')) {
    if (listener.toString().includes('leakedPromises')) process.removeListener('exit', listener);
  }
}

afterEach(removePulumiLeakReporters);
afterAll(removePulumiLeakReporters);
