/**
 * End to end: customers authenticate with tokens of the user pool the local cloud plays, and act only on their own
 * orders. The carrier is a local server that accepts orders and never confirms them, so orders stay pending and a
 * refused cancellation is refused for its owner, not for the order's state. Then a second local cloud on another
 * data dir shows that generated secrets differ per data dir and that a --config secret is never echoed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  customerToken,
  FakeEndpoint,
  PROJECT_DIR,
  pollUntil,
  RunningCloud,
  scanTable,
  sleep,
  startCli,
  tempDataDir,
} from './harness';

jest.setTimeout(400_000);

const ALICE = 'alice-0001';
const BOB = 'bob-0002';
const carrier = new FakeEndpoint(() => ({ status: 202, body: '{"accepted":true}' }));
const data = tempDataDir();
let cloud: RunningCloud;
const tokens: Record<string, string> = {};

const uploadBody = readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8');

async function call(
  method: string,
  route: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${cloud.api}${route}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function upload(token: string, body: string = uploadBody): Promise<string> {
  const { json } = await call('POST', '/uploads', token, body);
  expect(json.FailedEntryCount).toBe(0);
  return (json.Entries as { EventId: string }[])[0].EventId;
}

const orderOf = async (id: string, token: string) => call('GET', `/orders/${id}`, token);

const tableItems = () => scanTable(cloud);

beforeAll(async () => {
  const local = await carrier.start();
  cloud = await startCli(['--data-dir', data.dir, '--config', `carrierEndpoint=${local}`]);
  tokens.alice = await customerToken(data.dir, ALICE);
  tokens.bob = await customerToken(data.dir, BOB);
});

afterAll(async () => {
  await cloud?.stop();
  await carrier.stop();
  data.remove();
});

describe('customer routes behind the JWT authorizer', () => {
  it.each([
    ['POST', '/uploads'],
    ['POST', '/cancellations'],
    ['GET', '/orders/6a7e8feb-b491-4cf7-a9f1-bf3703467718'],
  ])('answers %s %s without a token with 401 {"message":"Unauthorized"}', async (method, route) => {
    // Act
    const response = await call(method, route, undefined, method === 'POST' ? uploadBody : undefined);

    // Assess
    expect(response).toEqual({ status: 401, json: { message: 'Unauthorized' } });
  });

  it.each([
    ['a token for another audience', { clientId: 'some-other-app' }],
    ['an expired token', { expiresIn: -60 }],
  ])('answers %s with 401, and no order is made', async (_label, options) => {
    // Prepare
    const token = await customerToken(data.dir, ALICE, options);
    const marker = `refused-${Date.now()}`;

    // Act
    const response = await call('POST', '/uploads', token, { ...JSON.parse(uploadBody), idempotencyKey: marker });
    await sleep(1000);

    // Assess
    expect(response).toEqual({ status: 401, json: { message: 'Unauthorized' } });
    expect((await tableItems()).some((item) => String(item.id).includes(marker))).toBe(false);
  });
});

describe('customers act only on their own orders', () => {
  let bobsOrder: string;

  it("records the token's subject as owner, not the customer the body names", async () => {
    // Prepare: examples/upload.json names customer cust-0042; the token is Alice's.
    // Act
    const id = await upload(tokens.alice);
    const mine = await pollUntil(
      () => orderOf(id, tokens.alice),
      (r) => r.status === 200,
      30_000,
    );
    const named = await orderOf(id, await customerToken(data.dir, 'cust-0042'));

    // Assess
    expect(mine.json).toMatchObject({ id, state: 'pending' });
    expect(named.status).toBe(404);
    const item = (await tableItems()).find((i) => i.id === id);
    expect(item).toMatchObject({ ownerId: ALICE, ignoredCustomerId: 'cust-0042' });
  });

  it("does not show Bob's order to Alice: 404, as for an order that does not exist", async () => {
    // Prepare
    bobsOrder = await upload(tokens.bob, JSON.stringify({ ...JSON.parse(uploadBody), idempotencyKey: 'bob-1' }));
    await pollUntil(
      () => orderOf(bobsOrder, tokens.bob),
      (r) => r.status === 200,
      30_000,
    );

    // Act
    const asAlice = await orderOf(bobsOrder, tokens.alice);
    const unknown = await orderOf('00000000-0000-4000-8000-000000000000', tokens.alice);

    // Assess
    expect(asAlice).toEqual({ status: 404, json: { message: `Order ${bobsOrder} not found` } });
    expect(unknown.status).toBe(404);
  });

  it("refuses Alice's cancellation of Bob's order, keeps it visible, and leaves the order unchanged", async () => {
    // Act
    const response = await call('POST', '/cancellations', tokens.alice, {
      orderId: bobsOrder,
      reason: 'I want it gone',
    });
    const refusal = await pollUntil(
      async () =>
        (await tableItems()).find((i) => i.orderId === bobsOrder && String(i.id).startsWith('refused-cancellation#')),
      (found) => found !== undefined,
      30_000,
    );
    const bobsView = await orderOf(bobsOrder, tokens.bob);

    // Assess
    expect(response.status).toBe(200);
    expect(refusal).toMatchObject({
      requestedBy: ALICE,
      refusal: 'The requester does not own the order',
      requestedReason: 'I want it gone',
    });
    expect(bobsView.json).toMatchObject({ id: bobsOrder, state: 'pending', reason: 'Waiting for shipping' });
    expect(bobsView.json).not.toHaveProperty('cancellationReason');
  });

  it('lets Bob cancel his own order', async () => {
    // Act
    await call('POST', '/cancellations', tokens.bob, { orderId: bobsOrder, reason: 'Ordered the wrong edition' });
    const final = await pollUntil(
      () => orderOf(bobsOrder, tokens.bob),
      (r) => r.json.state === 'cancelled',
      30_000,
    );

    // Assess
    expect(final.json).toMatchObject({ state: 'cancelled', cancellationReason: 'Ordered the wrong edition' });
  });
});

describe("the README's customer-token flow", () => {
  it('works as written, against this cloud', async () => {
    // Prepare: the README's commands (the section's first shell block, whatever its tag: it is `manual` there, as
    // it needs a cloud of its own), pointed at this cloud's port and data dir.
    const readme = readFileSync(path.join(PROJECT_DIR, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Customer tokens'));
    const block = /```sh(?: [\w-]+)?\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const lines = block
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, ''))
      .filter((line) => line.startsWith('TOKEN=') || line.startsWith('curl -s -X POST'))
      .map((line) =>
        line
          .replaceAll('http://127.0.0.1:3000', cloud.api)
          .replace(/npm run (-s|--silent) token --/, `$& --data-dir ${data.dir}`),
      );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`token -- --data-dir ${data.dir} --customer `);
    expect(lines[1]).toContain(`${cloud.api}/uploads`);

    // Act
    const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${lines.join('\n')}`], {
      cwd: PROJECT_DIR,
    });
    const answer = JSON.parse(stdout) as { Entries: { EventId: string }[]; FailedEntryCount: number };
    const token = await customerToken(data.dir, /--customer ([^\s)]+)/.exec(lines[0])?.[1] ?? '');
    const order = await pollUntil(
      () => orderOf(answer.Entries[0].EventId, token),
      (r) => r.status === 200,
      30_000,
    );

    // Assess
    expect(answer.FailedEntryCount).toBe(0);
    expect(order.json).toMatchObject({ id: answer.Entries[0].EventId, state: 'pending' });
  });
});

describe('local secrets', () => {
  it('differ between two data dirs, are shown once, and a --config secret is never echoed', async () => {
    // Prepare
    const other = tempDataDir();
    const marker = `configured-${Date.now()}`;
    const firstToken = (
      JSON.parse(readFileSync(path.join(data.dir, 'secrets.json'), 'utf8')) as Record<string, string>
    )['random:callback-token'];
    try {
      // Act
      const second = await startCli(['--data-dir', other.dir, '--config-env', 'carrierApiKey=E2E_CARRIER_KEY'], {
        E2E_CARRIER_KEY: marker,
      });
      const output = second.output();
      await second.stop();

      // Assess
      const shown = /callback-token\s+([A-Za-z0-9]{40})/.exec(output)?.[1];
      expect(shown).toBeDefined();
      expect(shown).not.toBe(firstToken);
      expect(cloud.output()).toContain(firstToken);
      expect(output).not.toContain(marker);
    } finally {
      other.remove();
    }
  });
});
