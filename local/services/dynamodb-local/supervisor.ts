/**
 * Keeps DynamoDB Local running: its death is noticed at once (the child's `exit` event, not a poll), reported, and
 * it is started again on the SAME port with the SAME data directory, so clients (the edge, the pipes' stream
 * readers, the handlers through the edge) keep their endpoint and find their tables and streams as they were.
 *
 * While it is down, the edge answers DynamoDB calls with 503 `ServiceUnavailable` (edge/dynamodb-proxy.ts), the
 * error DynamoDB itself returns on a temporary failure and the AWS SDKs retry
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html, "Error Types":
 * ServiceUnavailable, HTTP 503), so the SDK's retries, Lambda's async retries and the DLQs do their usual job.
 * Nothing the other services buffer lives in DynamoDB Local (their journals are files), so a restart loses none.
 */
import { delay } from '../kernel/delay';
import { errorMessage } from '../kernel/errors';
import { DynamoDbLocalHandle, DynamoDbLocalOptions, startDynamoDbLocal } from '.';

export type DependencyStatus = 'up' | 'restarting' | 'stopped';

/** What the edge's health endpoint reports for one dependency. */
export interface DependencyState {
  status: DependencyStatus;
  endpoint: string;
  /** the current process's id */
  pid?: number;
  /** restarts after an unexpected exit, since start-up */
  restarts: number;
  /** when the status last changed (ISO 8601) */
  since: string;
  /** how the process last ended unexpectedly */
  lastExit?: { code: number | null; signal: string | null; at: string };
}

export interface SupervisedDynamoDbLocal {
  endpoint: string;
  port: number;
  state(): DependencyState;
  /** Resolves once it is up (at once when it is). */
  whenUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisorOptions extends DynamoDbLocalOptions {
  /** Told of deaths and restarts (the console). */
  report: (message: string) => void;
  /** Run after each restart, before it counts as up (e.g. re-create the tables of an in-memory run). */
  afterRestart?: (endpoint: string) => Promise<void>;
  /** Starts one process (tests); default startDynamoDbLocal. */
  start?: (options: DynamoDbLocalOptions) => Promise<DynamoDbLocalHandle>;
  /** Wait between failed restart attempts (default 1000 ms). */
  retryDelayMs?: number;
}

export async function superviseDynamoDbLocal(options: SupervisorOptions): Promise<SupervisedDynamoDbLocal> {
  const start = options.start ?? startDynamoDbLocal;
  let current = await start(options);
  const port = current.port;
  const endpoint = current.endpoint;
  let stopping = false;
  let state: DependencyState = {
    status: 'up',
    endpoint,
    pid: current.pid,
    restarts: 0,
    since: new Date().toISOString(),
  };
  let upWaiters: (() => void)[] = [];
  const setStatus = (status: DependencyStatus): void => {
    state = { ...state, status, since: new Date().toISOString() };
    if (status !== 'restarting') for (const resolve of upWaiters.splice(0)) resolve();
  };

  const watch = (handle: DynamoDbLocalHandle): void => {
    void handle.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      await handle.stop(); // releases its exit hook and watchdog
      state = { ...state, lastExit: { code, signal, at: new Date().toISOString() } };
      setStatus('restarting');
      options.report(
        `DynamoDB Local exited unexpectedly (code ${code}, signal ${signal}); restarting it on port ${port} with its data`,
      );
      const began = Date.now();
      while (!stopping) {
        try {
          // The same port: endpoints handed out stay valid. The same data dir: tables and streams as they were.
          const next = await start({ ...options, port, onProgress: undefined });
          if (stopping) {
            await next.stop();
            return;
          }
          current = next;
          await options.afterRestart?.(endpoint);
          state = { ...state, pid: next.pid, restarts: state.restarts + 1 };
          setStatus('up');
          options.report(`DynamoDB Local is back on port ${port} after ${Date.now() - began} ms`);
          watch(next);
          return;
        } catch (error) {
          options.report(`DynamoDB Local restart failed: ${errorMessage(error)}; trying again`);
          await delay(options.retryDelayMs ?? 1000);
        }
      }
    });
  };
  watch(current);

  return {
    endpoint,
    port,
    state: () => ({ ...state }),
    whenUp: () =>
      state.status === 'restarting' ? new Promise<void>((resolve) => upWaiters.push(resolve)) : Promise.resolve(),
    stop: async () => {
      stopping = true;
      setStatus('stopped');
      upWaiters = [];
      await current.stop();
    },
  };
}
