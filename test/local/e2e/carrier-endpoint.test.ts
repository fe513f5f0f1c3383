/**
 * End to end with the carrier played by a local test server, chosen with `--config carrierEndpoint=...` (the
 * stack's own key; a loopback http endpoint is accepted for exactly this). One start-up (in memory, logs in a temp
 * dir); the server's answer is switched per test.
 */
import { ReceiveMessageCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { customerToken, FakeEndpoint, PROJECT_DIR, pollUntil, RunningCloud, startCli, tempDataDir } from './harness';

jest.setTimeout(300_000);

/** https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html */
const DOCUMENTED_ERROR_CODES = [
  'CONNECTION_FAILURE',
  'ERROR_FROM_TARGET',
  'INTERNAL_ERROR',
  'SDK_CLIENT_ERROR',
  'THROTTLING',
  'TIMEOUT',
  'UNKNOWN',
];
let mode: 'accept' | 'fail' = 'accept';
const carrier = new FakeEndpoint(() =>
  mode === 'accept' ? { status: 202, body: '{"accepted":true}' } : { status: 500, body: '{"error":"down"}' },
);
let cloud: RunningCloud;
const data = tempDataDir();
/** The customer routes want a token of the user pool the local cloud plays. */
let auth: { authorization: string };

async function upload(extra: Record<string, unknown>): Promise<string> {
  const body = { ...JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')), ...extra };
  const response = await fetch(`${cloud.api}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { Entries: { EventId: string }[] };
  return json.Entries[0].EventId;
}

async function orderState(id: string): Promise<string | undefined> {
  const response = await fetch(`${cloud.api}/orders/${id}`, { headers: auth });
  return response.status === 200 ? ((await response.json()) as { state: string }).state : undefined;
}

beforeAll(async () => {
  const local = await carrier.start();
  // The carrier targets retry with EventBridge's maximum (185 attempts over up to a day): about 7 hours of AWS time
  // with the local back-off, so this run compresses time further than the default to reach the DLQ in seconds.
  cloud = await startCli(['--in-memory', '--data-dir', data.dir, '--config', `carrierEndpoint=${local}`], {
    LOCAL_TIME_COMPRESSION: '3000',
  });
  auth = { authorization: `Bearer ${await customerToken(data.dir, 'cust-0042')}` };
});

afterAll(async () => {
  await cloud?.stop();
  await carrier.stop();
  data.remove();
});

describe('the stack with an external carrier', () => {
  it('cancels an order the carrier accepted but never confirmed, and tells the carrier', async () => {
    // Prepare: the carrier hears of the new order and only acknowledges it.
    mode = 'accept';
    const id = await upload({ idempotencyKey: `cancel-${Date.now()}` });
    await pollUntil(
      async () => carrier.requests.filter((r) => r.body.includes(id)).length,
      (n) => n >= 1,
      60_000,
    );
    expect(await orderState(id)).toBe('pending');
    // Act
    const response = await fetch(`${cloud.api}/cancellations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ orderId: id, reason: 'changed my mind' }),
    });
    const state = await pollUntil(
      () => orderState(id),
      (s) => s === 'cancelled',
      60_000,
    );
    const told = await pollUntil(
      async () => carrier.requests.filter((r) => r.body.includes(id) && r.body.includes('cancelled')),
      (rs) => rs.length >= 1,
      60_000,
    );
    // Assess
    expect(response.status).toBe(200);
    expect(state).toBe('cancelled');
    expect(told[0].method).toBe('POST');
    expect(told[0].headers['user-agent']).toBe('Amazon/EventBridge/ApiDestinations');
    // One Idempotency-Key per state change: the cancellation is not sent under the creation's key.
    const created = carrier.requests.find((r) => r.body.includes(id) && r.body.includes('pending'));
    expect(created?.headers['idempotency-key']).toMatch(/^\S+$/);
    expect(told[0].headers['idempotency-key']).toMatch(/^\S+$/);
    expect(told[0].headers['idempotency-key']).not.toBe(created?.headers['idempotency-key']);
  });

  it('leaves the event of a carrier that always fails in the carrier DLQ with EventBridge attributes', async () => {
    // Prepare
    mode = 'fail';
    const sqs = new SQSClient({
      endpoint: cloud.edge,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // Act
    const id = await upload({ idempotencyKey: `fail-${Date.now()}` });
    const queues = await sqs.send(new ListQueuesCommand({}));
    const dlqUrl = (queues.QueueUrls ?? []).find((u) => u.includes('order-created-dlq')) as string;
    const message = await pollUntil(
      async () => {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            WaitTimeSeconds: 1,
          }),
        );
        return (received.Messages ?? []).find((m) => (m.Body ?? '').includes(id));
      },
      (m) => m !== undefined,
      120_000,
    );
    sqs.destroy();
    // Assess
    // The carrier answered 500 every time: retried until the target's 185 retries ran out. AWS documents the set of
    // ERROR_CODE values but not which one a 5xx from an API destination gets; the message carries the status.
    expect(DOCUMENTED_ERROR_CODES).toContain(message?.MessageAttributes?.ERROR_CODE?.StringValue);
    expect(message?.MessageAttributes?.ERROR_MESSAGE?.StringValue).toContain('500');
    expect(message?.MessageAttributes?.EXHAUSTED_RETRY_CONDITION?.StringValue).toBe('MaximumRetryAttempts');
    expect(message?.MessageAttributes?.RETRY_ATTEMPTS?.StringValue).toBe('185');
    expect(carrier.requests.filter((r) => r.body.includes(id))).toHaveLength(186);
    expect(message?.MessageAttributes?.RULE_ARN?.StringValue).toMatch(/^arn:aws:events:/);
    expect(message?.MessageAttributes?.TARGET_ARN?.StringValue).toMatch(/:api-destination\//);
    expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({ detail: { orderId: id } });
  });
});
