import { EventBusPipeTarget } from '../../../../local/services/pipes/targets/event-bus-pipe-target';
import { partialFailure } from '../../../../local/services/pipes/targets/lambda-pipe-target';
import { SqsPipeTarget } from '../../../../local/services/pipes/targets/sqs-pipe-target';
import { EventBusPutter, ResolvedPipe, StreamRecord } from '../../../../local/services/pipes/types';
import { FakeSqs } from '../../helpers/fakes';

const BUS = 'arn:aws:events:us-east-1:123456789012:event-bus/shop';

function pipe(overrides: Partial<ResolvedPipe> = {}): ResolvedPipe {
  return {
    name: 'p',
    arn: 'arn:aws:pipes:us-east-1:123456789012:pipe/p',
    sourceArn: 'arn:s',
    targetArn: BUS,
    startingPosition: 'LATEST',
    batchSize: 100,
    maximumBatchingWindowInSeconds: 0,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    bisectOnFailure: false,
    lambdaInvocationType: 'REQUEST_RESPONSE',
    ...overrides,
  };
}

function records(count: number): StreamRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    eventID: `e${i}`,
    eventName: i % 2 === 0 ? 'INSERT' : 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:s',
    dynamodb: { SequenceNumber: String(i + 1), Keys: { pk: { S: `k${i}` } } },
  }));
}

class RecordingBus implements EventBusPutter {
  readonly calls: Parameters<EventBusPutter['putEvents']>[0]['Entries'][] = [];
  constructor(private readonly failCode?: (entry: { Detail?: string }) => string | undefined) {}
  async putEvents(request: Parameters<EventBusPutter['putEvents']>[0]) {
    this.calls.push(request.Entries);
    const entries = request.Entries.map((e) => {
      const code = this.failCode?.(e);
      return code ? { ErrorCode: code, ErrorMessage: 'no' } : { EventId: 'id' };
    });
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  }
}

describe('pipe targets', () => {
  it('puts at most 10 entries per PutEvents call, one per record, with the default source and detail-type', async () => {
    // Prepare
    const bus = new RecordingBus();
    const target = new EventBusPipeTarget(pipe(), bus);
    // Act
    const result = await target.sendBatch(records(23), new Date());
    // Assess
    expect(result).toEqual({ ok: true });
    expect(bus.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(bus.calls[0][0]).toMatchObject({
      Source: 'Pipe p',
      DetailType: 'Event from aws:dynamodb',
      EventBusName: BUS,
    });
    expect(JSON.parse(bus.calls[0][0].Detail ?? '')).toMatchObject({ eventID: 'e0' });
  });

  it('resolves whole-value JSONPaths of the bus parameters against each record', async () => {
    // Prepare
    const bus = new RecordingBus();
    const target = new EventBusPipeTarget(
      pipe({
        eventBusParameters: { source: 'com.example', detailType: '$.eventName', resources: ['$.dynamodb.Keys.pk.S'] },
      }),
      bus,
    );
    // Act
    await target.sendBatch(records(2), new Date());
    // Assess
    expect(bus.calls[0].map((e) => [e.Source, e.DetailType, e.Resources])).toEqual([
      ['com.example', 'INSERT', ['k0']],
      ['com.example', 'MODIFY', ['k1']],
    ]);
  });

  it('reports the first failed entry as a partial failure, retryable only for transient codes', async () => {
    // Prepare
    const bus = new RecordingBus((e) =>
      JSON.parse(e.Detail ?? '{}').eventID === 'e12' ? 'MalformedDetail' : undefined,
    );
    const target = new EventBusPipeTarget(pipe(), bus);
    // Act
    const result = await target.sendBatch(records(15), new Date());
    // Assess
    expect(result).toEqual({
      ok: false,
      errorCode: 'MalformedDetail',
      errorMessage: 'no',
      retryable: false,
      failedFromIndex: 12,
    });
  });

  it('renders the input template per record', async () => {
    // Prepare
    const bus = new RecordingBus();
    const target = new EventBusPipeTarget(
      pipe({ inputTemplate: '{"key":<$.dynamodb.Keys.pk.S>,"pipe":<aws.pipes.pipe-name>}' }),
      bus,
    );
    // Act
    await target.sendBatch(records(2), new Date());
    // Assess
    expect(bus.calls[0].map((e) => e.Detail)).toEqual(['{"key":"k0","pipe":"p"}', '{"key":"k1","pipe":"p"}']);
  });

  it('sends one SQS message per record and reports where sending stopped', async () => {
    // Prepare
    let sent = 0;
    const sqs = new FakeSqs(() => (sent++ === 2 ? new Error('queue gone') : undefined));
    const target = new SqsPipeTarget(pipe({ targetArn: 'arn:aws:sqs:us-east-1:123456789012:q' }), sqs);
    // Act
    const result = await target.sendBatch(records(4), new Date());
    // Assess
    expect(sqs.messages).toHaveLength(2);
    expect(result).toMatchObject({ ok: false, retryable: true, failedFromIndex: 2 });
  });

  it("reads Lambda's partial batch responses as AWS does", () => {
    // Prepare
    const batch = records(3);
    // Act, Assess
    expect(partialFailure(null, batch)).toEqual({ ok: true });
    expect(partialFailure({ batchItemFailures: [] }, batch)).toEqual({ ok: true });
    expect(
      partialFailure({ batchItemFailures: [{ itemIdentifier: 'e2' }, { itemIdentifier: '2' }] }, batch),
    ).toMatchObject({ ok: false, failedFromIndex: 1 });
    // complete failures: the whole batch is retried
    expect(partialFailure({ batchItemFailures: [{ itemIdentifier: '' }] }, batch)).not.toHaveProperty(
      'failedFromIndex',
    );
    expect(partialFailure({ batchItemFailures: [{ itemIdentifier: 'unknown' }] }, batch)).toMatchObject({ ok: false });
    expect(partialFailure({ batchItemFailures: [{ itemIdentifier: 'unknown' }] }, batch)).not.toHaveProperty(
      'failedFromIndex',
    );
  });
});
