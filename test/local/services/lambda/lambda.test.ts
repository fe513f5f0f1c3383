import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  InvocationRecord,
  LambdaJournalRecord,
  LambdaService,
  LambdaServiceOptions,
  StringOrNumberAttribute,
} from '../../../../local/services/lambda';
import { Journal, readJournalFile } from '../../../../local/services/kernel/journal';
import { SqsService } from '../../../../local/services/sqs';
import { TestBundles } from '../../helpers/lambda-bundles';

interface Sent {
  arn: string;
  message: unknown;
  attributes?: Record<string, StringOrNumberAttribute>;
}

const bundles = new TestBundles();
let service: LambdaService | undefined;
let lines: { time: Date; source: string; message: string }[];
let sent: Sent[];
let sleeps: number[];

function start(options: LambdaServiceOptions = {}): LambdaService {
  lines = [];
  sent = [];
  sleeps = [];
  service = new LambdaService({
    region: 'eu-central-1',
    endpointUrl: 'http://127.0.0.1:4566',
    logSink: { write: (r) => lines.push(r) },
    destinations: {
      send: async (arn, message, attributes) => {
        sent.push({ arn, message, attributes });
      },
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return service;
}

afterEach(async () => {
  await service?.stop();
  service = undefined;
});

afterAll(() => bundles.cleanup());

const ENV_ECHO = `
export const handler = async (_event: unknown, context: { awsRequestId: string; functionName: string; getRemainingTimeInMillis(): number }) => ({
  env: { ...process.env },
  requestId: context.awsRequestId,
  functionName: context.functionName,
  remaining: context.getRemainingTimeInMillis(),
});`;

const COUNTER = `
let count = 0;
const instance = Math.random().toString(36).slice(2);
export const handler = async (event: { waitMs?: number }) => {
  count += 1;
  if (event.waitMs) await new Promise((r) => setTimeout(r, event.waitMs));
  return { count, instance };
};`;

const FAILING = `
class PaymentDeclined extends Error { name = 'PaymentDeclined'; }
export const handler = async () => { console.log('about to fail'); throw new PaymentDeclined('card declined'); };`;

describe('LambdaService', () => {
  it('gives each function its own environment with the reserved Lambda variables', async () => {
    // Prepare
    const lambda = start();
    lambda.register(
      bundles.fn('alpha', ENV_ECHO, {
        environment: { ONLY_ALPHA: 'a', SHARED: 'from-alpha' },
        memoryMb: 256,
        timeoutSeconds: 7,
      }),
    );
    lambda.register(bundles.fn('beta', ENV_ECHO, { environment: { SHARED: 'from-beta' } }));
    // Act
    const a = await lambda.invoke('alpha', {});
    const b = await lambda.invoke('arn:aws:lambda:us-east-1:123456789012:function:beta', {});
    // Assess
    const alpha = a.payload as {
      env: Record<string, string>;
      requestId: string;
      functionName: string;
      remaining: number;
    };
    const beta = b.payload as { env: Record<string, string> };
    expect(alpha.env).toMatchObject({
      ONLY_ALPHA: 'a',
      SHARED: 'from-alpha',
      AWS_REGION: 'eu-central-1',
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_LAMBDA_FUNCTION_NAME: 'alpha',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/alpha',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      _HANDLER: 'index.handler',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      TZ: 'UTC',
    });
    expect(alpha.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(alpha.env.AWS_ACCESS_KEY_ID && alpha.env.AWS_SECRET_ACCESS_KEY && alpha.env.AWS_SESSION_TOKEN).toBeTruthy();
    expect(alpha.env.LAMBDA_TASK_ROOT).toBeTruthy();
    expect(beta.env.SHARED).toBe('from-beta');
    expect(beta.env.ONLY_ALPHA).toBeUndefined();
    expect(beta.env.JEST_WORKER_ID).toBeUndefined();
    expect(alpha.requestId).toBe(a.requestId);
    expect(alpha.functionName).toBe('alpha');
    expect(alpha.remaining).toBeGreaterThan(5000);
    expect(alpha.remaining).toBeLessThanOrEqual(7000);
  });

  it('reuses a warm worker, so module scope survives between invocations', async () => {
    // Prepare
    const lambda = start();
    lambda.register(bundles.fn('counter', COUNTER));
    // Act
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push((await lambda.invoke('counter', {})).payload);
    // Assess
    expect(results.map((r) => (r as { count: number }).count)).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => (r as { instance: string }).instance)).size).toBe(1);
  });

  it('returns an Unhandled function error as Lambda does and logs the output with the function as source', async () => {
    // Prepare
    const lambda = start();
    lambda.register(bundles.fn('failing', FAILING));
    // Act
    const result = await lambda.invoke('failing', { a: 1 });
    // Assess
    expect(result).toMatchObject({
      functionError: 'Unhandled',
      errorType: 'PaymentDeclined',
      errorMessage: 'card declined',
    });
    expect(result.payload).toMatchObject({
      errorType: 'PaymentDeclined',
      errorMessage: 'card declined',
      trace: expect.arrayContaining([expect.stringContaining('PaymentDeclined: card declined')]),
    });
    const own = lines.filter((l) => l.source === 'failing').map((l) => l.message);
    expect(own[0]).toBe(`START RequestId: ${result.requestId} Version: $LATEST`);
    expect(own).toContainEqual(
      expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[^\\t]+Z\\t${result.requestId}\\tINFO\\tabout to fail$`)),
    );
    expect(own).toContainEqual(expect.stringContaining(`\tERROR\tInvoke Error`));
    expect(own.at(-2)).toBe(`END RequestId: ${result.requestId}`);
    expect(own.at(-1)).toMatch(
      /^REPORT RequestId: .*\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB$/,
    );
  });

  it('supports callback handlers and reports thrown non-Error values by type', async () => {
    // Prepare
    const lambda = start();
    lambda.register(
      bundles.fn(
        'cb',
        `export const handler = (event: { n: number }, _ctx: unknown, cb: (e: unknown, v?: unknown) => void) => { setTimeout(() => cb(null, { doubled: event.n * 2 }), 10); };`,
      ),
    );
    lambda.register(bundles.fn('throws-string', `export const handler = async () => { throw 'plain text'; };`));
    // Act
    const ok = await lambda.invoke('cb', { n: 21 });
    const bad = await lambda.invoke('throws-string', {});
    // Assess
    expect(ok.payload).toEqual({ doubled: 42 });
    expect(bad).toMatchObject({ functionError: 'Unhandled', errorType: 'string', errorMessage: 'plain text' });
  });

  it('enforces the timeout by stopping the worker, then starts a fresh one', async () => {
    // Prepare
    const lambda = start();
    lambda.register(bundles.fn('slow', COUNTER, { timeoutSeconds: 1 }));
    await lambda.invoke('slow', {});
    // Act
    const timedOut = await lambda.invoke('slow', { waitMs: 5000 });
    const after = await lambda.invoke('slow', {});
    // Assess
    expect(timedOut).toMatchObject({ functionError: 'Unhandled', errorType: 'Sandbox.Timedout' });
    expect(timedOut.errorMessage).toContain('Task timed out after 1.00 seconds');
    expect(lines.map((l) => l.message)).toContainEqual(
      expect.stringContaining(`${timedOut.requestId} Task timed out after 1.00 seconds`),
    );
    expect(lines.map((l) => l.message)).toContainEqual(expect.stringMatching(/Status: timeout$/));
    expect(after).toMatchObject({ payload: { count: 1 } }); // cold again: the timed-out environment is gone
  });

  it('reports init failures and a worker exit as Runtime errors', async () => {
    // Prepare
    const lambda = start();
    lambda.register(bundles.fn('no-export', `export const other = () => 1;`));
    lambda.register(bundles.fn('exits', `export const handler = async () => { process.exit(3); };`));
    // Act
    const missing = await lambda.invoke('no-export', {});
    const exited = await lambda.invoke('exits', {});
    // Assess
    expect(missing).toMatchObject({
      functionError: 'Unhandled',
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    });
    expect(exited).toMatchObject({ functionError: 'Unhandled', errorType: 'Runtime.ExitError' });
    expect(exited.errorMessage).toContain('exit status 3');
  });

  it('replaces a warm worker that died between invocations', async () => {
    // Prepare: the worker exits shortly after answering
    const lambda = start();
    lambda.register(
      bundles.fn(
        'fragile',
        `export const handler = async () => { setTimeout(() => process.exit(0), 20); return 'ok'; };`,
      ),
    );
    await lambda.invoke('fragile', {});
    await new Promise((r) => setTimeout(r, 200));
    // Act
    const second = await lambda.invoke('fragile', {});
    // Assess
    expect(second).toMatchObject({ payload: 'ok' });
    expect(second.functionError).toBeUndefined();
  });

  it('refuses an unknown function with ResourceNotFoundException', async () => {
    // Prepare
    const lambda = start();
    // Act / Assess
    await expect(lambda.invoke('nope', {})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: nope',
    });
    await expect(lambda.invokeAsync('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("lets bundles require the AWS SDK, whose calls go to AWS_ENDPOINT_URL with the function's region", async () => {
    // Prepare: a stand-in edge that records what the SDK sends
    const seen: { target?: string; auth?: string }[] = [];
    const edge = http.createServer((req, res) => {
      seen.push({ target: req.headers['x-amz-target'] as string, auth: req.headers.authorization });
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        res.end('{"QueueUrls":[]}');
      });
    });
    await new Promise<void>((r) => edge.listen(0, '127.0.0.1', () => r()));
    const lambda = start({ endpointUrl: `http://127.0.0.1:${(edge.address() as AddressInfo).port}` });
    lambda.register(
      bundles.fn(
        'sdk-user',
        `import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
         const client = new SQSClient({});
         export const handler = async () => {
           const out = await client.send(new ListQueuesCommand({}));
           return { region: await client.config.region(), urls: out.QueueUrls ?? [] };
         };`,
      ),
    );
    try {
      // Act
      const result = await lambda.invoke('sdk-user', {});
      // Assess
      expect(result).toMatchObject({ payload: { region: 'eu-central-1', urls: [] } });
      expect(seen).toHaveLength(1);
      expect(seen[0].target).toBe('AmazonSQS.ListQueues');
      expect(seen[0].auth).toContain('/eu-central-1/sqs/aws4_request');
    } finally {
      await new Promise((r) => edge.close(r));
    }
  });

  it('bounds concurrency per function: excess invocations wait for a free worker', async () => {
    // Prepare
    const lambda = start({ maxConcurrencyPerFunction: 2 });
    lambda.register(bundles.fn('busy', COUNTER));
    const started = Date.now();
    // Act
    const results = await Promise.all([1, 2, 3, 4].map(() => lambda.invoke('busy', { waitMs: 400 })));
    const elapsed = Date.now() - started;
    // Assess
    const instances = new Set(results.map((r) => (r.payload as { instance: string }).instance));
    expect(instances.size).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(800); // two rounds of two
  });

  it('bounds total concurrency across functions, evicting idle workers of others', async () => {
    // Prepare
    const lambda = start({ maxConcurrency: 1 });
    lambda.register(bundles.fn('one', COUNTER));
    lambda.register(bundles.fn('two', COUNTER));
    const started = Date.now();
    // Act
    const [r1, r2] = await Promise.all([lambda.invoke('one', { waitMs: 400 }), lambda.invoke('two', { waitMs: 400 })]);
    const again = await lambda.invoke('one', {});
    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(r1.functionError ?? r2.functionError).toBeUndefined();
    expect((again.payload as { count: number }).count).toBe(1); // its warm worker was evicted to run 'two'
  });

  it('retries an async invocation twice (1 and 2 AWS minutes apart), then sends the failure record and the DLQ message', async () => {
    // Prepare
    const lambda = start();
    const fn = bundles.fn('async-fail', FAILING, {
      asyncConfig: {
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 21600,
        onFailureArn: 'arn:aws:sqs:us-east-1:123456789012:on-failure',
      },
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq',
    });
    lambda.register(fn);
    // Act
    const { requestId } = await lambda.invokeAsync(fn.arn, { job: 7 });
    await lambda.drain();
    // Assess
    expect(sleeps).toEqual([60_000, 120_000]);
    expect(lines.filter((l) => l.message.startsWith(`START RequestId: ${requestId}`))).toHaveLength(3);
    const record = sent.find((s) => s.arn.endsWith(':on-failure'))?.message as InvocationRecord;
    expect(record).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestContext: {
        requestId,
        functionArn: `${fn.arn}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { job: 7 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'PaymentDeclined',
        errorMessage: 'card declined',
        trace: expect.arrayContaining([expect.stringContaining('PaymentDeclined: card declined')]),
      },
    });
    const dlq = sent.find((s) => s.arn.endsWith(':dlq'));
    expect(dlq?.message).toEqual({ job: 7 });
    expect(dlq?.attributes).toEqual({
      RequestID: { DataType: 'String', StringValue: requestId },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'card declined' },
    });
  });

  it('journals an async invocation: after a stop (or crash) mid-retry it resumes with its attempt count', async () => {
    // Prepare: the first service waits forever for the first retry, then stops.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-journal-'));
    const file = path.join(dir, 'lambda.jsonl');
    const fn = bundles.fn('async-resume', FAILING, {
      asyncConfig: {
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 21600,
        onFailureArn: 'arn:aws:sqs:us-east-1:123456789012:on-failure',
      },
    });
    const first = start({
      journal: Journal.open<LambdaJournalRecord>(file, { flushMs: 1 }).journal,
      sleep: (_ms, signal) => new Promise((r) => signal.addEventListener('abort', () => r())),
    });
    first.register(fn);
    const { requestId } = await first.invokeAsync(fn.arn, { job: 8 });
    expect(readJournalFile<LambdaJournalRecord>(file).records[0]).toEqual({
      op: 'invoke',
      id: requestId,
      fn: fn.arn,
      payload: { job: 8 },
    });
    for (
      let i = 0;
      i < 200 && !readJournalFile<LambdaJournalRecord>(file).records.some((r) => r.op === 'retry');
      i += 1
    )
      await new Promise((r) => setTimeout(r, 25));
    await first.stop();
    // Act: a new service on the same journal.
    const opened = Journal.open<LambdaJournalRecord>(file, { flushMs: 1 });
    const second = start({ journal: opened.journal });
    second.register(fn);
    expect(await second.recover(opened.records)).toBe(1);
    await second.drain();
    // Assess: one attempt before the stop, two after; then nothing is left to resume.
    const record = sent.find((s) => s.arn.endsWith(':on-failure'))?.message as InvocationRecord;
    expect(record.requestContext).toMatchObject({
      requestId,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    expect(sleeps).toEqual([120_000]);
    await second.stop();
    await opened.journal.close();
    expect(readJournalFile<LambdaJournalRecord>(file).records.map((r) => r.op)).toEqual([
      'invoke',
      'retry',
      'retry',
      'done',
    ]);
    const third = Journal.open<LambdaJournalRecord>(file);
    const lambda3 = start({ journal: third.journal });
    lambda3.register(fn);
    expect(await lambda3.recover(third.records)).toBe(0);
    await third.journal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops retrying when the next retry would exceed MaximumEventAgeInSeconds (EventAgeExceeded)', async () => {
    // Prepare
    const lambda = start();
    const fn = bundles.fn('too-old', FAILING, {
      asyncConfig: {
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 60,
        onFailureArn: 'arn:aws:sqs:us-east-1:123456789012:f',
      },
    });
    lambda.register(fn);
    // Act
    await lambda.invokeAsync('too-old', {});
    await lambda.drain();
    // Assess
    expect(sleeps).toEqual([]);
    expect((sent[0].message as InvocationRecord).requestContext).toMatchObject({
      condition: 'EventAgeExceeded',
      approximateInvokeCount: 1,
    });
  });

  it('honours MaximumRetryAttempts 0 and sends an on-success record when configured', async () => {
    // Prepare
    const lambda = start();
    lambda.register(
      bundles.fn('no-retry', FAILING, {
        asyncConfig: {
          maximumRetryAttempts: 0,
          maximumEventAgeInSeconds: 3600,
          onFailureArn: 'arn:aws:sqs:us-east-1:123456789012:f',
        },
      }),
    );
    lambda.register(
      bundles.fn('fine', COUNTER, {
        asyncConfig: {
          maximumRetryAttempts: 2,
          maximumEventAgeInSeconds: 3600,
          onSuccessArn: 'arn:aws:events:us-east-1:123456789012:event-bus/b',
        },
      }),
    );
    // Act
    await lambda.invokeAsync('no-retry', {});
    await lambda.invokeAsync('fine', { x: 1 });
    await lambda.drain();
    // Assess
    const failure = sent.find((s) => s.arn.endsWith(':f'))?.message as InvocationRecord;
    const success = sent.find((s) => s.arn.includes('event-bus'))?.message as InvocationRecord;
    expect(failure.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 1 });
    expect(success).toMatchObject({
      requestContext: { condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { x: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    });
    expect(success.responseContext.functionError).toBeUndefined();
    expect(success.responsePayload).toMatchObject({ count: 1 });
  });

  it("puts a failed async event into a real SQS dead-letter queue with Lambda's attributes", async () => {
    // Prepare
    const sqs = new SqsService();
    const dlqArn = 'arn:aws:sqs:us-east-1:123456789012:fn-dlq';
    sqs.createQueue({ name: 'fn-dlq', arn: dlqArn, url: 'https://sqs.us-east-1.amazonaws.com/123456789012/fn-dlq' });
    const lambda = start({ sqs });
    lambda.register(
      bundles.fn('to-dlq', FAILING, {
        deadLetterTargetArn: dlqArn,
        asyncConfig: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 },
      }),
    );
    // Act
    const { requestId } = await lambda.invokeAsync('to-dlq', { order: 'x' });
    await lambda.drain();
    const [message] = await sqs.receiveMessages(dlqArn, 1, 0, undefined, { messageAttributeNames: ['All'] });
    // Assess
    expect(JSON.parse(message.Body)).toEqual({ order: 'x' });
    expect(message.MessageAttributes?.RequestID).toEqual({ DataType: 'String', StringValue: requestId });
    expect(message.MessageAttributes?.ErrorCode).toEqual({ DataType: 'Number', StringValue: '200' });
  });
});
