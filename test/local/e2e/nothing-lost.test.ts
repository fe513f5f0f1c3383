/**
 * Nothing lost (issue 9), end to end as a user runs it: `npm start` on a persistent data dir, a batch of uploads in
 * flight, then (a) `kill -9` of the whole process group at a random point and a restart on the same data dir, or
 * (b) DynamoDB Local killed while the local cloud keeps running. Every EventId the client got must end `shipped`,
 * `rejected`, or in a dead-letter queue read through SQS on the edge: zero missing, zero stranded.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { customerToken, pollUntil, PROJECT_DIR, RunningCloud, sleep, startCli, tempDataDir } from './harness';

jest.setTimeout(240_000);

const ORDERS = 40;
const example = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as Record<
  string,
  unknown
>;

interface Accounting {
  shipped: string[];
  rejected: string[];
  deadLettered: string[];
  stranded: { id: string; state: string }[];
  missing: string[];
}

/** Sends `count` uploads, a few at a time; returns the EventIds answered (a request cut by a crash has none). */
async function uploadBatch(cloud: RunningCloud, token: string, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  const one = async (n: number): Promise<void> => {
    try {
      const body = JSON.stringify({
        ...example,
        idempotencyKey: `${label}-${n}-${Math.random().toString(36).slice(2)}`,
      });
      const response = await fetch(`${cloud.api}/uploads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      if (response.status !== 200) return;
      const json = (await response.json()) as { Entries?: { EventId?: string }[] };
      const id = json.Entries?.[0]?.EventId;
      if (id) ids.push(id);
    } catch {
      // the connection died with the process: the client got no EventId
    }
  };
  for (let n = 0; n < count; n += 4) {
    await Promise.all([0, 1, 2, 3].filter((i) => n + i < count).map((i) => one(n + i)));
    await sleep(20);
  }
  return ids;
}

/** Where each EventId ended: the order's state through the API, else the DLQs (read through SQS on the edge). */
async function account(cloud: RunningCloud, token: string, ids: string[], timeoutMs: number): Promise<Accounting> {
  const sqs = new SQSClient({
    endpoint: cloud.edge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const dlqBodies: string[] = [];
  const started = Date.now();
  let result: Accounting;
  try {
    for (;;) {
      // Each message is seen once and then hidden for 60 s; it stays in its queue, so it counts from then on.
      const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
      for (const QueueUrl of QueueUrls) {
        for (;;) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
          );
          dlqBodies.push(...Messages.map((m) => m.Body ?? ''));
          if (Messages.length === 0) break;
        }
      }
      result = { shipped: [], rejected: [], deadLettered: [], stranded: [], missing: [] };
      for (const id of ids) {
        const response = await fetch(`${cloud.api}/orders/${id}`, { headers: { authorization: `Bearer ${token}` } });
        const order = response.status === 200 ? ((await response.json()) as { state: string }) : undefined;
        if (order?.state === 'shipped') result.shipped.push(id);
        else if (order?.state === 'rejected') result.rejected.push(id);
        else if (dlqBodies.some((body) => body.includes(id))) result.deadLettered.push(id);
        else if (order) result.stranded.push({ id, state: order.state });
        else result.missing.push(id);
      }
      if (result.stranded.length + result.missing.length === 0 || Date.now() - started > timeoutMs) return result;
      await sleep(1000);
    }
  } finally {
    sqs.destroy();
  }
}

describe('nothing lost', () => {
  it('(a) kill -9 of the whole process group mid-batch, restart on the same data dir: every EventId ends shipped, rejected or in a DLQ', async () => {
    const data = tempDataDir();
    let cloud: RunningCloud | undefined;
    try {
      cloud = await startCli(['--data-dir', data.dir], {}, 150_000, { detached: true });
      const token = await customerToken(data.dir, 'cust-0042');
      // A random point: somewhere while the batch is being uploaded and processed.
      const killAfterMs = 300 + Math.floor(Math.random() * 2500);
      const uploading = uploadBatch(cloud, token, ORDERS, 'crash');
      await sleep(killAfterMs);
      await cloud.killGroup();
      const ids = await uploading;
      expect(ids.length).toBeGreaterThan(0);

      cloud = await startCli(['--data-dir', data.dir], {}, 150_000, { detached: true, ports: cloud.ports });
      const restarted = Date.now();
      const result = await account(cloud, token, ids, 90_000);
      const summary = `killed after ${killAfterMs} ms, accounted ${Math.round((Date.now() - restarted) / 1000)} s after the restart; ${ids.length} EventIds: ${result.shipped.length} shipped, ${result.rejected.length} rejected, ${result.deadLettered.length} dead-lettered`;
      console.log(`nothing lost (a): ${summary}`);
      expect({ summary, stranded: result.stranded, missing: result.missing }).toEqual({
        summary,
        stranded: [],
        missing: [],
      });
    } finally {
      await cloud?.stop();
      data.remove();
    }
  });

  it('(b) DynamoDB Local killed mid-batch: noticed at once, restarted with its data, and every EventId still accounted for', async () => {
    const data = tempDataDir();
    let cloud: RunningCloud | undefined;
    try {
      cloud = await startCli(['--data-dir', data.dir], {}, 150_000);
      const edge = cloud.edge;
      const token = await customerToken(data.dir, 'cust-0042');
      const health = async (): Promise<{
        status: number;
        body: { status: string; dependencies: { dynamodb: { status: string; pid: number; restarts: number } } };
      }> => {
        const response = await fetch(`${edge}/_local/health`);
        return { status: response.status, body: (await response.json()) as never };
      };
      const before = await health();
      expect(before).toMatchObject({
        status: 200,
        body: { status: 'ok', dependencies: { dynamodb: { status: 'up', restarts: 0 } } },
      });

      const uploading = uploadBatch(cloud, token, ORDERS, 'ddb');
      await sleep(300 + Math.floor(Math.random() * 1000));
      process.kill(before.body.dependencies.dynamodb.pid, 'SIGKILL');
      const killedAt = Date.now();
      // Noticed within a second, on the edge's health endpoint and on the console.
      let during = await health();
      while (during.body.dependencies.dynamodb.status === 'up' && Date.now() - killedAt < 1000) during = await health();
      expect(during).toMatchObject({
        status: 503,
        body: { status: 'degraded', dependencies: { dynamodb: { status: 'restarting' } } },
      });
      const ids = await uploading;

      // Back without a restart of the local cloud: same port, same data; a new order goes all the way again.
      let after = await health();
      while (after.body.dependencies.dynamodb.status !== 'up' && Date.now() - killedAt < 90_000) {
        await sleep(250);
        after = await health();
      }
      expect(after).toMatchObject({
        status: 200,
        body: { status: 'ok', dependencies: { dynamodb: { status: 'up', restarts: 1 } } },
      });
      expect(cloud.output()).toMatch(
        /DynamoDB Local exited unexpectedly \(code null, signal SIGKILL\); restarting it on port \d+ with its data/,
      );
      // The console is written in batches (every 50 ms): the line may follow the health answer by a moment.
      const running = cloud;
      const back = () => /DynamoDB Local is back on port \d+/.test(running.output());
      expect(await pollUntil(async () => back(), Boolean, 5_000, 50)).toBe(true);
      const [fresh] = await uploadBatch(cloud, token, 1, 'ddb-after');
      ids.push(fresh);
      const result = await account(cloud, token, ids, 90_000);
      expect(result.shipped).toContain(fresh);
      const summary = `accounted ${Math.round((Date.now() - killedAt) / 1000)} s after the kill; ${ids.length} EventIds: ${result.shipped.length} shipped, ${result.rejected.length} rejected, ${result.deadLettered.length} dead-lettered`;
      console.log(`nothing lost (b): ${summary}`);
      expect({ summary, stranded: result.stranded, missing: result.missing }).toEqual({
        summary,
        stranded: [],
        missing: [],
      });
    } finally {
      await cloud?.stop();
      data.remove();
    }
  });
});
