/**
 * One execution environment of a function: a worker thread running the bundle, reused while warm.
 * Like a Lambda execution environment it serves one invocation at a time
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 */
import { randomBytes } from 'node:crypto';
import * as readline from 'node:readline';
import { Worker } from 'node:worker_threads';
import { delay } from '../kernel/delay';
import { buildFunctionEnvironment, logStreamName } from './environment';
import { LOG_FLUSH_MARKER, WORKER_BOOTSTRAP_SOURCE } from './worker-bootstrap';

export interface FunctionSpec {
  name: string;
  arn: string;
  bundlePath: string;
  handler: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  runtime: string;
}

export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type ExecutionOutcome =
  | { ok: true; payload: string; durationMs: number }
  | { ok: false; error: ErrorPayload; durationMs: number; timedOut: boolean };

type WorkerResult =
  | { type: 'result'; requestId: string; ok: true; payload: string }
  | { type: 'result'; requestId: string; ok: false; error: ErrorPayload; fatal: boolean };

export interface LineSink {
  (line: string): void;
}

/** How long to wait for the log flush marker after a result before giving up on ordering (ms). */
const FLUSH_GRACE_MS = 1000;

export class ExecutionEnvironment {
  readonly streamName: string;
  private readonly worker: Worker;
  private dead = false;
  /** Set as soon as termination starts, so a dying worker is never handed out again. */
  private retired = false;
  private exitPromise: Promise<void>;
  private pendingFlush = new Map<string, () => void>();
  private onExit?: (error: ErrorPayload) => void;
  private onResult?: (result: WorkerResult) => void;
  /** True until the first invocation completed: that one carries the init duration. */
  cold = true;

  constructor(
    readonly spec: FunctionSpec,
    settings: { region: string; endpointUrl?: string },
    private readonly writeLine: LineSink,
  ) {
    this.streamName = logStreamName(new Date(), randomBytes(16).toString('hex'));
    this.worker = new Worker(WORKER_BOOTSTRAP_SOURCE, {
      eval: true,
      env: buildFunctionEnvironment(spec, settings, this.streamName),
      // What never changes for this environment goes once, not with every invocation.
      workerData: {
        bundlePath: spec.bundlePath,
        handler: spec.handler,
        functionName: spec.name,
        invokedFunctionArn: spec.arn,
        memoryLimitInMB: spec.memoryMb,
        logGroupName: `/aws/lambda/${spec.name}`,
        logStreamName: this.streamName,
      },
      stdout: true,
      stderr: true,
    });
    this.capture(this.worker.stdout);
    this.capture(this.worker.stderr);
    this.worker.on('message', (message: WorkerResult) => this.onResult?.(message));
    this.worker.on('error', (error: Error) => {
      // Only reached if the bootstrap itself failed; invocation errors arrive as messages.
      this.onExit?.({
        errorType: error.name || 'Error',
        errorMessage: error.message,
        trace: (error.stack ?? '').split('\n'),
      });
    });
    this.exitPromise = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.dead = true;
        // A worker exiting in the middle of an invocation (process.exit in the handler) is Runtime.ExitError.
        this.onExit?.({
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: unknown Error: Runtime exited with error: exit status ${code}`,
          trace: [],
        });
        for (const release of this.pendingFlush.values()) release();
        this.pendingFlush.clear();
        resolve();
      }),
    );
  }

  get alive(): boolean {
    return !this.dead && !this.retired;
  }

  /** Runs one invocation; enforces the timeout by terminating the worker. */
  run(requestId: string, eventJson: string): Promise<ExecutionOutcome> {
    const started = Date.now();
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const deadline = started + timeoutMs;
    return new Promise<ExecutionOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: ExecutionOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pendingFlush.delete(requestId);
        this.onResult = undefined;
        this.onExit = undefined;
        resolve(outcome);
      };
      const flushed = new Promise<void>((release) => this.pendingFlush.set(requestId, release));
      const timer = setTimeout(() => {
        // https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html: the environment is stopped.
        const seconds = this.spec.timeoutSeconds.toFixed(2);
        this.writeLine(`${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`);
        const durationMs = Date.now() - started;
        void this.terminate();
        settle({
          ok: false,
          timedOut: true,
          durationMs,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
            trace: [],
          },
        });
      }, timeoutMs);
      this.onExit = (error) =>
        settle({
          ok: false,
          timedOut: false,
          durationMs: Date.now() - started,
          error: {
            ...error,
            errorMessage: error.errorMessage.replace('RequestId: unknown', `RequestId: ${requestId}`),
          },
        });
      this.onResult = (result) => {
        if (result.requestId !== requestId) return;
        const durationMs = Date.now() - started;
        void Promise.race([flushed, delay(FLUSH_GRACE_MS, { unref: true })]).then(() => {
          if (!result.ok && result.fatal) void this.terminate();
          settle(
            result.ok
              ? { ok: true, payload: result.payload, durationMs }
              : { ok: false, timedOut: false, durationMs, error: result.error },
          );
        });
      };
      this.worker.postMessage({ type: 'invoke', requestId, event: eventJson, deadline });
    });
  }

  async terminate(): Promise<void> {
    this.retired = true;
    if (!this.dead) await this.worker.terminate();
    await this.exitPromise;
  }

  private capture(stream: NodeJS.ReadableStream): void {
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line: string) => {
      if (line.startsWith(LOG_FLUSH_MARKER)) {
        const requestId = line.slice(LOG_FLUSH_MARKER.length);
        this.pendingFlush.get(requestId)?.();
        this.pendingFlush.delete(requestId);
        return;
      }
      this.writeLine(line);
    });
  }
}
