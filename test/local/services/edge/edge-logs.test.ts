/**
 * CloudWatch Logs' read API on the edge, through @aws-sdk/client-cloudwatch-logs (and once through the AWS CLI v1
 * when it is installed), over a temp log dir written by the LogSink as the local cloud writes it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { GraphResource } from '../../../../local/model/graph';
import { EdgeHandle, startEdge } from '../../../../local/services/edge';
import { LogSink } from '../../../../local/services/logs';
import { FileLogStore, logGroupsFromGraph } from '../../../../local/services/logs/store';
import { SqsService } from '../../../../local/services/sqs';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ORDER = '80a8c024-29e5-4c6b-8cf6-6627e5778098';

function resource(type: string, name: string, state: Record<string, unknown>): GraphResource {
  return { type, name, id: name, urn: `urn:pulumi:test::p::${type}::${name}`, inputs: state, state };
}

const GRAPH = [
  resource('aws:cloudwatch/logGroup:LogGroup', 'events-logs', { name: '/aws/events/bus-test', retentionInDays: 14 }),
  resource('aws:cloudwatch/logGroup:LogGroup', 'fn-logs', { name: '/aws/lambda/fn-test', retentionInDays: 7 }),
  resource('aws:lambda/function:Function', 'fn', { name: 'fn-test' }),
  resource('aws:lambda/function:Function', 'undeclared', { name: 'other-fn' }),
  resource('aws:cloudwatch/logGroup:LogGroup', 'access-logs', { name: '/aws/apigateway/api-test/access' }),
];

const DAY1 = Date.parse('2026-11-29T23:59:58.000Z');
const DAY2 = Date.parse('2026-11-30T00:00:01.000Z');

let dir: string;
let edge: EdgeHandle;
let sqs: SqsService;
let client: CloudWatchLogsClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'edge-logs-'));
  const sink = new LogSink({ dir, quiet: true });
  const write = (at: number, source: string, message: string): void =>
    sink.write({ time: new Date(at), source, message });
  write(DAY1, 'fn-test', 'START RequestId: r1 Version: $LATEST');
  write(
    DAY1 + 10,
    'fn-test',
    JSON.stringify({ level: 'INFO', message: 'Order captured', orderId: ORDER, state: 'pending' }),
  );
  write(DAY1 + 20, 'fn-test', 'END RequestId: r1');
  write(DAY1 + 21, 'fn-test', 'REPORT RequestId: r1\tDuration: 20.00 ms');
  write(DAY2, 'fn-test', 'START RequestId: r2 Version: $LATEST');
  write(
    DAY2 + 5,
    'fn-test',
    JSON.stringify({ level: 'ERROR', message: 'Order rejected', orderId: 'other-order', reason: 'bad input' }),
  );
  write(DAY2 + 6, 'fn-test', 'END RequestId: r2');
  write(
    DAY2 + 100,
    '/aws/events/bus-test',
    JSON.stringify({ id: 'e1', 'detail-type': 'Thing Changed', detail: { orderId: ORDER, state: 'pending' } }),
  );
  write(
    DAY2 + 200,
    '/aws/events/bus-test',
    JSON.stringify({
      id: 'e2',
      'detail-type': 'Thing Changed',
      detail: { orderId: ORDER, state: 'shipped', count: 3 },
    }),
  );
  write(DAY2 + 300, 'unrelated-source', 'nothing to see');
  const store = new FileLogStore(
    dir,
    logGroupsFromGraph(GRAPH, { region: 'us-east-1', accountId: '123456789012', creationTime: DAY1 - 1000 }),
  );
  sqs = new SqsService();
  edge = await startEdge({
    port: 0,
    sqs,
    dynamoDbEndpoint: 'http://127.0.0.1:9',
    eventBridge: { putEvents: () => ({}), testEventPattern: () => false },
    logs: store,
  });
  client = new CloudWatchLogsClient({ endpoint: edge.url, region: 'us-east-1', credentials });
});

afterAll(async () => {
  client.destroy();
  sqs.close();
  await edge.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DescribeLogGroups', () => {
  it('lists the graph log groups and every function group, sorted by name', async () => {
    const out = await client.send(new DescribeLogGroupsCommand({}));
    expect(out.logGroups?.map((g) => g.logGroupName)).toEqual([
      '/aws/apigateway/api-test/access',
      '/aws/events/bus-test',
      '/aws/lambda/fn-test',
      '/aws/lambda/other-fn',
    ]);
    const fn = out.logGroups?.find((g) => g.logGroupName === '/aws/lambda/fn-test');
    expect(fn).toMatchObject({
      retentionInDays: 7,
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn-test:*',
      logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn-test',
      creationTime: DAY1 - 1000,
    });
    expect(fn?.storedBytes).toBeGreaterThan(0);
    expect(out.nextToken).toBeUndefined();
  });

  it('filters by prefix and pages with nextToken (the SDK paginator walks every page)', async () => {
    const first = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', limit: 1 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/fn-test']);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', limit: 1, nextToken: first.nextToken }),
    );
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/other-fn']);
    expect(second.nextToken).toBeUndefined();
    const names: string[] = [];
    for await (const page of paginateDescribeLogGroups({ client, pageSize: 2 }, {}))
      names.push(...(page.logGroups ?? []).map((g) => g.logGroupName ?? ''));
    expect(names).toHaveLength(4);
  });

  it('refuses a limit out of range with InvalidParameterException (400)', async () => {
    const error = await client.send(new DescribeLogGroupsCommand({ limit: 51 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as InvalidParameterException).$metadata.httpStatusCode).toBe(400);
  });
});

describe('DescribeLogStreams', () => {
  it("names a function's streams as Lambda does, one per UTC day", async () => {
    const out = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/fn-test' }));
    const names = out.logStreams?.map((s) => s.logStreamName) ?? [];
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^2026\/11\/29\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(names[1]).toMatch(/^2026\/11\/30\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(out.logStreams?.[0]).toMatchObject({ firstEventTimestamp: DAY1, lastEventTimestamp: DAY1 + 21 });
    const latestFirst = await client.send(
      new DescribeLogStreamsCommand({
        logGroupIdentifier: '/aws/lambda/fn-test',
        orderBy: 'LastEventTime',
        descending: true,
        limit: 1,
      }),
    );
    expect(latestFirst.logStreams?.[0].logStreamName).toBe(names[1]);
    expect(latestFirst.nextToken).toEqual(expect.any(String));
    const rest = await client.send(
      new DescribeLogStreamsCommand({
        logGroupIdentifier: '/aws/lambda/fn-test',
        orderBy: 'LastEventTime',
        descending: true,
        limit: 1,
        nextToken: latestFirst.nextToken,
      }),
    );
    expect(rest.logStreams?.[0].logStreamName).toBe(names[0]);
    expect(rest.nextToken).toBeUndefined();
  });

  it('names other streams without [$LATEST]', async () => {
    const out = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/events/bus-test' }));
    expect(out.logStreams?.map((s) => s.logStreamName)).toEqual([
      expect.stringMatching(/^2026\/11\/30\/[0-9a-f]{32}$/),
    ]);
  });

  it('answers an unknown group with ResourceNotFoundException and AWS message', async () => {
    const error = await client
      .send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/nope' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toBe('The specified log group does not exist.');
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
  });

  it('refuses LastEventTime ordering with a prefix', async () => {
    const error = await client
      .send(
        new DescribeLogStreamsCommand({
          logGroupName: '/aws/lambda/fn-test',
          orderBy: 'LastEventTime',
          logStreamNamePrefix: '2026',
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
  });
});

describe('GetLogEvents', () => {
  let stream: string;
  beforeAll(async () => {
    const out = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/fn-test' }));
    stream = out.logStreams?.[0].logStreamName ?? '';
  });

  it('reads from the head with forward tokens, and hands back the same token at the end', async () => {
    const first = await client.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/lambda/fn-test',
        logStreamName: stream,
        startFromHead: true,
        limit: 3,
      }),
    );
    expect(first.events?.map((e) => e.timestamp)).toEqual([DAY1, DAY1 + 10, DAY1 + 20]);
    expect(first.events?.[0]).toEqual({
      timestamp: DAY1,
      message: 'START RequestId: r1 Version: $LATEST',
      ingestionTime: DAY1,
    });
    const second = await client.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/lambda/fn-test',
        logStreamName: stream,
        limit: 3,
        nextToken: first.nextForwardToken,
      }),
    );
    expect(second.events?.map((e) => e.message)).toEqual(['REPORT RequestId: r1\tDuration: 20.00 ms']);
    const end = await client.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/lambda/fn-test',
        logStreamName: stream,
        limit: 3,
        nextToken: second.nextForwardToken,
      }),
    );
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(second.nextForwardToken);
  });

  it('reads the newest events by default and pages backwards', async () => {
    const last = await client.send(
      new GetLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', logStreamName: stream, limit: 2 }),
    );
    expect(last.events?.map((e) => e.timestamp)).toEqual([DAY1 + 20, DAY1 + 21]);
    const before = await client.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/lambda/fn-test',
        logStreamName: stream,
        limit: 2,
        nextToken: last.nextBackwardToken,
      }),
    );
    expect(before.events?.map((e) => e.timestamp)).toEqual([DAY1, DAY1 + 10]);
  });

  it('honours startTime (inclusive) and endTime (exclusive)', async () => {
    const out = await client.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/lambda/fn-test',
        logStreamName: stream,
        startTime: DAY1 + 10,
        endTime: DAY1 + 21,
        startFromHead: true,
      }),
    );
    expect(out.events?.map((e) => e.timestamp)).toEqual([DAY1 + 10, DAY1 + 20]);
  });

  it('answers an unknown stream and a bad token as AWS does', async () => {
    const missing = await client
      .send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', logStreamName: 'nope' }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as Error).message).toBe('The specified log stream does not exist.');
    const badToken = await client
      .send(
        new GetLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', logStreamName: stream, nextToken: 'garbage' }),
      )
      .catch((e: unknown) => e);
    expect(badToken).toBeInstanceOf(InvalidParameterException);
  });
});

describe('FilterLogEvents', () => {
  it('matches terms across the streams of a group, oldest first, with stream names and event ids', async () => {
    const out = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', filterPattern: 'START' }),
    );
    expect(out.events?.map((e) => e.message)).toEqual([
      'START RequestId: r1 Version: $LATEST',
      'START RequestId: r2 Version: $LATEST',
    ]);
    expect(new Set(out.events?.map((e) => e.logStreamName)).size).toBe(2);
    expect(out.events?.every((e) => /^\d+$/.test(e.eventId ?? ''))).toBe(true);
  });

  it('matches JSON patterns and quoted ids', async () => {
    const json = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', filterPattern: `{ $.orderId = "${ORDER}" }` }),
    );
    expect(json.events?.map((e) => JSON.parse(e.message ?? '{}').message)).toEqual(['Order captured']);
    const nested = await client.send(
      new FilterLogEventsCommand({
        logGroupName: '/aws/events/bus-test',
        filterPattern: '{ $.detail.state = "shipped" && $.detail.count >= 3 }',
      }),
    );
    expect(nested.events).toHaveLength(1);
    const quoted = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/events/bus-test', filterPattern: `"${ORDER}"` }),
    );
    expect(quoted.events).toHaveLength(2);
    const excluded = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', filterPattern: 'RequestId -START -END' }),
    );
    expect(excluded.events?.map((e) => e.message)).toEqual(['REPORT RequestId: r1\tDuration: 20.00 ms']);
  });

  it('restricts to streams and time ranges', async () => {
    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/fn-test' }));
    const day2 = streams.logStreams?.[1].logStreamName ?? '';
    const byStream = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', logStreamNames: [day2] }),
    );
    expect(byStream.events?.map((e) => e.timestamp)).toEqual([DAY2, DAY2 + 5, DAY2 + 6]);
    const byTime = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', startTime: DAY1 + 20, endTime: DAY2 + 5 }),
    );
    expect(byTime.events?.map((e) => e.timestamp)).toEqual([DAY1 + 20, DAY1 + 21, DAY2]);
  });

  it('pages with nextToken until every event is read', async () => {
    const first = await client.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', limit: 3 }));
    expect(first.events).toHaveLength(3);
    expect(first.nextToken).toEqual(expect.any(String));
    const messages: string[] = [];
    for await (const page of paginateFilterLogEvents({ client, pageSize: 2 }, { logGroupName: '/aws/lambda/fn-test' }))
      messages.push(...(page.events ?? []).map((e) => e.message ?? ''));
    expect(messages).toHaveLength(7);
    expect(new Set(messages).size).toBe(7);
  });

  it('refuses a bad pattern, a bad limit and an unknown group with AWS errors', async () => {
    const pattern = await client
      .send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', filterPattern: '{ $.orderId = ' }))
      .catch((e: unknown) => e);
    expect(pattern).toBeInstanceOf(InvalidParameterException);
    expect((pattern as InvalidParameterException).$metadata.httpStatusCode).toBe(400);
    const limit = await client
      .send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/fn-test', limit: 0 }))
      .catch((e: unknown) => e);
    expect(limit).toBeInstanceOf(InvalidParameterException);
    expect((limit as Error).message).toContain("at 'limit' failed to satisfy constraint");
    const group = await client.send(new FilterLogEventsCommand({ logGroupName: '/nope' })).catch((e: unknown) => e);
    expect(group).toBeInstanceOf(ResourceNotFoundException);
    expect((group as Error).message).toBe('The specified log group does not exist.');
    const both = await client
      .send(
        new FilterLogEventsCommand({
          logGroupName: '/aws/lambda/fn-test',
          logStreamNames: ['a'],
          logStreamNamePrefix: 'b',
        }),
      )
      .catch((e: unknown) => e);
    expect(both).toBeInstanceOf(InvalidParameterException);
  });
});

describe('the AWS CLI against the edge', () => {
  const run = promisify(execFile);
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  };

  async function cliPresent(): Promise<boolean> {
    try {
      await run('aws', ['--version'], { env });
      return true;
    } catch {
      return false;
    }
  }

  it('aws logs describe-log-groups and filter-log-events work with --endpoint-url', async () => {
    if (!(await cliPresent())) {
      console.log('skipped: the AWS CLI is not installed (no `aws` on PATH)');
      return;
    }
    const groups = await run('aws', ['logs', 'describe-log-groups', '--endpoint-url', edge.url, '--output', 'json'], {
      env,
    });
    expect(
      (JSON.parse(groups.stdout) as { logGroups: { logGroupName: string }[] }).logGroups.map((g) => g.logGroupName),
    ).toContain('/aws/lambda/fn-test');
    const filtered = await run(
      'aws',
      [
        'logs',
        'filter-log-events',
        '--endpoint-url',
        edge.url,
        '--log-group-name',
        '/aws/events/bus-test',
        '--filter-pattern',
        `{ $.detail.orderId = "${ORDER}" }`,
        '--output',
        'json',
      ],
      { env },
    );
    expect((JSON.parse(filtered.stdout) as { events: unknown[] }).events).toHaveLength(2);
    const paged = await run(
      'aws',
      [
        'logs',
        'filter-log-events',
        '--endpoint-url',
        edge.url,
        '--log-group-name',
        '/aws/lambda/fn-test',
        '--page-size',
        '2',
        '--output',
        'json',
      ],
      { env },
    );
    expect((JSON.parse(paged.stdout) as { events: unknown[] }).events).toHaveLength(7);
  }, 60_000);
});
