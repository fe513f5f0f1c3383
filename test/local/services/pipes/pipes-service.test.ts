import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeService } from '../../../../local/services/eventbridge';
import { PipeDefinition, PipesService } from '../../../../local/services/pipes';
import { FakeSqs, recordingClock, waitFor } from '../../helpers/fakes';
import { createStreamTable, LocalDynamo, startLocalDynamo } from '../../helpers/dynamodb';

jest.setTimeout(60_000);

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/shop`;
const EVENTS_QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:pipe-events`;
const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:pipe-dlq`;
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:consumer`;

describe('PipesService with DynamoDB Local', () => {
  let dynamo: LocalDynamo;
  let stateDir: string;
  let sqs: FakeSqs;
  let services: { stop(): Promise<void> }[];

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipes-state-'));
    sqs = new FakeSqs();
    services = [];
  });

  afterEach(async () => {
    for (const service of services.reverse()) await service.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** The graph's stream ARN (as AWS would name it) and the one DynamoDB Local serves differ; the wiring maps them. */
  function graphStreamArn(tableName: string): string {
    return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${tableName}/stream/2025-01-15T12:00:00.000`;
  }

  function bus(): EventBridgeService {
    const eventBridge = new EventBridgeService({
      account: ACCOUNT,
      region: REGION,
      sqs,
      clock: recordingClock(),
      log: () => undefined,
    });
    eventBridge.addBus({ name: 'shop', arn: BUS_ARN });
    eventBridge.addRule({
      name: 'from-pipe',
      eventBusName: 'shop',
      eventPattern: JSON.stringify({ source: [{ prefix: '' }] }),
    });
    eventBridge.addTarget({ rule: 'from-pipe', eventBusName: 'shop', targetId: 'q', arn: EVENTS_QUEUE });
    services.push(eventBridge);
    return eventBridge;
  }

  function pipes(streamArn: string, extra: Partial<ConstructorParameters<typeof PipesService>[0]> = {}): PipesService {
    const service = new PipesService({
      streamsClient: dynamo.streams,
      account: ACCOUNT,
      region: REGION,
      resolveStreamArn: () => streamArn,
      sqs,
      stateDir,
      clock: recordingClock(1000),
      log: () => undefined,
      pollIntervalMs: 50,
      maxEmptyPollIntervalMs: 100,
      describeIntervalMs: 500,
      ...extra,
    });
    services.push(service);
    return service;
  }

  function pipeDefinition(
    tableName: string,
    overrides: Partial<PipeDefinition> = {},
    streamOverrides: Record<string, unknown> = {},
  ): PipeDefinition {
    return {
      name: 'table-pipe',
      source: graphStreamArn(tableName),
      target: BUS_ARN,
      sourceParameters: {
        dynamodbStreamParameters: {
          startingPosition: 'LATEST',
          batchSize: 10,
          maximumRetryAttempts: 2,
          deadLetterConfig: { arn: DLQ },
          ...streamOverrides,
        },
      },
      ...overrides,
    };
  }

  async function put(tableName: string, pk: string, status: string): Promise<void> {
    await dynamo.client.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, status: { S: status } } }),
    );
  }

  async function waitUntilPositioned(): Promise<void> {
    // LATEST: the pipe positions itself on the stream first; writes before that are not delivered (as on AWS).
    await waitFor(
      () =>
        fs.existsSync(path.join(stateDir, 'table-pipe.checkpoints.json')) &&
        fs.readFileSync(path.join(stateDir, 'table-pipe.checkpoints.json'), 'utf8').includes('"initialised": true'),
      10_000,
    );
  }

  /** The sequence number of the newest record, read straight from the stream. */
  async function lastSequenceNumber(streamArn: string): Promise<string> {
    const description = await dynamo.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    let last = '';
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await dynamo.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const { Records } = await dynamo.streams.send(new GetRecordsCommand({ ShardIterator }));
      last = Records?.[Records.length - 1]?.dynamodb?.SequenceNumber ?? last;
    }
    return last;
  }

  function deliveredDetails(): Record<string, unknown>[] {
    return sqs.to(EVENTS_QUEUE).map((m) => JSON.parse(m.body) as Record<string, unknown>);
  }

  it('puts one event per INSERT and MODIFY record on the bus, rendered by the input template', async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    const service = pipes(streamArn, { eventBridge: bus() });
    service.addPipe(
      pipeDefinition(tableName, {
        targetParameters: {
          inputTemplate:
            '{"id":<$.dynamodb.Keys.pk.S>,"op":"<$.eventName>","status":<$.dynamodb.NewImage.status.S>,"pipe":<aws.pipes.pipe-name>}',
          eventbridgeEventBusParameters: { source: 'com.example.table', detailType: '$.eventName' },
        },
      }),
    );
    service.start();
    await waitUntilPositioned();
    // Act
    await put(tableName, 'a-1', 'pending');
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'a-1' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'shipped' } },
      }),
    );
    await waitFor(() => deliveredDetails().length >= 2, 15_000);
    // Assess
    const events = deliveredDetails();
    expect(events.every((e) => e.source === 'com.example.table')).toBe(true);
    expect(events.map((e) => e['detail-type'])).toEqual(['INSERT', 'MODIFY']);
    expect(events.map((e) => e.detail)).toEqual([
      { id: 'a-1', op: 'INSERT', status: 'pending', pipe: 'table-pipe' },
      { id: 'a-1', op: 'MODIFY', status: 'shipped', pipe: 'table-pipe' },
    ]);
    expect(sqs.to(DLQ)).toEqual([]);
  });

  it("uses AWS's default source and detail-type and the whole record as detail without a template", async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    const service = pipes(streamArn, { eventBridge: bus() });
    service.addPipe(pipeDefinition(tableName));
    service.start();
    await waitUntilPositioned();
    // Act
    await put(tableName, 'b-1', 'new');
    await waitFor(() => deliveredDetails().length >= 1, 15_000);
    // Assess
    const [event] = deliveredDetails();
    expect(event.source).toBe('Pipe table-pipe');
    expect(event['detail-type']).toBe('Event from aws:dynamodb');
    expect(event.detail).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      eventSourceARN: graphStreamArn(tableName),
      dynamodb: {
        Keys: { pk: { S: 'b-1' } },
        NewImage: { pk: { S: 'b-1' }, status: { S: 'new' } },
        ApproximateCreationDateTime: expect.any(Number),
      },
    });
  });

  it('drops records the filter criteria do not match, and moves the checkpoint past them', async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    const service = pipes(streamArn, { eventBridge: bus() });
    service.addPipe(
      pipeDefinition(tableName, {
        sourceParameters: {
          filterCriteria: {
            filters: [{ pattern: JSON.stringify({ dynamodb: { NewImage: { status: { S: ['pending'] } } } }) }],
          },
          dynamodbStreamParameters: { startingPosition: 'LATEST', batchSize: 10 },
        },
      }),
    );
    service.start();
    await waitUntilPositioned();
    // Act
    await put(tableName, 'c-1', 'rejected');
    await put(tableName, 'c-2', 'pending');
    await put(tableName, 'c-3', 'rejected');
    const lastSequence = await lastSequenceNumber(streamArn);
    const checkpointFile = path.join(stateDir, 'table-pipe.checkpoints.json');
    await waitFor(
      () =>
        JSON.stringify(JSON.parse(fs.readFileSync(checkpointFile, 'utf8'))).includes(
          `"sequenceNumber":"${lastSequence}"`,
        ),
      15_000,
    );
    // Assess
    expect(
      deliveredDetails().map((e) => (e.detail as { dynamodb: { Keys: { pk: { S: string } } } }).dynamodb.Keys.pk.S),
    ).toEqual(['c-2']);
  });

  it('retries a failing target, then sends the batch metadata to the DLQ and moves on', async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    const calls: unknown[] = [];
    const lambda = {
      invoke: async (_arn: string, payload: unknown) => {
        calls.push(payload);
        const first = (payload as { dynamodb: { Keys: { pk: { S: string } } } }[])[0];
        return first.dynamodb.Keys.pk.S === 'poison'
          ? { functionError: 'Unhandled', errorMessage: 'boom', errorType: 'Error' }
          : { payload: null };
      },
      invokeAsync: async () => undefined,
    };
    const service = pipes(streamArn, { lambda });
    service.addPipe(pipeDefinition(tableName, { target: FUNCTION }, { maximumRetryAttempts: 2, batchSize: 1 }));
    service.start();
    await waitUntilPositioned();
    // Act
    await put(tableName, 'poison', 'x');
    await put(tableName, 'fine', 'y');
    await waitFor(() => calls.length >= 4, 15_000);
    // Assess: 3 invocations of the poison record (1 + 2 retries), then its metadata in the DLQ, then the next record
    const keys = calls.map((c) => (c as { dynamodb: { Keys: { pk: { S: string } } } }[])[0].dynamodb.Keys.pk.S);
    expect(keys).toEqual(['poison', 'poison', 'poison', 'fine']);
    expect(Array.isArray(calls[0])).toBe(true); // a bare JSON array, not {"Records": [...]}
    const [dead] = sqs.to(DLQ);
    const message = JSON.parse(dead.body);
    expect(message).toMatchObject({
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
        pipeArn: `arn:aws:pipes:${REGION}:${ACCOUNT}:pipe/table-pipe`,
      },
      version: '1.0',
      DDBStreamBatchInfo: {
        batchSize: 1,
        streamArn: graphStreamArn(tableName),
        startSequenceNumber: expect.any(String),
        shardId: expect.stringMatching(/^shardId-/),
      },
    });
    expect(message.DDBStreamBatchInfo.startSequenceNumber).toBe(message.DDBStreamBatchInfo.endSequenceNumber);
  });

  it('isolates a poison record with AUTOMATIC_BISECT and delivers the rest of its batch', async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    const delivered: string[] = [];
    const lambda = {
      invoke: async (_arn: string, payload: unknown) => {
        const keys = (payload as { dynamodb: { Keys: { pk: { S: string } } } }[]).map((r) => r.dynamodb.Keys.pk.S);
        if (keys.includes('poison')) return { functionError: 'Unhandled', errorMessage: 'boom' };
        delivered.push(...keys);
        return { payload: { batchItemFailures: [] } };
      },
      invokeAsync: async () => undefined,
    };
    // A 60 s batching window (1 s locally with this clock) gathers the three writes into one batch.
    const service = pipes(streamArn, { lambda, clock: recordingClock(60) });
    service.addPipe(
      pipeDefinition(
        tableName,
        { target: FUNCTION },
        {
          maximumRetryAttempts: 0,
          batchSize: 10,
          maximumBatchingWindowInSeconds: 60,
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
        },
      ),
    );
    service.start();
    await waitUntilPositioned();
    // Act
    await put(tableName, 'one', 'x');
    await put(tableName, 'poison', 'x');
    await put(tableName, 'three', 'x');
    await waitFor(() => sqs.to(DLQ).length === 1 && delivered.length === 2, 15_000);
    // Assess
    expect(delivered).toEqual(['one', 'three']);
    expect(JSON.parse(sqs.to(DLQ)[0].body).DDBStreamBatchInfo.batchSize).toBe(1);
  });

  it('resumes from the checkpoint after a restart: nothing lost, nothing delivered twice', async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    const seen: string[] = [];
    const lambda = {
      invoke: async (_arn: string, payload: unknown) => {
        seen.push(...(payload as { dynamodb: { Keys: { pk: { S: string } } } }[]).map((r) => r.dynamodb.Keys.pk.S));
        return {};
      },
      invokeAsync: async () => undefined,
    };
    const first = pipes(streamArn, { lambda });
    first.addPipe(pipeDefinition(tableName, { target: FUNCTION }));
    first.start();
    await waitUntilPositioned();
    await put(tableName, 'before-stop', 'x');
    await waitFor(() => seen.length === 1, 15_000);
    await first.stop();
    // Act: written while the pipe is down, then a new service on the same state dir
    await put(tableName, 'while-down-1', 'x');
    await put(tableName, 'while-down-2', 'x');
    const second = pipes(streamArn, { lambda });
    second.addPipe(pipeDefinition(tableName, { target: FUNCTION }));
    second.start();
    await put(tableName, 'after-restart', 'x');
    await waitFor(() => seen.length >= 4, 15_000);
    await new Promise((r) => setTimeout(r, 300)); // a replay would show up within a few polls
    // Assess
    expect(seen).toEqual(['before-stop', 'while-down-1', 'while-down-2', 'after-restart']);
  });

  it('starts at TRIM_HORIZON when asked, delivering records written before the pipe existed', async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    await put(tableName, 'old', 'x');
    const service = pipes(streamArn, { eventBridge: bus() });
    service.addPipe(pipeDefinition(tableName, {}, { startingPosition: 'TRIM_HORIZON' }));
    // Act
    service.start();
    await waitFor(() => deliveredDetails().length >= 1, 15_000);
    // Assess
    expect((deliveredDetails()[0].detail as { dynamodb: { Keys: { pk: { S: string } } } }).dynamodb.Keys.pk.S).toBe(
      'old',
    );
  });

  it('does not deliver records written before a LATEST pipe first started', async () => {
    // Prepare
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    await put(tableName, 'history', 'x');
    const service = pipes(streamArn, { eventBridge: bus() });
    service.addPipe(pipeDefinition(tableName));
    // Act
    service.start();
    await waitUntilPositioned();
    await put(tableName, 'new', 'x');
    await waitFor(() => deliveredDetails().length >= 1, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    // Assess
    expect(
      deliveredDetails().map((e) => (e.detail as { dynamodb: { Keys: { pk: { S: string } } } }).dynamodb.Keys.pk.S),
    ).toEqual(['new']);
  });

  it('keeps records written while a LATEST pipe that never saw a record was stopped', async () => {
    // Prepare: the pipe positions itself on an empty stream, then stops before any record arrives
    const { tableName, streamArn } = await createStreamTable(dynamo.client);
    const seen: string[] = [];
    const lambda = {
      invoke: async (_arn: string, payload: unknown) => {
        seen.push(...(payload as { dynamodb: { Keys: { pk: { S: string } } } }[]).map((r) => r.dynamodb.Keys.pk.S));
        return {};
      },
      invokeAsync: async () => undefined,
    };
    const first = pipes(streamArn, { lambda });
    first.addPipe(pipeDefinition(tableName, { target: FUNCTION }));
    first.start();
    await waitUntilPositioned();
    await first.stop();
    // Act
    await put(tableName, 'while-down', 'x');
    const second = pipes(streamArn, { lambda });
    second.addPipe(pipeDefinition(tableName, { target: FUNCTION }));
    second.start();
    await waitFor(() => seen.length >= 1, 15_000);
    // Assess
    expect(seen).toEqual(['while-down']);
  });
});
