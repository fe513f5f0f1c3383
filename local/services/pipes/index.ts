/**
 * EventBridge Pipes with DynamoDB stream sources, emulated generically: each pipe polls its table's stream through
 * the DynamoDB Streams API (an SDK client pointed at DynamoDB Local), filters, renders its input template and
 * delivers to an event bus, a Lambda function or an SQS queue, retrying and dead-lettering as configured, and
 * checkpoints per shard in a state file so a restart resumes where it stopped.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dynamodb.html ; docs/aws-behaviour.md#pipes-with-a-dynamodb-stream-source and docs/aws-behaviour.md#dynamodb-streams-from-dynamodb-local.
 *
 * Not emulated (addPipe throws PipeDefinitionError so the wiring can list them): sources other than DynamoDB
 * streams, enrichment, targets other than bus / Lambda / SQS. ParallelizationFactor is read as 1 (one batch per
 * shard at a time), which keeps AWS's per-shard ordering.
 */
import type { IamGate } from '../iam';
import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { compilePipeFilter, validatePipeTemplate } from '../../engine';
import { targetKindOf } from '../kernel/arns';
import { Clock, compressed } from '../kernel/clock';
import type { LambdaInvoker, LogRecordWriter, SqsMessageSender } from '../kernel/ports';
import { BatchDelivery, BatchMetrics } from './batch-delivery';
import { CheckpointStore } from './checkpoint-store';
import { PipeExecutionLog } from './execution-log';
import { StreamPoller } from './stream-poller';
import { EventBusPipeTarget } from './targets/event-bus-pipe-target';
import { LambdaPipeTarget } from './targets/lambda-pipe-target';
import { PipeTarget } from './targets/pipe-target';
import { SqsPipeTarget } from './targets/sqs-pipe-target';
import { EventBusPutter, PipeDefinition, ResolvedPipe } from './types';
import { errorMessage, LocalCloudError } from '../kernel/errors';

export * from './types';
export { readPipes } from './definition';
export type { BatchMetrics } from './batch-delivery';

export interface PipesServiceOptions {
  /** a DynamoDB Streams client; or `endpoint` to make one (DynamoDB Local serves streams on its table port) */
  streamsClient?: DynamoDBStreamsClient;
  endpoint?: string;
  /** default 123456789012 / us-east-1: used for pipe ARNs and the records' awsRegion */
  account?: string;
  region?: string;
  /**
   * Maps a pipe's declared source ARN (the graph's table stream ARN) to the stream ARN the endpoint serves,
   * e.g. DescribeTable.LatestStreamArn from DynamoDB Local. Default identity.
   */
  resolveStreamArn?: (sourceArn: string) => Promise<string> | string;
  eventBridge?: EventBusPutter;
  lambda?: LambdaInvoker;
  /** SQS targets and the DLQs */
  sqs?: SqsMessageSender;
  /** where a pipe's logConfiguration (CloudWatch Logs destination) writes its execution log (LogSink) */
  logs?: LogRecordWriter;
  /** checkpoint files (default `.local/state/pipes`) */
  stateDir?: string;
  /** AWS-delay compression (back-off, batching window); default local/services/kernel/clock.ts */
  clock?: Clock;
  log?: (message: string) => void;
  random?: () => number;
  /** real ms between GetRecords calls on a shard with records (default 250: about 4 per second) */
  pollIntervalMs?: number;
  /** upper bound of the back-off while a shard is empty (default 1000) */
  maxEmptyPollIntervalMs?: number;
  /** real ms between DescribeStream calls (default 5000) */
  describeIntervalMs?: number;
  /** IAM enforcement of the pipe role's calls (default: allowed) */
  iam?: Pick<IamGate, 'pipe'>;
}

export class PipeDefinitionError extends LocalCloudError {}

interface RunningPipe {
  pipe: ResolvedPipe;
  definition: PipeDefinition;
  filter: ReturnType<typeof compilePipeFilter>;
  target: PipeTarget;
  delivery?: BatchDelivery;
  poller?: StreamPoller;
}

export class PipesService {
  readonly account: string;
  readonly region: string;
  private readonly pipes = new Map<string, RunningPipe>();
  private readonly abort = new AbortController();
  private readonly client: DynamoDBStreamsClient;
  private readonly ownsClient: boolean;
  private readonly clock: Clock;
  private readonly log: (message: string) => void;
  private started = false;

  constructor(private readonly options: PipesServiceOptions) {
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.clock = options.clock ?? { compressed };
    this.log = options.log ?? ((message) => console.warn(message));
    // Every reader, back-off and wait listens to the one stop signal.
    setMaxListeners(0, this.abort.signal);
    if (options.streamsClient) {
      this.client = options.streamsClient;
      this.ownsClient = false;
    } else {
      if (options.endpoint === undefined)
        throw new PipeDefinitionError('PipesService needs a streamsClient or an endpoint');
      this.client = new DynamoDBStreamsClient({
        endpoint: options.endpoint,
        region: this.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      this.ownsClient = true;
    }
  }

  /** Adds what readPipes found; a pipe that cannot be emulated is told to `warn` and skipped. */
  addAll(definitions: PipeDefinition[], warn: (message: string) => void): void {
    for (const definition of definitions) {
      try {
        this.addPipe(definition);
      } catch (error) {
        warn(`pipe ${definition.name} not emulated: ${errorMessage(error)}`);
      }
    }
  }

  /**
   * Validates a pipe as CreatePipe would (filters, template) and registers it; starts polling at once when the
   * service is already started and the pipe's desiredState is RUNNING.
   */
  addPipe(definition: PipeDefinition): { name: string; arn: string } {
    const streamParameters = definition.sourceParameters?.dynamodbStreamParameters;
    if (
      !/^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\//.test(definition.source) ||
      streamParameters === undefined
    ) {
      throw new PipeDefinitionError(
        `Pipe ${definition.name}: source ${definition.source} is not a DynamoDB stream; not emulated.`,
      );
    }
    if (definition.enrichment) throw new PipeDefinitionError(`Pipe ${definition.name}: enrichment is not emulated.`);
    const kind = targetKindOf(definition.target);
    const startingPosition = streamParameters.startingPosition;
    if (startingPosition !== 'LATEST' && startingPosition !== 'TRIM_HORIZON') {
      throw new PipeDefinitionError(`Pipe ${definition.name}: startingPosition must be TRIM_HORIZON or LATEST.`);
    }
    const template = definition.targetParameters?.inputTemplate ?? undefined;
    if (template !== undefined) validatePipeTemplate(template);
    const filter = compilePipeFilter(definition.sourceParameters?.filterCriteria);
    const pipe: ResolvedPipe = {
      name: definition.name,
      arn: definition.arn ?? `arn:aws:pipes:${this.region}:${this.account}:pipe/${definition.name}`,
      sourceArn: definition.source,
      targetArn: definition.target,
      startingPosition,
      // Defaults: API_PipeSourceDynamoDBStreamParameters.
      batchSize: streamParameters.batchSize ?? 100,
      maximumBatchingWindowInSeconds: streamParameters.maximumBatchingWindowInSeconds ?? 0,
      maximumRetryAttempts: streamParameters.maximumRetryAttempts ?? -1,
      maximumRecordAgeInSeconds: streamParameters.maximumRecordAgeInSeconds ?? -1,
      bisectOnFailure: streamParameters.onPartialBatchItemFailure === 'AUTOMATIC_BISECT',
      deadLetterArn: streamParameters.deadLetterConfig?.arn || undefined,
      inputTemplate: template,
      eventBusParameters: withoutNulls(definition.targetParameters?.eventbridgeEventBusParameters),
      lambdaInvocationType:
        definition.targetParameters?.lambdaFunctionParameters?.invocationType === 'FIRE_AND_FORGET'
          ? 'FIRE_AND_FORGET'
          : 'REQUEST_RESPONSE',
    };
    const target = this.createTarget(kind, pipe);
    const running: RunningPipe = { pipe, definition, filter, target };
    this.pipes.set(pipe.name, running);
    if (this.started) this.startPipe(running);
    return { name: pipe.name, arn: pipe.arn };
  }

  /** Starts polling for every pipe whose desiredState is RUNNING. */
  start(): void {
    this.started = true;
    for (const running of this.pipes.values()) this.startPipe(running);
  }

  /** Stops polling; in-flight deliveries end without committing, so nothing is lost. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.pipes.values()].map((p) => p.poller?.done()));
    if (this.ownsClient) this.client.destroy();
  }

  /** Delivery counters per pipe. */
  metrics(): { pipe: string; metrics: BatchMetrics }[] {
    return [...this.pipes.values()].map((p) => ({
      pipe: p.pipe.name,
      metrics: { ...(p.delivery?.metrics ?? emptyMetrics()) },
    }));
  }

  private startPipe(running: RunningPipe): void {
    if (running.poller || (running.definition.desiredState ?? 'RUNNING') !== 'RUNNING') return;
    // A role the pipe may not assume, or that may not read the stream: the pipe reads nothing
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html).
    const refused = this.options.iam?.pipe(running.pipe.name, 'source');
    if (refused) {
      this.log(`[pipes] ${running.pipe.name}: cannot read its source, no record is read: ${refused.message}`);
      return;
    }
    const signal = this.abort.signal;
    const log = this.log;
    running.delivery = new BatchDelivery({
      pipe: running.pipe,
      target: running.target,
      sqs: this.options.sqs,
      iam: this.options.iam,
      clock: this.clock,
      random: this.options.random ?? Math.random,
      log,
      signal,
      executionLog: new PipeExecutionLog(running.pipe.arn, running.definition.logConfiguration, this.options.logs),
    });
    const resolve = this.options.resolveStreamArn ?? ((arn: string) => arn);
    running.poller = new StreamPoller({
      client: this.client,
      pipe: running.pipe,
      region: this.region,
      filter: running.filter,
      delivery: running.delivery,
      checkpoints: new CheckpointStore(
        this.options.stateDir ?? path.join('.local', 'state', 'pipes'),
        running.pipe.name,
      ),
      clock: this.clock,
      log,
      signal,
      pollIntervalMs: this.options.pollIntervalMs ?? 250,
      maxEmptyPollIntervalMs: this.options.maxEmptyPollIntervalMs ?? 1000,
      describeIntervalMs: this.options.describeIntervalMs ?? 5000,
      resolveStreamArn: async (arn) => resolve(arn),
    });
    running.poller.start();
  }

  private createTarget(kind: ReturnType<typeof targetKindOf>, pipe: ResolvedPipe): PipeTarget {
    const missing = (what: string): never => {
      throw new PipeDefinitionError(`Pipe ${pipe.name}: target ${pipe.targetArn} needs a local ${what} service.`);
    };
    switch (kind) {
      case 'event-bus':
        return new EventBusPipeTarget(pipe, this.options.eventBridge ?? missing('EventBridge'));
      case 'lambda':
        return new LambdaPipeTarget(pipe, this.options.lambda ?? missing('Lambda'));
      case 'sqs':
        return new SqsPipeTarget(pipe, this.options.sqs ?? missing('SQS'));
      default:
        throw new PipeDefinitionError(`Pipe ${pipe.name}: target ${pipe.targetArn} is not emulated.`);
    }
  }
}

/** Graph values carry null where Pulumi had no value; the emulation treats them as absent. */
function withoutNulls<T extends object>(value: T | null | undefined): T | undefined {
  if (value === null || value === undefined) return undefined;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

function emptyMetrics(): BatchMetrics {
  return { invocations: 0, delivered: 0, retries: 0, deadLettered: 0, dropped: 0 };
}
