/**
 * `npm run trace` against a running local cloud (the dev stack, `npm start` on free ports, temp data dir): the
 * same code path as against AWS, the backend chosen by AWS_ENDPOINT_URL / --endpoint-url.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  customerToken,
  FakeEndpoint,
  PROJECT_DIR,
  pollUntil,
  RunningCloud,
  startCli,
  tempDataDir,
} from '../../local/e2e/harness';

jest.setTimeout(300_000);

const TSX = path.join(PROJECT_DIR, 'node_modules', '.bin', 'tsx');
const data = tempDataDir();
let cloud: RunningCloud;

function trace(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['tools/trace/cli.ts', ...args],
      { cwd: PROJECT_DIR, env: { ...process.env, AWS_ENDPOINT_URL: '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 2) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  cloud = await startCli(['--in-memory', '--data-dir', data.dir]);
});

afterAll(async () => {
  await cloud?.stop();
  data.remove();
});

describe('npm run trace against the local cloud', () => {
  it('shows every hop of a shipped order, in order', async () => {
    // Prepare: an order that ships through the carrier mock.
    const body = readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8');
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${await customerToken(data.dir, 'cust-0042')}`,
    };
    const accepted = (await (await fetch(`${cloud.api}/uploads`, { method: 'POST', headers, body })).json()) as {
      Entries: { EventId: string }[];
    };
    const id = accepted.Entries[0].EventId;
    const logs = new CloudWatchLogsClient({
      endpoint: cloud.edge,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const shipped = await pollUntil(
      () =>
        logs.send(
          new FilterLogEventsCommand({
            logGroupName: '/aws/events/orders-dev',
            filterPattern: `{ $.detail.orderId = "${id}" && $.detail.state = "shipped" }`,
          }),
        ),
      (out) => (out.events ?? []).length > 0,
      90_000,
    );
    logs.destroy();
    expect(shipped.events).toHaveLength(1);
    // Act
    const result = await trace([id], { AWS_ENDPOINT_URL: cloud.edge });
    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Trace of ${id}: \\d+ hop\\(s\\)`));
    const steps = [
      /capture-order-dev +Order captured \(state=pending\) \[invocation [0-9a-f]{8}: \d+ ms\]/,
      /orders-dev +event "Order Changed" from \S+ \(id \S+\) state=pending .*change=INSERT.*rules matched: .*orders-order-created/,
      /carrier-mock-dev +Carrier notified \(state=pending idempotencyKey=\S+\)/,
      /orders-dev +event "Shipment Confirmed" .*rules matched: .*orders-shipment-confirmed/,
      /confirm-shipment-dev +Order shipped \(trackingNumber=TRK-\S+/,
      /orders-dev +event "Order Changed" .*state=shipped .*change=MODIFY/,
    ];
    const positions = steps.map((step) => lines.findIndex((line) => step.test(line)));
    expect(positions.every((p) => p > 0)).toBe(true);
    // Causal order. The last two are not ordered among themselves: confirm-shipment logs "Order shipped" after its
    // write returns, while the write's stream record may already be on the bus (on AWS as here).
    const causal = positions.slice(0, 5);
    expect([...causal].sort((a, b) => a - b)).toEqual(causal);
    expect(positions[5]).toBeGreaterThan(positions[3]);
    expect(lines[lines.length - 1]).toBe('final state: shipped');
  });

  it('says so for an unknown id, with exit code 1 (backend from --endpoint-url)', async () => {
    const result = await trace(['00000000-0000-0000-0000-000000000000', '--endpoint-url', cloud.edge]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No log event mentions 00000000-0000-0000-0000-000000000000.');
    expect(result.stdout).toContain(`on ${cloud.edge}`);
  });

  it('refuses bad usage with exit code 2', async () => {
    const result = await trace([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run trace -- <id>');
  });
});

describe('npm run trace when the carrier refuses an order', () => {
  // A 4xx other than 401/407/429 is not retried: the event goes to the rule's DLQ at once
  // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
  const carrier = new FakeEndpoint(() => ({ status: 400, body: '{"message":"no"}' }));
  const failing = tempDataDir();
  let other: RunningCloud;
  let carrierUrl: string;

  beforeAll(async () => {
    carrierUrl = await carrier.start();
    other = await startCli(['--in-memory', '--data-dir', failing.dir, '--config', `carrierEndpoint=${carrierUrl}`]);
  });

  afterAll(async () => {
    await other?.stop();
    await carrier.stop();
    failing.remove();
  });

  it('shows the carrier call dead-lettered, with the error EventBridge recorded', async () => {
    const body = readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8');
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${await customerToken(failing.dir, 'cust-0042')}`,
    };
    const accepted = (await (await fetch(`${other.api}/uploads`, { method: 'POST', headers, body })).json()) as {
      Entries: { EventId: string }[];
    };
    const id = accepted.Entries[0].EventId;
    await pollUntil(
      async () => carrier.requests.length,
      (n) => n > 0,
      90_000,
    );
    // --config as the cloud was started: the trace reads the same graph.
    const args = [id, '--endpoint-url', other.edge, '--config', `carrierEndpoint=${carrierUrl}`];
    let result = await trace(args);
    for (let i = 0; i < 5 && !result.stdout.includes('dead-lettered'); i += 1) result = await trace(args);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const created = lines.findIndex((l) => /event "Order Changed" .*state=pending/.test(l));
    const dead = lines.findIndex((l) =>
      /✗ orders-order-created-dlq-\w+ +dead-lettered rule orders-order-created-\w+ target arn:aws:events:\S+:api-destination\/\S+ after 0 retries \(SDK_CLIENT_ERROR: .*400/.test(
        l,
      ),
    );
    expect(created).toBeGreaterThan(0);
    expect(dead).toBeGreaterThan(created);
    expect(lines[lines.length - 1]).toBe('final state: pending');
  });
});
