/**
 * Nothing lost, end to end: an authorized callback that cannot be applied is kept (beside its order, or in its
 * function's DLQ), and `npm run redrive` brings dead letters back. The carrier is a local server that either fails,
 * or accepts and confirms each new order through the public API with the callback token, as a real carrier does.
 * One start-up with a persistent data dir (the callback token lives there), time compressed so that a target's
 * 185 retries run out in seconds.
 */
import { EventBridgeClient, ListArchivesCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findStackQueues } from '../../../tools/aws-clients';
import { LocalSecretStore } from '../../../local/model/local-secrets';
import {
  customerToken,
  FakeEndpoint,
  PROJECT_DIR,
  pollUntil,
  RecordedRequest,
  RunningCloud,
  scanTable,
  startCli,
  tempDataDir,
} from './harness';

jest.setTimeout(400_000);

const TSX = path.join(PROJECT_DIR, 'node_modules', '.bin', 'tsx');
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let mode: 'fail' | 'accept' | 'confirm' = 'accept';
let cloud: RunningCloud;
let sqs: SQSClient;
let auth: { authorization: string };
const data = tempDataDir();

function callbackAuth(): { authorization: string } {
  return { authorization: `Bearer ${LocalSecretStore.inDataDir(data.dir).all()['random:callback-token']}` };
}

/** The carrier: answers as `mode` says; in `confirm` mode it confirms each new order a moment later. */
const carrier = new FakeEndpoint((request: RecordedRequest) => {
  if (mode === 'fail') return { status: 503, body: '{"error":"down"}' };
  const order = JSON.parse(request.body) as { order_id: string; state: string };
  if (mode === 'confirm' && order.state === 'pending') {
    setTimeout(
      () => void confirm({ order_id: order.order_id, tracking_number: `TRK-${order.order_id.slice(0, 8)}` }),
      50,
    );
  }
  return { status: 202, body: '{"accepted":true}' };
});

function confirm(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${cloud.api}/confirm-shipment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callbackAuth() },
    body: JSON.stringify(body),
  });
}

async function upload(extra: Record<string, unknown> = {}): Promise<string> {
  const body = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as object;
  const response = await fetch(`${cloud.api}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ ...body, idempotencyKey: randomUUID(), ...extra }),
  });
  return ((await response.json()) as { Entries: { EventId: string }[] }).Entries[0].EventId;
}

async function orderState(id: string): Promise<string | undefined> {
  const response = await fetch(`${cloud.api}/orders/${id}`, { headers: auth });
  return response.status === 200 ? ((await response.json()) as { state: string }).state : undefined;
}

const tableItems = () => scanTable(cloud);

async function queueUrl(logicalName: string): Promise<string> {
  const [queue] = await findStackQueues(sqs, [logicalName]);
  return queue.url;
}

/** The queue's bodies, looked at without taking them (visibility timeout 0). */
async function peek(url: string): Promise<string[]> {
  const bodies = new Map<string, string>();
  for (let round = 0; round < 5; round += 1) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    for (const m of out.Messages ?? []) bodies.set(m.MessageId as string, m.Body ?? '');
  }
  return [...bodies.values()];
}

function redrive(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['tools/redrive/cli.ts', ...args, '--endpoint-url', cloud.edge],
      { cwd: PROJECT_DIR, env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const started = new Date();

beforeAll(async () => {
  const local = await carrier.start();
  cloud = await startCli(['--data-dir', data.dir, '--config', `carrierEndpoint=${local}`], {
    LOCAL_TIME_COMPRESSION: '3000',
  });
  auth = { authorization: `Bearer ${await customerToken(data.dir, 'cust-0042')}` };
  sqs = new SQSClient({ endpoint: cloud.edge, region: 'us-east-1', credentials: CREDENTIALS });
});

afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
  await carrier.stop();
  data.remove();
});

describe('bad callbacks are kept, never only logged', () => {
  it('keeps an invalid confirmation of a known order beside it and leaves the order pending', async () => {
    // Prepare
    mode = 'accept';
    const id = await upload();
    await pollUntil(
      () => orderState(id),
      (s) => s === 'pending',
      60_000,
    );

    // Act
    const response = await confirm({ order_id: id, tracking_number: 'T'.repeat(65) });
    const kept = await pollUntil(
      async () =>
        (await tableItems()).find((i) => i.orderId === id && String(i.id).startsWith('rejected-confirmation#')),
      (item) => item !== undefined,
      60_000,
    );

    // Assess
    expect(response.status).toBe(200);
    expect(JSON.stringify(kept?.issues)).toContain('trackingNumber');
    expect(await orderState(id)).toBe('pending');
  });

  it('sends a confirmation and a cancellation of unknown orders to their functions’ DLQs', async () => {
    // Prepare
    const unknown = randomUUID();

    // Act
    await confirm({ order_id: unknown, tracking_number: 'TRK-1' });
    await fetch(`${cloud.api}/cancellations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ orderId: unknown, reason: 'changed my mind' }),
    });
    const confirmations = await pollUntil(
      async () => (await peek(await queueUrl('confirm-shipment-failures'))).filter((b) => b.includes(unknown)),
      (found) => found.length > 0,
      120_000,
    );
    const cancellations = await pollUntil(
      async () => (await peek(await queueUrl('cancel-order-failures'))).filter((b) => b.includes(unknown)),
      (found) => found.length > 0,
      120_000,
    );

    // Assess: Lambda's on-failure records, after the function's two retries
    for (const body of [confirmations[0], cancellations[0]]) {
      expect(JSON.parse(body)).toMatchObject({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        responsePayload: { errorType: 'UnplaceableCallbackError' },
      });
    }
  });
});

describe('bad input to the API never gets a 5xx', () => {
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  it.each([
    ['an upload that is not JSON', 'POST', '/uploads', 'customer', '{'],
    ['an empty upload', 'POST', '/uploads', 'customer', ''],
    ['an upload that is a list', 'POST', '/uploads', 'customer', '[1,2]'],
    ['an upload that is a string', 'POST', '/uploads', 'customer', '"text"'],
    ['an upload nested 5,000 deep', 'POST', '/uploads', 'customer', deep],
    [
      'an upload of 300 KB (over PutEvents’ 256 KB)',
      'POST',
      '/uploads',
      'customer',
      JSON.stringify({ pad: 'x'.repeat(300 * 1024) }),
    ],
    ['an upload of 11 MB (over the 10 MB payload limit)', 'POST', '/uploads', 'customer', 'x'.repeat(11 * 1024 * 1024)],
    ['a cancellation that is not JSON', 'POST', '/cancellations', 'customer', '{"orderId":'],
    ['a cancellation that is null', 'POST', '/cancellations', 'customer', 'null'],
    ['a confirmation that is not JSON', 'POST', '/confirm-shipment', 'carrier', '{'],
    ['a confirmation that is a list', 'POST', '/confirm-shipment', 'carrier', '[]'],
    ['a confirmation nested 5,000 deep', 'POST', '/confirm-shipment', 'carrier', deep],
    [
      'a confirmation of the wrong types',
      'POST',
      '/confirm-shipment',
      'carrier',
      JSON.stringify({ order_id: 5, tracking_number: { a: 1 } }),
    ],
    ['an order id that is not one', 'GET', '/orders/not-an-order-id', 'customer', undefined],
    ['an order id of 5,000 characters', 'GET', `/orders/${'a'.repeat(5000)}`, 'customer', undefined],
  ])('%s answers below 500', async (_label, method, route, caller, body) => {
    // Act
    const response = await fetch(`${cloud.api}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(caller === 'carrier' ? callbackAuth() : auth) },
      ...(body !== undefined ? { body } : {}),
    });

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(500);
  });
});

describe('bad uploads are kept as rejected orders', () => {
  it('keeps a well-formed 150 KB upload whole through the HTTP API and rejects it with its reasons', async () => {
    // Act: API Gateway passes `$request.body` whole (it truncates at 100 KB only before a JSON-path selection).
    const id = await upload({ instructions: 'x'.repeat(150 * 1024) });
    const state = await pollUntil(
      () => orderState(id),
      (s) => s !== undefined,
      60_000,
    );

    // Assess
    expect(state).toBe('rejected');
  });
});

describe('npm run redrive', () => {
  it('brings every order of a carrier outage longer than the retry budget to shipped', async () => {
    // Prepare: the carrier is down for all of the 185 retries.
    mode = 'fail';
    const ids = [await upload(), await upload(), await upload()];
    const dlq = await queueUrl('orders-order-created-dlq');
    await pollUntil(
      async () => (await peek(dlq)).filter((b) => ids.some((id) => b.includes(id))).length,
      (n) => n === ids.length,
      240_000,
    );
    mode = 'confirm';

    // Act
    const dryRun = await redrive(['orders-order-created-dlq', '--dry-run']);
    const stillThere = (await peek(dlq)).filter((b) => ids.some((id) => b.includes(id))).length;
    const real = await redrive(['orders-order-created-dlq']);
    const states = await pollUntil(
      () => Promise.all(ids.map(orderState)),
      (all) => all.every((s) => s === 'shipped'),
      120_000,
    );

    // Assess
    expect(dryRun).toMatchObject({ code: 0 });
    expect(dryRun.stdout).toMatch(/orders-order-created-dlq-[0-9a-f]{7}: would place 3, refused 0/);
    expect(stillThere).toBe(3);
    expect(real).toMatchObject({ code: 0 });
    expect(real.stdout).toMatch(/orders-order-created-dlq-[0-9a-f]{7}: placed 3, refused 0/);
    expect(states).toEqual(['shipped', 'shipped', 'shipped']);
    expect(await peek(dlq)).toEqual([]);
  });

  it('replays the archive onto the bus without a duplicate order or change: the carrier sees the same keys', async () => {
    // Prepare: the orders of the test above are shipped; note what the table and the carrier hold. The carrier only
    // acknowledges now: a real one does nothing twice for one Idempotency-Key (the test carrier does not remember).
    mode = 'accept';
    const before = (await tableItems()).map((i) => `${String(i.id)}:${String(i.state)}:${String(i.updatedAt)}`).sort();
    const keysBefore = new Set(carrier.requests.map((r) => r.headers['idempotency-key']));
    const sentBefore = carrier.requests.length;
    const events = new EventBridgeClient({ endpoint: cloud.edge, region: 'us-east-1', credentials: CREDENTIALS });
    const archive = (await events.send(new ListArchivesCommand({}))).Archives?.[0]?.ArchiveName as string;
    events.destroy();

    // Act: through the SDK (the CLI's --replay), everything since the cloud started.
    const result = await redrive([
      '--replay',
      archive,
      '--from',
      started.toISOString(),
      '--to',
      new Date().toISOString(),
    ]);
    await pollUntil(
      async () => carrier.requests.length,
      (n) => n > sentBefore,
      60_000,
    );

    // Assess
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/: COMPLETED/);
    const replayed = carrier.requests.slice(sentBefore);
    expect(replayed.length).toBeGreaterThan(0);
    for (const request of replayed) expect(keysBefore).toContain(request.headers['idempotency-key']);
    const after = (await tableItems()).map((i) => `${String(i.id)}:${String(i.state)}:${String(i.updatedAt)}`).sort();
    expect(after).toEqual(before);
  });

  it('refuses a message it cannot place and leaves it in its queue', async () => {
    // Prepare
    const dlq = await queueUrl('capture-order-failures');
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"not":"a dead letter"}' }));

    // Act
    const result = await redrive(['capture-order-failures']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/placed 0, refused 1/);
    expect(result.stdout).toContain('neither EventBridge DLQ attributes nor an invocation or batch record');
    expect(await peek(dlq)).toEqual(['{"not":"a dead letter"}']);
  });

  it('refuses nonsense arguments with the usage', async () => {
    const result = await redrive(['--replay', 'orders-archive', '--from', 'yesterday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from expects an ISO 8601 time');
  });
});
