import { BatchDelivery, BatchItem } from '../../../../local/services/pipes/batch-delivery';
import { PipeExecutionLog } from '../../../../local/services/pipes/execution-log';
import { PipeTarget, PipeTargetResult } from '../../../../local/services/pipes/targets/pipe-target';
import { ResolvedPipe, StreamRecord } from '../../../../local/services/pipes/types';
import { FakeSqs, recordingClock } from '../../helpers/fakes';

const DLQ = 'arn:aws:sqs:us-east-1:123456789012:dlq';

function pipe(overrides: Partial<ResolvedPipe> = {}): ResolvedPipe {
  return {
    name: 'p',
    arn: 'arn:aws:pipes:us-east-1:123456789012:pipe/p',
    sourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/x',
    targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    startingPosition: 'LATEST',
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    maximumRetryAttempts: 3,
    maximumRecordAgeInSeconds: -1,
    bisectOnFailure: false,
    deadLetterArn: DLQ,
    lambdaInvocationType: 'REQUEST_RESPONSE',
    ...overrides,
  };
}

function items(...keys: string[]): BatchItem[] {
  return keys.map((key, i) => ({
    record: {
      eventID: key,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'r',
      eventSourceARN: 'arn:s',
      dynamodb: { SequenceNumber: String(i + 1), Keys: { pk: { S: key } } },
    } as StreamRecord,
    seenAtLocalMs: Date.now(),
  }));
}

/** A target answering from a script; records the keys of every call. */
class ScriptedTarget extends PipeTarget {
  readonly calls: string[][] = [];
  constructor(
    resolved: ResolvedPipe,
    private readonly answer: (keys: string[], call: number) => PipeTargetResult,
  ) {
    super(resolved);
  }
  protected async send(_payloads: string[], records: StreamRecord[]): Promise<PipeTargetResult> {
    const keys = records.map((r) => (r.dynamodb.Keys as { pk: { S: string } }).pk.S);
    this.calls.push(keys);
    return this.answer(keys, this.calls.length);
  }
}

function delivery(resolved: ResolvedPipe, target: PipeTarget, sqs = new FakeSqs(), clock = recordingClock(1000)) {
  return new BatchDelivery({
    pipe: resolved,
    target,
    sqs,
    clock,
    random: () => 0,
    log: () => undefined,
    signal: new AbortController().signal,
  });
}

describe('BatchDelivery', () => {
  it('commits the last sequence number of a delivered batch', async () => {
    // Prepare
    const target = new ScriptedTarget(pipe(), () => ({ ok: true }));
    const commits: string[] = [];
    // Act
    const done = await delivery(pipe(), target).processBatch('shard-1', items('a', 'b'), (s) => commits.push(s));
    // Assess
    expect(done).toBe(true);
    expect(commits).toEqual(['2']);
  });

  it('commits the delivered prefix of a partial failure and retries from the lowest failed record', async () => {
    // Prepare
    const target = new ScriptedTarget(pipe(), (_keys, call) =>
      call === 1 ? { ok: false, errorCode: 'X', errorMessage: 'x', retryable: true, failedFromIndex: 1 } : { ok: true },
    );
    const commits: string[] = [];
    // Act
    await delivery(pipe(), target).processBatch('shard-1', items('a', 'b', 'c'), (s) => commits.push(s));
    // Assess
    expect(target.calls).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
    expect(commits).toEqual(['1', '3']);
  });

  it('dead-letters after MaximumRetryAttempts with the invoke count, and moves on', async () => {
    // Prepare
    const sqs = new FakeSqs();
    const clock = recordingClock(1000);
    const target = new ScriptedTarget(pipe(), () => ({
      ok: false,
      errorCode: 'X',
      errorMessage: 'x',
      retryable: true,
    }));
    const commits: string[] = [];
    // Act
    await delivery(pipe({ maximumRetryAttempts: 2 }), target, sqs, clock).processBatch('shard-1', items('a'), (s) =>
      commits.push(s),
    );
    // Assess
    expect(target.calls).toHaveLength(3);
    expect(clock.delays).toEqual([500, 1000]);
    expect(JSON.parse(sqs.to(DLQ)[0].body).requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(commits).toEqual(['1']);
  });

  it('dead-letters when the next wait would exceed MaximumRecordAgeInSeconds', async () => {
    // Prepare: back-off 0.5 s, 1 s, 2 s (AWS time) against a 2 s record age
    const sqs = new FakeSqs();
    const target = new ScriptedTarget(pipe(), () => ({
      ok: false,
      errorCode: 'X',
      errorMessage: 'x',
      retryable: true,
    }));
    // Act
    await delivery(pipe({ maximumRetryAttempts: -1, maximumRecordAgeInSeconds: 2 }), target, sqs).processBatch(
      'shard-1',
      items('a'),
      () => undefined,
    );
    // Assess
    expect(target.calls).toHaveLength(3);
    expect(JSON.parse(sqs.to(DLQ)[0].body).requestContext.condition).toBe('MaximumRecordAgeExceeded');
  });

  it('does not retry a failure that cannot succeed (a template that cannot render)', async () => {
    // Prepare
    const sqs = new FakeSqs();
    const target = new ScriptedTarget(pipe(), () => ({
      ok: false,
      errorCode: 'X',
      errorMessage: 'x',
      retryable: false,
    }));
    // Act
    await delivery(pipe(), target, sqs).processBatch('shard-1', items('a'), () => undefined);
    // Assess
    expect(target.calls).toHaveLength(1);
    expect(JSON.parse(sqs.to(DLQ)[0].body).requestContext.condition).toBe('NonRetryableError');
  });

  it('halves failing batches with AUTOMATIC_BISECT until the failing record stands alone', async () => {
    // Prepare
    const sqs = new FakeSqs();
    const target = new ScriptedTarget(pipe(), (keys) =>
      keys.includes('bad') ? { ok: false, errorCode: 'X', errorMessage: 'x', retryable: true } : { ok: true },
    );
    const commits: string[] = [];
    // Act
    await delivery(pipe({ bisectOnFailure: true, maximumRetryAttempts: 0 }), target, sqs).processBatch(
      'shard-1',
      items('a', 'b', 'bad', 'd'),
      (s) => commits.push(s),
    );
    // Assess
    expect(target.calls).toEqual([['a', 'b', 'bad', 'd'], ['a', 'b'], ['bad', 'd'], ['bad'], ['d']]);
    expect(JSON.parse(sqs.to(DLQ)[0].body).DDBStreamBatchInfo).toMatchObject({
      batchSize: 1,
      startSequenceNumber: '3',
    });
    expect(commits).toEqual(['2', '3', '4']);
  });

  it('drops the batch and still moves on when there is no DLQ', async () => {
    // Prepare
    const target = new ScriptedTarget(pipe(), () => ({
      ok: false,
      errorCode: 'X',
      errorMessage: 'x',
      retryable: false,
    }));
    const commits: string[] = [];
    const sut = delivery(pipe({ deadLetterArn: undefined }), target);
    // Act
    await sut.processBatch('shard-1', items('a'), (s) => commits.push(s));
    // Assess
    expect(commits).toEqual(['1']);
    expect(sut.metrics.dropped).toBe(1);
  });

  it('stops without committing when the pipe stops during a back-off', async () => {
    // Prepare
    const controller = new AbortController();
    const target = new ScriptedTarget(pipe(), () => ({
      ok: false,
      errorCode: 'X',
      errorMessage: 'x',
      retryable: true,
    }));
    const sut = new BatchDelivery({
      pipe: pipe(),
      target,
      sqs: new FakeSqs(),
      clock: { compressed: (ms) => ms },
      random: () => 0,
      log: () => undefined,
      signal: controller.signal,
    });
    const commits: string[] = [];
    // Act
    const running = sut.processBatch('shard-1', items('a'), (s) => commits.push(s));
    setTimeout(() => controller.abort(), 20);
    // Assess
    await expect(running).resolves.toBe(false);
    expect(commits).toEqual([]);
  });

  it("writes the pipe's execution log at its level into its log group", async () => {
    // Prepare
    const written: { source: string; message: string }[] = [];
    const executionLog = new PipeExecutionLog(
      pipe().arn,
      {
        level: 'ERROR',
        cloudwatchLogsLogDestination: {
          logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/pipes/p',
        },
      },
      {
        write: (r) => written.push(r),
      },
    );
    const target = new ScriptedTarget(pipe(), () => ({
      ok: false,
      errorCode: 'X',
      errorMessage: 'boom',
      retryable: false,
    }));
    const sut = new BatchDelivery({
      pipe: pipe(),
      target,
      sqs: new FakeSqs(),
      clock: recordingClock(),
      random: () => 0,
      log: () => undefined,
      signal: new AbortController().signal,
      executionLog,
    });
    // Act
    await sut.processBatch('shard-1', items('a'), () => undefined);
    // Assess: ERROR records only (ExecutionStarted is INFO)
    expect(written.map((w) => w.source)).toEqual(['/aws/vendedlogs/pipes/p', '/aws/vendedlogs/pipes/p']);
    expect(written.map((w) => JSON.parse(w.message).messageType)).toEqual([
      'TargetInvocationFailed',
      'ExecutionFailed',
    ]);
    expect(JSON.parse(written[0].message)).toMatchObject({
      resourceArn: pipe().arn,
      logLevel: 'ERROR',
      error: { message: 'boom' },
    });
  });
});
