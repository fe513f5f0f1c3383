/**
 * End to end: customer data stays in the table. After an upload has gone all the way to shipped, the catch-all log
 * group and the bus archive (the local cloud's files for them) hold the order's changes but none of the customer's
 * data; neither do the handlers' logs. Names of this project's routes appear here on purpose: this test checks the
 * stack running in the local cloud.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { customerToken, PROJECT_DIR, pollUntil, RunningCloud, startCli, tempDataDir } from './harness';

jest.setTimeout(300_000);

const data = tempDataDir();
let cloud: RunningCloud;

/** Every file of a data-dir folder whose name passes `pick`, name → content. */
function filesOf(folder: string, pick: (name: string) => boolean): Record<string, string> {
  const dir = path.join(data.dir, folder);
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter(pick)
      .map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]),
  );
}

beforeAll(async () => {
  cloud = await startCli(['--data-dir', data.dir]);
});

afterAll(async () => {
  await cloud?.stop();
  data.remove();
});

it('keeps the customer email, name and address out of the catch-all log, the archive and the handler logs', async () => {
  // Prepare: the example upload with a customer email no other test uses
  const upload = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as {
    customer: { email: string };
    shippingAddress: { name: string; line1: string; postalCode: string };
    idempotencyKey: string;
  };
  const stamp = Date.now();
  upload.customer.email = `pii-check-${stamp}@example.com`;
  upload.shippingAddress.name = `Grace Hopper ${stamp}`;
  upload.idempotencyKey = `pii-check-${stamp}`;
  const customerData = [
    upload.customer.email,
    upload.shippingAddress.name,
    upload.shippingAddress.line1,
    upload.shippingAddress.postalCode,
  ];

  // Act: upload, and wait until the order has shipped (every order change has then passed the bus)
  const authorization = `Bearer ${await customerToken(data.dir, 'cust-0042')}`;
  const response = await fetch(`${cloud.api}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(upload),
  });
  const id = ((await response.json()) as { Entries: { EventId: string }[] }).Entries[0].EventId;
  const shipped = await pollUntil(
    async () =>
      (await fetch(`${cloud.api}/orders/${id}`, { headers: { authorization } })).json() as Promise<{ state?: string }>,
    (order) => order.state === 'shipped',
    90_000,
  );
  const catchAll = await pollUntil(
    async () => filesOf('logs', (name) => name.startsWith('aws_events_')),
    (files) => Object.values(files).some((text) => text.includes(id) && text.includes('shipped')),
    30_000,
  );
  const archives = filesOf('archives', (name) => name.endsWith('.jsonl'));
  const handlerLogs = filesOf('logs', (name) => !name.startsWith('aws_events_'));

  // Assess: the files exist and saw this order, so their silence about the customer means something
  expect(response.status).toBe(200);
  expect(shipped.state).toBe('shipped');
  expect(Object.values(catchAll).join('\n')).toContain(id);
  expect(Object.values(archives).join('\n')).toContain(id);
  expect(Object.keys(handlerLogs).length).toBeGreaterThan(0);
  for (const [name, text] of Object.entries({ ...catchAll, ...archives, ...handlerLogs })) {
    for (const value of customerData)
      expect({ file: name, leaks: text.includes(value) }).toEqual({ file: name, leaks: false });
  }
});
