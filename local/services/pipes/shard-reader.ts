/**
 * Reads one shard of a DynamoDB stream for one pipe (docs/aws-behaviour.md#reading-a-stream-robustly):
 * - the iterator starts AFTER_SEQUENCE_NUMBER at the checkpoint, else at TRIM_HORIZON (the pipe's LATEST starting
 *   position is applied once, by the stream poller, when it first meets the stream);
 * - GetRecords about 4 times a second, backing off while the shard is empty; an empty answer is not the end;
 * - records are filtered (non-matching ones are dropped but still advance the checkpoint), batched (BatchSize,
 *   MaximumBatchingWindowInSeconds compressed by the clock) and handed to the batch delivery in order;
 * - a null NextShardIterator ends the shard only if DescribeStream shows it closed (EndingSequenceNumber); on an
 *   open shard it is one of DynamoDB Local's quirks;
 * - ExpiredIterator, TrimmedDataAccess, `Invalid ShardId in ShardIterator` (ResourceNotFound), LimitExceeded and
 *   transport errors: re-describe and re-initialise from the checkpoint, dropping anything read but not delivered.
 *   Records at or before the checkpoint are never handed on again, whatever iterator the reader had to fall back to.
 */
import {
  _Record,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { CompiledEventPattern } from '../../engine';
import { delay } from '../kernel/delay';
import type { Clock } from '../kernel/clock';
import { BatchDelivery, BatchItem } from './batch-delivery';
import { CheckpointStore } from './checkpoint-store';
import { compareSequenceNumbers, toPipeRecord } from './records';
import { ResolvedPipe } from './types';
import { errorMessage } from '../kernel/errors';

export interface ShardReaderHost {
  client: DynamoDBStreamsClient;
  pipe: ResolvedPipe;
  region: string;
  filter: CompiledEventPattern;
  delivery: BatchDelivery;
  checkpoints: CheckpointStore;
  clock: Clock;
  log: (message: string) => void;
  signal: AbortSignal;
  pollIntervalMs: number;
  maxEmptyPollIntervalMs: number;
  /** fresh DescribeStream answer for this shard (undefined if the stream no longer lists it) */
  describeShard(shardId: string): Promise<Shard | undefined>;
}

interface Pending extends BatchItem {
  matched: boolean;
}

/** After this many failed re-initialisations in a row from a checkpoint, fall back to TRIM_HORIZON [I]. */
const FALLBACK_AFTER_FAILURES = 3;

export class ShardReader {
  private pending: Pending[] = [];
  private windowStartedAt: number | undefined;
  private consecutiveFailures = 0;

  constructor(
    private readonly host: ShardReaderHost,
    readonly streamArn: string,
    readonly shardId: string,
  ) {}

  /** Reads until the shard is finished or the pipe stops. */
  async run(): Promise<void> {
    const { signal } = this.host;
    let iterator = await this.initIterator();
    let emptyPolls = 0;
    while (!signal.aborted) {
      if (iterator === undefined) {
        if (!(await this.pause(1000))) return;
        iterator = await this.initIterator();
        continue;
      }
      let records: _Record[];
      let next: string | undefined;
      try {
        const response = await this.host.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }), {
          abortSignal: signal,
        });
        records = response.Records ?? [];
        next = response.NextShardIterator ?? undefined;
        this.consecutiveFailures = 0;
      } catch (err) {
        if (signal.aborted) return;
        this.consecutiveFailures += 1;
        this.host.log(
          `[pipes] ${this.host.pipe.name} ${this.shardId}: ${errorName(err)} ${errorMessage(err)}; re-initialising from the checkpoint`,
        );
        await this.host.describeShard(this.shardId).catch(() => undefined);
        if (!(await this.pause(Math.min(5000, this.host.pollIntervalMs * 2 ** Math.min(this.consecutiveFailures, 5)))))
          return;
        iterator = await this.initIterator();
        continue;
      }

      const now = Date.now();
      const checkpoint = this.host.checkpoints.get(this.streamArn, this.shardId)?.sequenceNumber;
      const lastPending =
        this.pending.length > 0 ? this.pending[this.pending.length - 1].record.dynamodb.SequenceNumber : undefined;
      for (const raw of records) {
        const record = toPipeRecord(raw, { sourceArn: this.host.pipe.sourceArn, region: this.host.region });
        const sequence = record.dynamodb.SequenceNumber;
        if (checkpoint !== undefined && compareSequenceNumbers(sequence, checkpoint) <= 0) continue;
        if (lastPending !== undefined && compareSequenceNumbers(sequence, lastPending) <= 0) continue;
        const matched = this.host.filter.matches(record);
        this.pending.push({ record, seenAtLocalMs: now, matched });
        if (matched && this.windowStartedAt === undefined) this.windowStartedAt = now;
      }

      const closing = next === undefined;
      if (!(await this.flush(closing))) return;

      if (closing) {
        const shard = await this.host.describeShard(this.shardId).catch(() => undefined);
        if (shard?.SequenceNumberRange?.EndingSequenceNumber !== undefined) {
          // Closed and read to the end: children may start now.
          this.host.checkpoints.update(this.streamArn, this.shardId, { finished: true });
          return;
        }
        // Open shard without a next iterator: DynamoDB Local quirk (docs/aws-behaviour.md#reading-a-stream-robustly, item 6); start over from the checkpoint.
        if (!(await this.pause(this.host.maxEmptyPollIntervalMs))) return;
        iterator = await this.initIterator();
        continue;
      }
      iterator = next;
      emptyPolls = records.length === 0 ? emptyPolls + 1 : 0;
      const interval = Math.min(
        this.host.maxEmptyPollIntervalMs,
        this.host.pollIntervalMs * 2 ** Math.min(emptyPolls, 6),
      );
      const untilWindow = this.windowRemainingMs();
      if (!(await this.pause(untilWindow === undefined ? interval : Math.min(interval, Math.max(untilWindow, 10)))))
        return;
    }
  }

  /** Hands on whatever is due: full batches, an expired window, everything when the shard ends. */
  private async flush(force: boolean): Promise<boolean> {
    const { pipe, delivery } = this.host;
    while (this.pending.length > 0) {
      const matchedCount = this.pending.filter((p) => p.matched).length;
      if (matchedCount === 0) {
        // Only filtered-out records: the iterator moves past them (eb-pipes-event-filtering.html).
        this.commit(this.pending[this.pending.length - 1].record.dynamodb.SequenceNumber);
        this.pending = [];
        this.windowStartedAt = undefined;
        return true;
      }
      const windowRemaining = this.windowRemainingMs();
      const due = force || matchedCount >= pipe.batchSize || windowRemaining === undefined || windowRemaining <= 0;
      if (!due) return true;
      // Take records up to the batchSize-th matching one; unmatched records in between ride along and are committed.
      let taken = 0;
      let end = 0;
      while (end < this.pending.length && taken < pipe.batchSize) {
        if (this.pending[end].matched) taken += 1;
        end += 1;
      }
      const chunk = this.pending.slice(0, end);
      const batch = chunk.filter((p) => p.matched).map(({ record, seenAtLocalMs }) => ({ record, seenAtLocalMs }));
      const handled = await delivery.processBatch(this.shardId, batch, (sequence) => this.commit(sequence));
      if (!handled) return false;
      this.commit(chunk[chunk.length - 1].record.dynamodb.SequenceNumber);
      this.pending = this.pending.slice(end);
      this.windowStartedAt = this.pending.some((p) => p.matched) ? Date.now() : undefined;
    }
    return true;
  }

  /** Remaining local ms of the batching window; undefined when no window applies (size 0 or nothing pending). */
  private windowRemainingMs(): number | undefined {
    const windowSeconds = this.host.pipe.maximumBatchingWindowInSeconds;
    if (windowSeconds <= 0 || this.windowStartedAt === undefined) return undefined;
    return this.windowStartedAt + this.host.clock.compressed(windowSeconds * 1000) - Date.now();
  }

  private commit(sequence: string): void {
    const current = this.host.checkpoints.get(this.streamArn, this.shardId)?.sequenceNumber;
    if (current !== undefined && compareSequenceNumbers(sequence, current) <= 0) return;
    this.host.checkpoints.advance(this.streamArn, this.shardId, sequence);
  }

  /** A fresh iterator from the checkpoint; undefined if the call failed (the caller waits and tries again). */
  private async initIterator(): Promise<string | undefined> {
    this.pending = [];
    this.windowStartedAt = undefined;
    const checkpoint = this.host.checkpoints.get(this.streamArn, this.shardId);
    const useCheckpoint =
      checkpoint?.sequenceNumber !== undefined && this.consecutiveFailures < FALLBACK_AFTER_FAILURES;
    if (checkpoint?.sequenceNumber !== undefined && !useCheckpoint) {
      this.host.log(
        `[pipes] ${this.host.pipe.name} ${this.shardId}: cannot resume after ${checkpoint.sequenceNumber}; reading from TRIM_HORIZON (records up to the checkpoint are skipped)`,
      );
    }
    try {
      const response = await this.host.client.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: this.shardId,
          ShardIteratorType: useCheckpoint ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          SequenceNumber: useCheckpoint ? checkpoint?.sequenceNumber : undefined,
        }),
        { abortSignal: this.host.signal },
      );
      return response.ShardIterator ?? undefined;
    } catch (err) {
      if (!this.host.signal.aborted) {
        this.consecutiveFailures += 1;
        this.host.log(
          `[pipes] ${this.host.pipe.name} ${this.shardId}: GetShardIterator failed: ${errorName(err)} ${errorMessage(err)}`,
        );
      }
      return undefined;
    }
  }

  private pause(ms: number): Promise<boolean> {
    return delay(ms, { signal: this.host.signal });
  }
}

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'Error';
}
