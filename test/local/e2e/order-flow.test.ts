/**
 * End to end, as a user runs it: `npm start` (the CLI) with the dev stack, a persistent data dir, real HTTP to the
 * API, real AWS SDK clients on the edge. Names of this project's routes and config appear here on purpose: these
 * tests check the stack running in the local cloud. One start-up, then one restart for the persistence check.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { RulePatterns } from '../../../handlers/contract';
import { customerToken, PROJECT_DIR, pollUntil, RunningCloud, sleep, startCli, tempDataDir } from './harness';

jest.setTimeout(300_000);

interface OrderView {
  id: string;
  state: string;
  reason: string;
  errors?: unknown[];
}

const data = tempDataDir();
let cloud: RunningCloud;
/** The customer routes want a token of the user pool the local cloud plays. */
let token: string;

async function upload(
  body: string,
): Promise<{ status: number; json: { Entries: { EventId?: string }[]; FailedEntryCount: number } }> {
  const response = await fetch(`${cloud.api}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return {
    status: response.status,
    json: (await response.json()) as { Entries: { EventId?: string }[]; FailedEntryCount: number },
  };
}

async function getOrder(id: string): Promise<{ status: number; order?: OrderView }> {
  const response = await fetch(`${cloud.api}/orders/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    order: response.status === 200 ? ((await response.json()) as OrderView) : undefined,
  };
}

/** Uploads the example order (under a key of its own, so no test sees another's order) and waits until it ships. */
async function shipAnOrder(): Promise<{
  id: string;
  accepted: Awaited<ReturnType<typeof upload>>;
  final: Awaited<ReturnType<typeof getOrder>>;
}> {
  const example = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const accepted = await upload(
    JSON.stringify({ ...example, idempotencyKey: `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}` }),
  );
  const id = accepted.json.Entries[0].EventId as string;
  const final = await pollUntil(
    () => getOrder(id),
    (r) => r.order?.state === 'shipped',
    60_000,
  );
  return { id, accepted, final };
}

function logText(): string {
  const dir = path.join(data.dir, 'logs');
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

beforeAll(async () => {
  cloud = await startCli(['--data-dir', data.dir]);
  token = await customerToken(data.dir, 'cust-0042');
});

afterAll(async () => {
  await cloud?.stop();
  data.remove();
});

describe('the dev stack in the local cloud', () => {
  it('prints what it built, the URLs and a ready-to-paste curl', () => {
    const output = cloud.output();
    expect(output).toContain('aws:apigatewayv2/route:Route');
    // IAM enforcement is on by default, so the roles count as emulated (enforced); alarms are only declared.
    expect(output).toMatch(/\d+ ×\s+aws:iam\/role:Role\s+\[IAM, enforced\]/);
    expect(output).toMatch(/Not emulated .*\n(.*\n)*.*aws:cloudwatch\/metricAlarm:MetricAlarm/);
    expect(output).toContain(`HTTP API`);
    expect(output).toContain(cloud.api);
    expect(output).toContain(cloud.edge);
    expect(output).toContain('TOKEN=$(npm run --silent token -- --customer <user id>)');
    expect(output).toContain(
      `curl -sS -X POST ${cloud.api}/uploads -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d @examples/upload.json`,
    );
  });

  it('enforces IAM by default, and the real stack has no hop AWS would deny', () => {
    const output = cloud.output();
    expect(output).toContain('IAM enforcement: on (`--iam off` turns it off).');
    expect(output).toMatch(/IAM: [1-9]\d* permission checks on this stack's hops, 0 would be denied on AWS/);
    expect(output).not.toContain('[iam] DENIED');
  });

  it('takes an upload to shipped through the carrier mock', async () => {
    // Act
    const { id, accepted, final } = await shipAnOrder();
    // Assess
    expect(accepted.status).toBe(200);
    expect(accepted.json.FailedEntryCount).toBe(0);
    expect(final.order).toMatchObject({ id, state: 'shipped' });
    // The console shows one line per state change (package.json's localCloud.stateChanges), not every log line.
    await pollUntil(
      async () => cloud.output(),
      (out) => /state=shipped/.test(out),
      10_000,
    );
    expect(cloud.output()).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z /aws/events/\\S+ Order Changed: orderId=${id} state=pending`, 'm'),
    );
    expect(cloud.output()).toMatch(new RegExp(`Order Changed: orderId=${id} state=shipped`));
    expect(cloud.output()).not.toMatch(/^\S+Z capture-order-\S+ (START|END|REPORT) RequestId/m);
  });

  it('records an empty upload as a rejected order with its reasons', async () => {
    const accepted = await upload('{}');
    const id = accepted.json.Entries[0].EventId as string;
    const final = await pollUntil(
      () => getOrder(id),
      (r) => r.status === 200,
      30_000,
    );
    expect(final.order?.state).toBe('rejected');
    expect(final.order?.reason).not.toBe('');
    expect(Array.isArray(final.order?.errors) && (final.order?.errors?.length ?? 0) > 0).toBe(true);
  });

  it('refuses /confirm-shipment without credentials (401) and puts no event on the bus', async () => {
    // Prepare: a marker that would show up in the catch-all log group if an event were put.
    const marker = `no-credentials-${Date.now()}`;
    const control = `control-${Date.now()}`;
    // Act
    const refused = await fetch(`${cloud.api}/confirm-shipment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order_id: marker }),
    });
    const wrong = await fetch(`${cloud.api}/confirm-shipment`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong' },
      body: JSON.stringify({ order_id: marker }),
    });
    await upload(JSON.stringify({ idempotencyKey: control }));
    await pollUntil(
      async () => logText(),
      (text) => text.includes(control),
      30_000,
    );
    await sleep(500);
    // Assess
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: 'Unauthorized' });
    expect(wrong.status).toBe(403);
    expect(logText()).not.toContain(marker);
  });

  it('answers TestEventPattern through the AWS SDK on the edge', async () => {
    const client = new EventBridgeClient({
      endpoint: cloud.edge,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const event = (detailType: string) =>
      JSON.stringify({
        id: '1',
        'detail-type': detailType,
        source: RulePatterns.orderUploaded.source[0],
        account: '123456789012',
        time: '2026-01-01T00:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: {},
      });
    const yes = await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify(RulePatterns.orderUploaded),
        Event: event(RulePatterns.orderUploaded['detail-type'][0]),
      }),
    );
    const no = await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify(RulePatterns.orderUploaded),
        Event: event('Something Else'),
      }),
    );
    client.destroy();
    expect(yes.Result).toBe(true);
    expect(no.Result).toBe(false);
  });

  it('keeps orders across a restart with the same data dir, and stops with exit code 0', async () => {
    // Prepare: an order of this test's own.
    const { id: shippedId } = await shipAnOrder();
    // Act
    const code = await cloud.stop();
    expect(code).toBe(0);
    cloud = await startCli(['--data-dir', data.dir]);
    const after = await getOrder(shippedId);
    expect(after.order).toMatchObject({ id: shippedId, state: 'shipped' });
  });
});
