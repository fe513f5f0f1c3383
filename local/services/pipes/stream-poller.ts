/**
 * One pipe's view of one DynamoDB stream: lists the shards (DescribeStream, paginated), starts a ShardReader per
 * shard once its parent is finished (parents are read before children), re-describes every few seconds and
 * whenever a reader asks, and applies the pipe's starting position the first time it meets the stream
 * (docs/aws-behaviour.md#dynamodb-streams-from-dynamodb-local; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html#Streams.Processing).
 *
 * Starting position LATEST is applied by reading each open shard to its current end and checkpointing there,
 * rather than with a LATEST iterator: a LATEST iterator has no position that can be persisted, so a restart before
 * the first record would lose everything written meanwhile, and DynamoDB Local answers LATEST iterators of new
 * tables with spurious TrimmedDataAccessExceptions (docs/aws-behaviour.md#reading-a-stream-robustly, item 6). Shards that appear later are read from TRIM_HORIZON.
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { CheckpointStore } from './checkpoint-store';
import { ShardReader, ShardReaderHost, errorName } from './shard-reader';
import { errorMessage } from '../kernel/errors';

export interface StreamPollerOptions extends Omit<ShardReaderHost, 'describeShard'> {
  /** maps the pipe's declared source ARN to the stream ARN the endpoint serves (e.g. DynamoDB Local's) */
  resolveStreamArn: (sourceArn: string) => Promise<string>;
  describeIntervalMs: number;
}

export class StreamPoller {
  private streamArn: string | undefined;
  private readonly readers = new Map<string, Promise<void>>();
  private describing: Promise<Map<string, Shard>> | undefined;
  private wake: (() => void) | undefined;
  private wakeRequested = false;
  private loop: Promise<void> | undefined;

  private readonly checkpoints: CheckpointStore;

  constructor(private readonly options: StreamPollerOptions) {
    this.checkpoints = options.checkpoints;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves once the poll loop and every reader have ended (after the signal aborted). */
  async done(): Promise<void> {
    await this.loop;
    await Promise.allSettled([...this.readers.values()]);
  }

  private async run(): Promise<void> {
    const { signal } = this.options;
    while (!signal.aborted) {
      try {
        this.streamArn ??= await this.options.resolveStreamArn(this.options.pipe.sourceArn);
        const shards = await this.describe();
        if (!this.checkpoints.isInitialised(this.streamArn)) await this.initialise(this.streamArn, shards);
        this.startReaders(this.streamArn, shards);
      } catch (err) {
        if (signal.aborted) break;
        this.options.log(`[pipes] ${this.options.pipe.name}: ${errorName(err)} ${errorMessage(err)}`);
        // The table may have been re-created with a new stream: resolve the ARN again next time.
        if (errorName(err) === 'ResourceNotFoundException') this.streamArn = undefined;
      }
      await this.sleepUntilWoken(this.options.describeIntervalMs);
    }
  }

  /** DescribeStream, following LastEvaluatedShardId; one call in flight at a time. */
  private describe(): Promise<Map<string, Shard>> {
    this.describing ??= (async () => {
      try {
        const streamArn = this.streamArn;
        if (streamArn === undefined) throw new Error('stream ARN not resolved yet');
        const shards = new Map<string, Shard>();
        let start: string | undefined;
        do {
          const response = await this.options.client.send(
            new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
            { abortSignal: this.options.signal },
          );
          const description = response.StreamDescription;
          if (
            description?.StreamStatus !== undefined &&
            description.StreamStatus !== 'ENABLED' &&
            description.StreamStatus !== 'ENABLING'
          ) {
            this.options.log(`[pipes] ${this.options.pipe.name}: stream ${streamArn} is ${description.StreamStatus}`);
          }
          for (const shard of description?.Shards ?? []) if (shard.ShardId) shards.set(shard.ShardId, shard);
          start = description?.LastEvaluatedShardId ?? undefined;
        } while (start !== undefined);
        return shards;
      } finally {
        this.describing = undefined;
      }
    })();
    return this.describing;
  }

  /** The pipe meets this stream for the first time: apply its starting position. */
  private async initialise(streamArn: string, shards: Map<string, Shard>): Promise<void> {
    if (this.options.pipe.startingPosition === 'LATEST') {
      for (const [shardId, shard] of shards) {
        if (shard.SequenceNumberRange?.EndingSequenceNumber !== undefined) {
          this.checkpoints.update(streamArn, shardId, { finished: true });
        } else {
          await this.skipToEnd(streamArn, shardId);
        }
      }
    } else {
      for (const shardId of shards.keys()) this.checkpoints.update(streamArn, shardId, { fromTrimHorizon: true });
    }
    this.checkpoints.markInitialised(streamArn);
  }

  /** Reads an open shard to its current end and checkpoints there (LATEST). */
  private async skipToEnd(streamArn: string, shardId: string): Promise<void> {
    const { client, signal } = this.options;
    const first = await client.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      { abortSignal: signal },
    );
    let iterator = first.ShardIterator ?? undefined;
    let last: string | undefined;
    while (iterator !== undefined && !signal.aborted) {
      const response = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }), {
        abortSignal: signal,
      });
      const records = response.Records ?? [];
      if (records.length === 0) break;
      last = records[records.length - 1].dynamodb?.SequenceNumber ?? last;
      iterator = response.NextShardIterator ?? undefined;
    }
    if (last !== undefined) this.checkpoints.advance(streamArn, shardId, last);
    else this.checkpoints.update(streamArn, shardId, { fromTrimHorizon: true });
  }

  private startReaders(streamArn: string, shards: Map<string, Shard>): void {
    for (const [shardId, shard] of shards) {
      if (this.readers.has(shardId)) continue;
      if (this.checkpoints.get(streamArn, shardId)?.finished) continue;
      const parent = shard.ParentShardId;
      // A parent still listed and not finished is read first; a parent no longer listed has been trimmed.
      if (parent !== undefined && shards.has(parent) && !this.checkpoints.get(streamArn, parent)?.finished) continue;
      const reader = new ShardReader(
        { ...this.options, describeShard: (id) => this.describeShard(id) },
        streamArn,
        shardId,
      );
      const running = reader
        .run()
        .catch((err: unknown) =>
          this.options.log(`[pipes] ${this.options.pipe.name} ${shardId}: reader failed: ${errorMessage(err)}`),
        )
        .finally(() => {
          this.readers.delete(shardId);
          this.requestWake(); // a finished shard may release its children
        });
      this.readers.set(shardId, running);
    }
  }

  private async describeShard(shardId: string): Promise<Shard | undefined> {
    const shards = await this.describe();
    this.requestWake();
    return shards.get(shardId);
  }

  private requestWake(): void {
    if (this.wake) this.wake();
    else this.wakeRequested = true;
  }

  /** Waits `ms`, or less when a reader wakes the loop or the pipe stops; leaves no timer behind. */
  private sleepUntilWoken(ms: number): Promise<void> {
    const { signal } = this.options;
    if (signal.aborted || this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
