import type { DynamoDbLocalHandle, DynamoDbLocalOptions } from '../../../../local/services/dynamodb-local';
import { superviseDynamoDbLocal } from '../../../../local/services/dynamodb-local/supervisor';

/** A stand-in for the JVM: each start gives a process that dies when `crash` is called. */
class FakeProcesses {
  readonly starts: DynamoDbLocalOptions[] = [];
  readonly crashes: (() => void)[] = [];
  failNext = 0;
  stopped = 0;

  start = async (options: DynamoDbLocalOptions): Promise<DynamoDbLocalHandle> => {
    this.starts.push(options);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('port still busy');
    }
    let crash: () => void = () => undefined;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      crash = () => resolve({ code: null, signal: 'SIGKILL' });
    });
    this.crashes.push(crash);
    const port = options.port ?? 8123;
    return {
      endpoint: `http://127.0.0.1:${port}`,
      port,
      pid: 1000 + this.starts.length,
      exited,
      stop: async () => {
        this.stopped += 1;
        crash();
      },
    };
  };
}

describe('superviseDynamoDbLocal', () => {
  it('notices the death at once, reports it, restarts on the same port and data dir, and is up again', async () => {
    const processes = new FakeProcesses();
    const reports: string[] = [];
    const restarted: string[] = [];
    const dynamo = await superviseDynamoDbLocal({
      dataDir: '/data/dynamodb',
      report: (m) => reports.push(m),
      start: processes.start,
      afterRestart: async (endpoint) => {
        restarted.push(endpoint);
      },
      retryDelayMs: 5,
    });
    expect(dynamo.state()).toMatchObject({ status: 'up', restarts: 0, pid: 1001 });

    processes.failNext = 1; // the first restart attempt fails; the supervisor tries again
    processes.crashes[0]();
    await new Promise((r) => setImmediate(r));
    expect(dynamo.state().status).toBe('restarting');
    expect(reports[0]).toMatch(
      /DynamoDB Local exited unexpectedly \(code null, signal SIGKILL\); restarting it on port 8123/,
    );
    await dynamo.whenUp();

    expect(dynamo.state()).toMatchObject({ status: 'up', restarts: 1, pid: 1003, lastExit: { signal: 'SIGKILL' } });
    expect(processes.starts.slice(1).map((s) => [s.port, s.dataDir])).toEqual([
      [8123, '/data/dynamodb'],
      [8123, '/data/dynamodb'],
    ]);
    expect(restarted).toEqual(['http://127.0.0.1:8123']);
    expect(reports.at(-1)).toMatch(/DynamoDB Local is back on port 8123/);

    await dynamo.stop();
    expect(dynamo.state().status).toBe('stopped');
    expect(processes.starts).toHaveLength(3); // a stop is not a death: no restart
  });
});
