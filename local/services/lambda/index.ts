/**
 * Local AWS Lambda: runs each function's deployed bundle in worker threads, one invocation per worker at a time.
 *
 * Copied from Lambda on purpose:
 * - execution environments are reused while warm, so module scope survives between invocations
 *   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html);
 * - each function sees only its own environment variables plus the reserved ones (lambda/environment.ts);
 * - the timeout stops the environment: `Task timed out after N.00 seconds`
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html);
 * - concurrency is bounded per function, as each function scales its own environments; invocations beyond the
 *   bound wait for a free environment of that function (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html);
 * - synchronous results as the Invoke API returns them: a payload, or `FunctionError: Unhandled` with
 *   `{ errorType, errorMessage, trace }` (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html);
 * - asynchronous invocations: accepted at once (202), retried twice on a function error, about 1 and 2 minutes
 *   apart, within MaximumRetryAttempts / MaximumEventAgeInSeconds, then sent to the on-failure destination and/or
 *   the dead-letter queue (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html,
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html);
 * - START / END / REPORT lines around each invocation in the function's log;
 * - an asynchronous invocation is durable once accepted: with a journal (shared/journal.ts) the 202 waits until it is
 *   on disk, retries are journaled with their attempt count and due time, and `recover` resumes every invocation
 *   that had not finished (destinations included) after a crash; at least once, as Lambda's own async queue.
 *
 * Differences from AWS:
 * - retry delays are waited through `sleep`, by default compressed by the local clock's one factor (clock.ts);
 *   the event age that MaximumEventAgeInSeconds limits counts those delays at their AWS (uncompressed) length;
 * - workers are threads of this process: `TZ` is set in the function's env but the process time zone applies,
 *   memory size is reported, not enforced;
 * - no versions/aliases (everything is `$LATEST`), no reserved concurrency, no throttling errors (callers wait);
 * - each function has its own pool of environments and its own queue (`maxConcurrencyPerFunction`), so one busy
 *   function never stops another's warm workers. `maxConcurrency` is only a safety net for the machine (threads and
 *   memory), set above what the functions' pools need together: when it is reached, an idle worker of another
 *   function is stopped to make room (a cold start, as when Lambda recycles an environment).
 */
import type { IamGate } from '../iam';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { compressed } from '../kernel/clock';
import { delay } from '../kernel/delay';
import type { LogRecordWriter } from '../kernel/ports';
import type { SqsService } from '../sqs';
import {
  buildInvocationRecord,
  deadLetterAttributes,
  DestinationCondition,
  StringOrNumberAttribute,
} from './async-records';
import { ErrorPayload, ExecutionEnvironment, ExecutionOutcome, FunctionSpec } from './execution-environment';
import { LocalCloudError } from '../kernel/errors';
import { Journal } from '../kernel/journal';

export {
  buildInvocationRecord,
  deadLetterAttributes,
  eventBridgeDestinationEntry,
  truncateUtf8,
} from './async-records';
export type { InvocationRecord, StringOrNumberAttribute } from './async-records';

export interface LocalFunction extends FunctionSpec {
  asyncConfig?: {
    maximumRetryAttempts: number;
    maximumEventAgeInSeconds: number;
    onFailureArn?: string;
    onSuccessArn?: string;
  };
  deadLetterTargetArn?: string;
}

export interface InvokeResult {
  requestId: string;
  /** The function's result (parsed JSON), or the error object Lambda returns as payload on a function error. */
  payload?: unknown;
  functionError?: 'Unhandled';
  errorMessage?: string;
  errorType?: string;
}

/**
 * Delivers async results to a destination ARN (SQS, SNS, Lambda, EventBridge bus); the wiring routes by ARN type.
 * `message` is the invocation record for destinations, the original event for a dead-letter queue (then with
 * `attributes`).
 */
export interface DestinationSender {
  send(arn: string, message: unknown, attributes?: Record<string, StringOrNumberAttribute>): Promise<void>;
}

export interface LambdaServiceOptions {
  region?: string;
  /** The local AWS edge, given to functions as AWS_ENDPOINT_URL. */
  endpointUrl?: string;
  logSink?: LogRecordWriter;
  /** SQS destinations and dead-letter queues (`arn:aws:sqs:...`) are sent here directly when given. */
  sqs?: Pick<SqsService, 'sendMessage'> & Partial<Pick<SqsService, 'synced'>>;
  /** Every other destination type (SNS, Lambda, EventBridge bus), and SQS too when `sqs` is absent. */
  destinations?: DestinationSender;
  /** Waits an AWS-defined delay (ms, uncompressed); default: the local clock's compressed time. */
  sleep?: (awsMs: number, signal: AbortSignal) => Promise<void>;
  /**
   * Concurrent invocations, and warm workers, per function (default: the machine's cores + 1). Each worker is an
   * isolate that compiles and warms the same code again, so workers beyond what the cores can run only add CPU:
   * on 2 cores, bench:pipeline shipped 95–103 orders/s with 3 per function against 82–88 with 4.
   */
  maxConcurrencyPerFunction?: number;
  /** Safety net: live workers in total, across functions (default 32); reaching it evicts another's idle worker. */
  maxConcurrency?: number;
  /** A warm worker idle this long is stopped (default 10 minutes). */
  idleTimeoutMs?: number;
  /** Write START/END/REPORT lines (default true). */
  lifecycleLogs?: boolean;
  /** IAM enforcement of destinations and dead letters, sent with the function's role (default: allowed). */
  iam?: Pick<IamGate, 'functionDestination'>;
  /** Where asynchronous invocations are recorded until finished (default: nowhere, in memory). */
  journal?: Journal<LambdaJournalRecord>;
}

/** Where an async invocation stands between attempts. */
export interface AsyncRetryState {
  /** attempts made so far */
  attempts: number;
  /** the event's AWS-time age so far */
  ageMs: number;
  /** when the next attempt is due (epoch ms, local time) */
  dueAtMs: number;
}

/** An accepted async invocation, its scheduled retries, its end. */
export type LambdaJournalRecord =
  | { op: 'invoke'; id: string; fn: string; payload: unknown }
  | ({ op: 'retry'; id: string } & AsyncRetryState)
  | { op: 'done'; id: string };

type InvokeRecord = Extract<LambdaJournalRecord, { op: 'invoke' }>;
type AsyncRetryRecord = Extract<LambdaJournalRecord, { op: 'retry' }>;

/** The journal is rewritten from the unfinished invocations once this many records were appended. */
const COMPACT_AFTER_RECORDS = 20_000;

/** Errors of the Invoke API itself (not function errors), with Lambda's error code as `name`. */
export class LambdaServiceError extends LocalCloudError {
  constructor(code: string, message: string, statusCode: number) {
    super(message, { code, statusCode });
  }
}

/** Retry delays after the 1st and 2nd function error: "about 1 minute", then "about 2 minutes". */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];
const DEFAULT_MAX_EVENT_AGE_SECONDS = 21_600;
const DEFAULT_MAX_RETRY_ATTEMPTS = 2;
/** Invoke request payload limit for synchronous invocations (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
const SYNC_PAYLOAD_LIMIT_BYTES = 6_291_456;

interface FunctionState {
  fn: LocalFunction;
  idle: ExecutionEnvironment[];
  busy: number;
  idleTimers: Map<ExecutionEnvironment, NodeJS.Timeout>;
  /** Invocations of this function waiting for an environment, first come first served. */
  waiting: Queue<Waiter>;
}

interface Waiter {
  resolve: (env: ExecutionEnvironment) => void;
  reject: (error: Error) => void;
}

/** FIFO with O(1) push and shift (Array#shift is O(n)). */
export class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    // Compact once the consumed prefix is half the array: amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}

async function defaultSleep(awsMs: number, signal: AbortSignal): Promise<void> {
  await delay(compressed(awsMs), { signal });
}

export class LambdaService {
  private readonly functions = new Map<string, FunctionState>(); // by name
  /** Functions with waiting invocations, in the order they started waiting (for slots of the global cap). */
  private readonly starved = new Set<FunctionState>();
  private readonly background = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly region: string;
  private readonly perFunction: number;
  private readonly total: number;
  private readonly idleTimeoutMs: number;
  private readonly sleep: (awsMs: number, signal: AbortSignal) => Promise<void>;
  private live = 0;
  private busyTotal = 0;
  private readonly journal: Journal<LambdaJournalRecord>;
  /** Async invocations accepted and not finished, with their latest retry (what a compaction keeps). */
  private readonly unfinished = new Map<string, { invoke: InvokeRecord; retry?: AsyncRetryRecord }>();

  constructor(private readonly options: LambdaServiceOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.perFunction = Math.max(1, options.maxConcurrencyPerFunction ?? availableParallelism() + 1);
    this.total = Math.max(1, options.maxConcurrency ?? 32);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.journal = options.journal ?? Journal.inMemory();
  }

  register(fn: LocalFunction): void {
    if (this.stopping.signal.aborted) throw new Error('LambdaService is stopped');
    const previous = this.functions.get(fn.name);
    if (previous) for (const env of [...previous.idle]) this.dispose(previous, env);
    this.functions.set(fn.name, { fn, idle: [], busy: 0, idleTimers: new Map(), waiting: new Queue() });
  }

  /** The registered function for a name, ARN or qualified ARN (`...:$LATEST`), if any. */
  find(arnOrName: string): LocalFunction | undefined {
    return this.lookup(arnOrName)?.fn;
  }

  /** Synchronous invocation (InvocationType RequestResponse). */
  async invoke(arnOrName: string, payload: unknown): Promise<InvokeResult> {
    const state = this.require(arnOrName);
    const eventJson = JSON.stringify(payload === undefined ? {} : payload);
    if (Buffer.byteLength(eventJson) > SYNC_PAYLOAD_LIMIT_BYTES) {
      throw new LambdaServiceError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${SYNC_PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`,
        413,
      );
    }
    const requestId = randomUUID();
    const outcome = await this.execute(state, requestId, eventJson);
    return toInvokeResult(requestId, outcome);
  }

  /** Asynchronous invocation (InvocationType Event): resolves once queued, like the 202 of Invoke. */
  async invokeAsync(arnOrName: string, payload: unknown): Promise<{ requestId: string }> {
    const state = this.require(arnOrName);
    const requestId = randomUUID();
    const invoke: InvokeRecord = {
      op: 'invoke',
      id: requestId,
      fn: state.fn.arn,
      payload: payload === undefined ? {} : payload,
    };
    this.unfinished.set(requestId, { invoke });
    const journaled = this.journal.append(invoke);
    this.startAsync(state, invoke);
    await journaled; // the 202 means "queued": durable from here on
    return { requestId };
  }

  /**
   * Resumes the async invocations the journal holds unfinished (call once every function is registered), each with
   * its attempt count and due time, then compacts the journal to them. Returns how many were resumed.
   */
  async recover(records: LambdaJournalRecord[]): Promise<number> {
    // Only what the journal held: invocations accepted since start-up are running already.
    const found = new Map<string, { invoke: InvokeRecord; retry?: AsyncRetryRecord }>();
    for (const record of records) {
      if (record.op === 'invoke') found.set(record.id, { invoke: record });
      else if (record.op === 'done') found.delete(record.id);
      else {
        const entry = found.get(record.id);
        if (entry) entry.retry = record;
      }
    }
    const resumable: { state: FunctionState; invoke: InvokeRecord; retry?: AsyncRetryRecord }[] = [];
    for (const [id, entry] of found) {
      const state = this.lookup(entry.invoke.fn);
      if (state === undefined) {
        this.log('lambda', `async invocation ${id} of ${entry.invoke.fn} not resumed: the function no longer exists`);
        continue;
      }
      this.unfinished.set(id, entry);
      resumable.push({ state, ...entry });
    }
    await this.journal.compact(this.unfinishedRecords());
    for (const { state, invoke, retry } of resumable) this.startAsync(state, invoke, retry);
    return resumable.length;
  }

  private startAsync(state: FunctionState, invoke: InvokeRecord, resume?: AsyncRetryState): void {
    const requestId = invoke.id;
    const task = this.runAsync(state, requestId, invoke.payload, resume)
      .then(async (finished) => {
        if (!finished) return; // stopped: resumed at the next start
        this.unfinished.delete(requestId);
        await this.journal.append({ op: 'done', id: requestId });
        if (this.journal.appendedSinceCompaction > COMPACT_AFTER_RECORDS)
          await this.journal.compact(this.unfinishedRecords());
      })
      .catch((error: Error) =>
        this.log(state.fn.name, `async invocation ${requestId} could not be completed: ${error.message}`),
      )
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  private unfinishedRecords(): LambdaJournalRecord[] {
    return [...this.unfinished.values()].flatMap(({ invoke, retry }) => (retry ? [invoke, retry] : [invoke]));
  }

  /** Resolves when every queued asynchronous invocation, with its retries and destinations, has finished. */
  async drain(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  /** Stops every worker, abandons pending retries, and refuses new invocations. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const state of this.functions.values())
      for (const waiter of state.waiting.drain()) waiter.reject(new Error('LambdaService stopped'));
    this.starved.clear();
    const terminations: Promise<void>[] = [];
    for (const state of this.functions.values()) {
      for (const env of [...state.idle]) terminations.push(this.dispose(state, env));
    }
    for (const env of this.running) terminations.push(env.terminate());
    await Promise.all(terminations);
    await Promise.all([...this.background]);
  }

  private readonly running = new Set<ExecutionEnvironment>();

  private lookup(arnOrName: string): FunctionState | undefined {
    const byName = this.functions.get(arnOrName);
    if (byName) return byName;
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]; only $LATEST exists locally.
    const match = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+))(?::(.+))?$/.exec(arnOrName);
    if (match && (match[3] === undefined || match[3] === '$LATEST')) {
      const state = this.functions.get(match[2]);
      if (state && state.fn.arn === match[1]) return state;
    }
    return undefined;
  }

  private require(arnOrName: string): FunctionState {
    if (this.stopping.signal.aborted)
      throw new LambdaServiceError('ServiceException', 'The local Lambda service is stopped', 500);
    const state = this.lookup(arnOrName);
    // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (ResourceNotFoundException)
    if (!state) throw new LambdaServiceError('ResourceNotFoundException', `Function not found: ${arnOrName}`, 404);
    return state;
  }

  private log(source: string, message: string): void {
    this.options.logSink?.write({ time: new Date(), source, message });
  }

  private async execute(state: FunctionState, requestId: string, eventJson: string): Promise<ExecutionOutcome> {
    const env = await this.acquire(state);
    const fn = state.fn;
    const lifecycle = this.options.lifecycleLogs !== false;
    if (lifecycle) this.log(fn.name, `START RequestId: ${requestId} Version: $LATEST`);
    this.running.add(env);
    let outcome: ExecutionOutcome;
    try {
      outcome = await env.run(requestId, eventJson);
    } finally {
      this.running.delete(env);
    }
    if (lifecycle) {
      this.log(fn.name, `END RequestId: ${requestId}`);
      const status = !outcome.ok && outcome.timedOut ? '\tStatus: timeout' : '';
      this.log(
        fn.name,
        `REPORT RequestId: ${requestId}\tDuration: ${outcome.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(outcome.durationMs))} ms\tMemory Size: ${fn.memoryMb} MB${status}`,
      );
    }
    env.cold = false;
    this.release(state, env);
    return outcome;
  }

  /** Resolves true once finished (delivered, or handed to its destinations), false when the service stopped first. */
  private async runAsync(
    state: FunctionState,
    requestId: string,
    payload: unknown,
    resume?: AsyncRetryState,
  ): Promise<boolean> {
    const fn = state.fn;
    const maxRetries = fn.asyncConfig?.maximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS;
    const maxAgeMs = (fn.asyncConfig?.maximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS) * 1000;
    const eventJson = JSON.stringify(payload);
    let ageMs = resume?.ageMs ?? 0;
    let attempts = resume?.attempts ?? 0;
    // Resumed after a restart: the next attempt keeps its due time.
    if (resume) await delay(Math.max(0, resume.dueAtMs - Date.now()), { signal: this.stopping.signal });
    if (this.stopping.signal.aborted) return false;
    let condition: DestinationCondition;
    let lastError: ErrorPayload;
    for (;;) {
      const started = Date.now();
      const outcome = await this.execute(state, requestId, eventJson);
      ageMs += Date.now() - started;
      attempts += 1;
      if (this.stopping.signal.aborted) return false;
      if (outcome.ok) {
        if (fn.asyncConfig?.onSuccessArn) {
          const record = buildInvocationRecord({
            time: new Date(),
            requestId,
            functionArn: fn.arn,
            condition: 'Success',
            invokeCount: attempts,
            requestPayload: payload,
            responsePayload: JSON.parse(outcome.payload) as unknown,
          });
          await this.sendToDestination(fn, fn.asyncConfig.onSuccessArn, record);
        }
        return true;
      }
      lastError = outcome.error;
      if (attempts > maxRetries) {
        condition = 'RetriesExhausted';
        break;
      }
      const wait = ASYNC_RETRY_DELAYS_MS[attempts - 1] ?? ASYNC_RETRY_DELAYS_MS[ASYNC_RETRY_DELAYS_MS.length - 1];
      if (ageMs + wait > maxAgeMs) {
        condition = 'EventAgeExceeded';
        break;
      }
      this.log(
        fn.name,
        `async invocation ${requestId} failed (${outcome.error.errorType}); retry ${attempts} of ${maxRetries} in ${wait / 1000} s (AWS time)`,
      );
      const retry: AsyncRetryRecord = {
        op: 'retry',
        id: requestId,
        attempts,
        ageMs: ageMs + wait,
        dueAtMs: Date.now() + compressed(wait),
      };
      const entry = this.unfinished.get(requestId);
      if (entry) entry.retry = retry;
      // Not awaited: a lost retry record only means one more attempt after a restart.
      this.journal.append(retry).catch(() => undefined);
      await this.sleep(wait, this.stopping.signal);
      ageMs += wait;
      if (this.stopping.signal.aborted) return false;
    }
    await this.deliverFailure(fn, requestId, payload, attempts, condition, lastError);
    return true;
  }

  private async deliverFailure(
    fn: LocalFunction,
    requestId: string,
    payload: unknown,
    attempts: number,
    condition: DestinationCondition,
    error: ErrorPayload,
  ): Promise<void> {
    const onFailure = fn.asyncConfig?.onFailureArn;
    if (!onFailure && !fn.deadLetterTargetArn) {
      this.log(
        fn.name,
        `async invocation ${requestId} discarded after ${attempts} attempt(s) (${condition}): no destination or dead-letter queue`,
      );
      return;
    }
    if (onFailure) {
      const record = buildInvocationRecord({
        time: new Date(),
        requestId,
        functionArn: fn.arn,
        condition,
        invokeCount: attempts,
        requestPayload: payload,
        functionError: 'Unhandled',
        responsePayload: error,
      });
      await this.sendToDestination(fn, onFailure, record);
    }
    // Both may be configured; each gets its copy (the DLQ predates destinations and is not replaced by them).
    if (fn.deadLetterTargetArn) {
      await this.sendToDestination(
        fn,
        fn.deadLetterTargetArn,
        payload,
        deadLetterAttributes(requestId, error.errorMessage),
      );
    }
  }

  private async sendToDestination(
    fn: LocalFunction,
    arn: string,
    message: unknown,
    attributes?: Record<string, StringOrNumberAttribute>,
  ): Promise<void> {
    // Lambda sends with the function's execution role; a role that may not is a lost record
    // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
    const denied = this.options.iam?.functionDestination(fn.name, arn);
    if (denied) {
      this.log(fn.name, `delivery to ${arn} failed, the record is lost: ${denied.message}`);
      return;
    }
    const sqs = this.options.sqs;
    if (sqs && arn.startsWith('arn:') && arn.split(':')[2] === 'sqs') {
      try {
        // The body is the record (or, for a DLQ, the event) as JSON text.
        sqs.sendMessage(arn, JSON.stringify(message), attributes);
        await sqs.synced?.();
      } catch (error) {
        this.log(fn.name, `delivery to ${arn} failed: ${(error as Error).message}`);
      }
      return;
    }
    const sender = this.options.destinations;
    if (!sender) {
      this.log(fn.name, `no destination sender configured; dropped the record for ${arn}`);
      return;
    }
    try {
      await sender.send(arn, message, attributes);
    } catch (error) {
      this.log(fn.name, `delivery to ${arn} failed: ${(error as Error).message}`);
    }
  }

  // --- execution environment pool ---------------------------------------------------------------------------

  private acquire(state: FunctionState): Promise<ExecutionEnvironment> {
    // Behind others already waiting for this function: first come, first served.
    const env = state.waiting.length === 0 ? this.tryAcquire(state) : undefined;
    if (env) return Promise.resolve(env);
    return new Promise((resolve, reject) => {
      state.waiting.push({ resolve, reject });
      this.starved.add(state);
    });
  }

  private tryAcquire(state: FunctionState): ExecutionEnvironment | undefined {
    if (state.busy >= this.perFunction || this.busyTotal >= this.total) return undefined;
    let env = state.idle.pop();
    // A worker that died while idle (e.g. it crashed between invocations) is dropped, never handed out.
    while (env && !env.alive) {
      clearTimeout(state.idleTimers.get(env));
      state.idleTimers.delete(env);
      this.live -= 1;
      env = state.idle.pop();
    }
    if (env) {
      clearTimeout(state.idleTimers.get(env));
      state.idleTimers.delete(env);
    } else {
      if (this.live >= this.total && !this.evictOneIdle()) return undefined;
      env = new ExecutionEnvironment(state.fn, { region: this.region, endpointUrl: this.options.endpointUrl }, (line) =>
        this.log(state.fn.name, line),
      );
      this.live += 1;
    }
    state.busy += 1;
    this.busyTotal += 1;
    return env;
  }

  private release(state: FunctionState, env: ExecutionEnvironment): void {
    state.busy -= 1;
    this.busyTotal -= 1;
    const current = this.functions.get(state.fn.name) === state;
    if (env.alive && current && !this.stopping.signal.aborted) {
      state.idle.push(env);
      const timer = setTimeout(() => void this.dispose(state, env), this.idleTimeoutMs);
      timer.unref();
      state.idleTimers.set(env, timer);
    } else {
      this.live -= 1;
      void env.terminate();
    }
    this.pump();
  }

  private dispose(state: FunctionState, env: ExecutionEnvironment): Promise<void> {
    const index = state.idle.indexOf(env);
    if (index >= 0) {
      state.idle.splice(index, 1);
      this.live -= 1;
    }
    clearTimeout(state.idleTimers.get(env));
    state.idleTimers.delete(env);
    const done = env.terminate();
    this.pump();
    return done;
  }

  /** Makes room for a new worker by stopping the least useful idle one (another function's warm worker). */
  private evictOneIdle(): boolean {
    for (const state of this.functions.values()) {
      const env = state.idle.shift();
      if (env) {
        clearTimeout(state.idleTimers.get(env));
        state.idleTimers.delete(env);
        this.live -= 1;
        void env.terminate();
        return true;
      }
    }
    return false;
  }

  /**
   * Hands free environments to waiting invocations: per function with waiters, first come first served, until
   * its bound or the global cap stops it. O(functions waiting + invocations served), never O(invocations waiting).
   */
  private pump(): void {
    for (const state of this.starved) {
      while (state.waiting.length > 0) {
        const env = this.tryAcquire(state);
        if (!env) break;
        state.waiting.shift()?.resolve(env);
      }
      if (state.waiting.length === 0) this.starved.delete(state);
      else if (this.busyTotal >= this.total) return; // nobody else can start either
    }
  }
}

function toInvokeResult(requestId: string, outcome: ExecutionOutcome): InvokeResult {
  if (outcome.ok) return { requestId, payload: JSON.parse(outcome.payload) as unknown };
  const { errorType, errorMessage, trace } = outcome.error;
  return {
    requestId,
    functionError: 'Unhandled',
    errorType,
    errorMessage,
    payload: { errorType, errorMessage, trace },
  };
}
