/**
 * `npm run trace` against a running local cloud (the dev stack, `npm start` on free ports, temp data dir): the
 * same code path as against AWS, the backend chosen by AWS_ENDPOINT_URL / --endpoint-url.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PROJECT_DIR, pollUntil, RunningCloud, startCli, tempDataDir } from '../../local/e2e/harness';

jest.setTimeout(300_000);

const TSX = path.join(PROJECT_DIR, 'node_modules', '.bin', 'tsx');
const data = tempDataDir();
let cloud: RunningCloud;

function trace(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, ['tools/trace/cli.ts', ...args], { cwd: PROJECT_DIR, env: { ...process.env, AWS_ENDPOINT_URL: '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 2) : 0, stdout, stderr });
    });
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
    const accepted = (await (await fetch(`${cloud.api}/uploads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as { Entries: { EventId: string }[] };
    const id = accepted.Entries[0].EventId;
    const logs = new CloudWatchLogsClient({ endpoint: cloud.edge, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const shipped = await pollUntil(
      () => logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/events/orders-dev', filterPattern: `{ $.detail.orderId = "${id}" && $.detail.state = "shipped" }` })),
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
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
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
