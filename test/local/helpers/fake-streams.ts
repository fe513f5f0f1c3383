import {
  _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';

interface FakeShard {
  id: string;
  parent?: string;
  records: _Record[];
  closed: boolean;
}

function streamsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * An in-memory DynamoDB Streams API for conditions DynamoDB Local cannot be made to produce on demand: several
 * shards with lineage, closing shards, and its quirks (expired iterators, `Invalid ShardId in ShardIterator`,
 * missing NextShardIterator on an open shard). Sequence numbers are global and increasing.
 */
export class FakeStreams {
  readonly shards: FakeShard[] = [];
  readonly calls: { op: string; shardId?: string; type?: string; sequence?: string }[] = [];
  /** errors to throw from the next GetRecords calls, in order */
  readonly getRecordsErrors: Error[] = [];
  /** answer the next GetRecords of an open shard without NextShardIterator */
  dropNextIterator = 0;
  private sequence = 0;
  private iterators = new Map<string, { shardId: string; index: number }>();
  private iteratorCount = 0;

  addShard(id: string, parent?: string): void {
    this.shards.push({ id, parent, records: [], closed: false });
  }

  closeShard(id: string): void {
    this.shard(id).closed = true;
  }

  write(shardId: string, key: string, eventName = 'INSERT'): string {
    this.sequence += 1;
    const sequenceNumber = String(this.sequence).padStart(21, '0');
    this.shard(shardId).records.push({
      eventID: `event-${this.sequence}`,
      eventName: eventName as _Record['eventName'],
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date(),
        Keys: { pk: { S: key } },
        NewImage: { pk: { S: key } },
        SequenceNumber: sequenceNumber,
        SizeBytes: 10,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    return sequenceNumber;
  }

  asClient(): DynamoDBStreamsClient {
    return { send: (command: unknown) => this.send(command) } as unknown as DynamoDBStreamsClient;
  }

  private async send(command: unknown): Promise<unknown> {
    await Promise.resolve();
    if (command instanceof DescribeStreamCommand) {
      this.calls.push({ op: 'DescribeStream' });
      return {
        StreamDescription: {
          StreamStatus: 'ENABLED',
          Shards: this.shards.map((s) => ({
            ShardId: s.id,
            ParentShardId: s.parent,
            SequenceNumberRange: {
              StartingSequenceNumber: s.records[0]?.dynamodb?.SequenceNumber ?? '0',
              EndingSequenceNumber: s.closed
                ? (s.records[s.records.length - 1]?.dynamodb?.SequenceNumber ?? '0')
                : undefined,
            },
          })),
        },
      };
    }
    if (command instanceof GetShardIteratorCommand) {
      const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
      this.calls.push({ op: 'GetShardIterator', shardId: ShardId, type: ShardIteratorType, sequence: SequenceNumber });
      const shard = this.shard(ShardId ?? '');
      let index = 0;
      if (ShardIteratorType === 'LATEST') index = shard.records.length;
      if (ShardIteratorType === 'AFTER_SEQUENCE_NUMBER') {
        index = shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === SequenceNumber) + 1;
      }
      return { ShardIterator: this.iterator(shard.id, index) };
    }
    if (command instanceof GetRecordsCommand) {
      const state = this.iterators.get(command.input.ShardIterator ?? '');
      this.calls.push({ op: 'GetRecords', shardId: state?.shardId });
      const error = this.getRecordsErrors.shift();
      if (error) throw error;
      if (state === undefined) throw streamsError('ResourceNotFoundException', 'Invalid ShardId in ShardIterator');
      this.iterators.delete(command.input.ShardIterator ?? '');
      const shard = this.shard(state.shardId);
      const records = shard.records.slice(state.index, state.index + (command.input.Limit ?? 1000));
      const index = state.index + records.length;
      if (shard.closed && index >= shard.records.length) return { Records: records };
      if (!shard.closed && this.dropNextIterator > 0) {
        this.dropNextIterator -= 1;
        return { Records: records };
      }
      return { Records: records, NextShardIterator: this.iterator(shard.id, index) };
    }
    throw new Error(`unexpected command ${String(command)}`);
  }

  private iterator(shardId: string, index: number): string {
    this.iteratorCount += 1;
    const token = `iterator-${this.iteratorCount}`;
    this.iterators.set(token, { shardId, index });
    return token;
  }

  private shard(id: string): FakeShard {
    const shard = this.shards.find((s) => s.id === id);
    if (shard === undefined) throw streamsError('ResourceNotFoundException', `shard ${id} not found`);
    return shard;
  }

  static expired(): Error {
    return streamsError('ExpiredIteratorException', 'Iterator expired');
  }

  static trimmed(): Error {
    return streamsError('TrimmedDataAccessException', 'Trimmed');
  }
}
