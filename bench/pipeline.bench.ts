/**
 * The pipeline, end to end, on this machine: `npm run bench:pipeline [-- --orders N] [--concurrency C]`.
 *
 * Starts the local cloud in memory as a user does (`node --import tsx local/cli.ts --in-memory`, `npm start`'s
 * command; with `--persistent`, on a fresh data dir with everything journaled, as `npm start` runs), with a
 * customer token, and the carrier's rate limit at its maximum (300/s) and the stage's throttling raised (burst
 * 5,000, rate 10,000) so neither limit is what is measured. Then, in this order:
 *   1. DynamoDB Local's raw conditional-PutItem rate (concurrency 16, after a warm-up), directly and through the
 *      edge, on a scratch table: an order costs two writes (capture, confirm), so half the direct rate bounds the
 *      pipeline;
 *   2. upload→shipped of single orders at rest (one at a time, the table watched every 10 ms);
 *   3. N uploads at concurrency C through the real HTTP API (POST /uploads), watched on the table itself (its
 *      stream, read straight from DynamoDB Local: not through the API, so watching costs the pipeline no Lambda
 *      invocation) until every accepted order reads `shipped`.
 * It prints orders/s, the bound, their ratio, upload→shipped percentiles, the CPU time each kind of process spent
 * during the burst (node, java; from /proc), and the cloud's resident memory at start, at peak and after settling.
 * It asserts nothing. Uploads carry no idempotencyKey, so every upload is its own order (two writes each).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { tokenFor } from '../local/token-cli';
import { findFreePorts } from '../local/services/kernel/free-port';
import {
  BenchUsageError,
  byName,
  descendants,
  MAX_CONNECTIONS,
  mb,
  ms,
  parsePipelineBenchArgs,
  parseProcStat,
  percentile,
  type ProcessSample,
} from './pipeline-figures';

// The SDK's notice that it will soon need Node 22 would land in the middle of the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROJECT_DIR = path.resolve(__dirname, '..');
const UPLOAD = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as Record<
  string,
  unknown
>;
delete UPLOAD.idempotencyKey;
const UPLOAD_BODY = JSON.stringify(UPLOAD);
const RAW_WARMUP = 500;
const RAW_MEASURED = 2000;
const RAW_CONCURRENCY = 16;
const AT_REST_ORDERS = 3;

const sleep = (msecs: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msecs));

// ----- the local cloud, as a child process ----------------------------------------------------------------------

interface Cloud {
  child: ChildProcess;
  api: string;
  dynamodb: string;
  edge: string;
  tableName: string;
  startSeconds: number;
  stop(): Promise<void>;
}

/** The customer routes want a token of the local issuer (`npm run token`); set once the cloud is ready. */
let authorization = '';

async function startCloud(cpuProfileDir: string | undefined, persistent: boolean): Promise<Cloud> {
  const [port, edgePort] = await findFreePorts(2);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'));
  const args = [
    'local/cli.ts',
    ...(persistent ? [] : ['--in-memory']),
    '--data-dir',
    dataDir,
    '--config',
    'carrierRateLimitPerSecond=300',
    '--config',
    'throttlingBurstLimit=5000',
    '--config',
    'throttlingRateLimit=10000',
  ];
  const started = performance.now();
  // Profiling (`--cpu-prof` is not allowed in NODE_OPTIONS): each node thread of the cloud writes a .cpuprofile into
  // the directory when it ends.
  const profiling = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', ...args], {
    cwd: PROJECT_DIR,
    env: { ...process.env, PORT: String(port), AWS_EDGE_PORT: String(edgePort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Everything up to "Ready." is kept (it names the URLs and outputs); the log lines after it are only drained.
  let startup = '';
  let ready = false;
  const take = (chunk: Buffer): void => {
    if (!ready) startup += chunk.toString('utf8');
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  while (!startup.includes('\nReady.')) {
    if (exited) throw new Error(`the local cloud exited while starting:\n${startup}`);
    if (performance.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new Error(`the local cloud was not ready within 180 s:\n${startup}`);
    }
    await sleep(50);
  }
  ready = true;
  const startSeconds = (performance.now() - started) / 1000;
  const customer = (UPLOAD.customer as { id: string }).id;
  authorization = `Bearer ${await tokenFor({ customer, dataDir, expiresIn: 3600 }, PROJECT_DIR)}`;
  const dynamodb = /DynamoDB Local\s+(http:\/\/\S+)/.exec(startup)?.[1];
  const tableName = /tableName: "([^"]+)"/.exec(startup)?.[1];
  if (!dynamodb || !tableName)
    throw new Error(`could not read DynamoDB Local's URL and the table name from the start-up:\n${startup}`);
  return {
    child,
    api: `http://127.0.0.1:${port}`,
    edge: `http://127.0.0.1:${edgePort}`,
    dynamodb,
    tableName,
    startSeconds,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exit;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

// ----- 1. the raw conditional-put rate ------------------------------------------------------------------------

/** Runs `count` calls of `task`, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next;
      next += 1;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** An item about the size and shape of a pending order. */
function orderLikeItem(id: string): Record<string, AttributeValue> {
  const now = new Date().toISOString();
  return {
    id: { S: id },
    state: { S: 'pending' },
    reason: { S: 'Waiting for shipping' },
    createdAt: { S: now },
    updatedAt: { S: now },
    uploadedAt: { S: now },
    upload: { S: UPLOAD_BODY },
  };
}

async function rawPutRate(client: DynamoDBClient, label: string): Promise<number | undefined> {
  const table = `bench-raw-puts-${label}-${process.pid}`;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
    const put = (prefix: string) => async (i: number) => {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: orderLikeItem(`${prefix}-${i}`),
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    };
    await pool(RAW_WARMUP, RAW_CONCURRENCY, put('warm'));
    const started = performance.now();
    await pool(RAW_MEASURED, RAW_CONCURRENCY, put('measured'));
    return RAW_MEASURED / ((performance.now() - started) / 1000);
  } catch (error) {
    console.log(`  (${label}: ${(error as Error).message})`);
    return undefined;
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  }
}

// ----- uploads through the HTTP API ---------------------------------------------------------------------------

interface UploadResult {
  status: number;
  orderId?: string;
  sentAt: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });

function upload(api: string): Promise<UploadResult> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const req = request(
      `${api}/uploads`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let orderId: string | undefined;
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              FailedEntryCount?: number;
              Entries?: { EventId?: string }[];
            };
            if (body.FailedEntryCount === 0) orderId = body.Entries?.[0]?.EventId;
          } catch {
            // not JSON: counted by its status
          }
          resolve({ status: res.statusCode ?? 0, orderId, sentAt });
        });
        res.on('error', () => resolve({ status: 0, sentAt }));
      },
    );
    req.on('error', () => resolve({ status: 0, sentAt }));
    req.end(UPLOAD_BODY);
  });
}

// ----- 2. one order at rest -----------------------------------------------------------------------------------

async function orderAtRest(api: string, table: DynamoDBClient, tableName: string): Promise<number | undefined> {
  const result = await upload(api);
  if (!result.orderId) return undefined;
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const item = await table.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { id: { S: result.orderId } },
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'state' },
      }),
    );
    if (item.Item?.state?.S === 'shipped') return performance.now() - result.sentAt;
    await sleep(10);
  }
  return undefined;
}

// ----- watching the table ------------------------------------------------------------------------------------

/**
 * Follows the table's own stream, straight from DynamoDB Local, as a second reader beside the pipe (a DynamoDB
 * stream shard serves up to two readers at once: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html).
 * Unlike a Scan it costs DynamoDB Local work in proportion to the changes, not to the table's size, and it sees
 * each order the moment it turns `shipped` (within one 100 ms poll).
 */
class ShippedWatcher {
  readonly shippedAt = new Map<string, number>();
  /** When each order first appeared in the stream (its capture): splits upload→shipped in two. */
  readonly capturedAt = new Map<string, number>();
  polls = 0;
  private readonly iterators = new Map<string, string | undefined>();
  private stopped = false;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
  ) {}

  static async start(endpoint: string, table: DynamoDBClient, tableName: string): Promise<ShippedWatcher> {
    const described = await table.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = described.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`${tableName} has no stream to watch`);
    const streams = new DynamoDBStreamsClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const watcher = new ShippedWatcher(streams, streamArn);
    await watcher.discoverShards();
    return watcher;
  }

  /** New shards start at their beginning; a shard seen before keeps its place. */
  private async discoverShards(): Promise<void> {
    const stream = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of stream.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
      const iterator = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      this.iterators.set(shard.ShardId, iterator.ShardIterator);
    }
  }

  /** Polls until `done()` holds or the deadline passes. */
  async run(done: () => boolean, deadline: number): Promise<void> {
    let lastDiscovery = performance.now();
    while (!this.stopped && performance.now() < deadline && !done()) {
      for (const [shardId, iterator] of this.iterators) {
        if (!iterator) continue;
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const now = performance.now();
        for (const record of page.Records ?? []) {
          const image = record.dynamodb?.NewImage;
          const id = image?.id?.S;
          if (id && !this.capturedAt.has(id)) this.capturedAt.set(id, now);
          if (id && image?.state?.S === 'shipped' && !this.shippedAt.has(id)) this.shippedAt.set(id, now);
        }
        this.iterators.set(shardId, page.NextShardIterator);
      }
      this.polls += 1;
      if (performance.now() - lastDiscovery > 2000) {
        await this.discoverShards();
        lastDiscovery = performance.now();
      }
      await sleep(100);
    }
  }

  stop(): void {
    this.stopped = true;
    this.streams.destroy();
  }
}

// ----- CPU and memory of the cloud's processes ----------------------------------------------------------------

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

function processTree(root: number): ProcessSample[] {
  const all: ProcessSample[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      all.push(parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'), TICKS, PAGE));
    } catch {
      // the process ended meanwhile
    }
  }
  return descendants(all, root);
}

const totalRss = (tree: readonly ProcessSample[]): number => tree.reduce((n, p) => n + p.rssBytes, 0);

/** node and java by name; the helpers around them (tsx's shell, esbuild's service) as "other". */
function kind(name: string): string {
  return name === 'node' || name === 'java' ? name : 'other';
}

function rssLine(tree: readonly ProcessSample[]): string {
  const sums = new Map<string, number>();
  for (const [name, s] of byName(tree)) sums.set(kind(name), (sums.get(kind(name)) ?? 0) + s.rssBytes);
  return `${mb(totalRss(tree))} (${[...sums].map(([name, bytes]) => `${name} ${mb(bytes)}`).join(', ')})`;
}

// ----- 3. the burst -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parsePipelineBenchArgs(process.argv.slice(2));
  const mode = args.persistent ? 'persistent (journals on)' : 'in memory';
  console.log(
    `bench:pipeline: ${args.orders} orders at concurrency ${args.concurrency}; starting the local cloud ${mode}…`,
  );
  if (args.cpuProfileDir) args.cpuProfileDir = path.resolve(args.cpuProfileDir);
  const cloud = await startCloud(args.cpuProfileDir, args.persistent === true);
  try {
    console.log(`  ready in ${cloud.startSeconds.toFixed(1)} s (table ${cloud.tableName})`);
    const direct = dynamoClient(cloud.dynamodb);
    const viaEdge = dynamoClient(cloud.edge);

    console.log(
      `measuring DynamoDB Local's conditional PutItem rate (${RAW_WARMUP} warm-up, ${RAW_MEASURED} measured, concurrency ${RAW_CONCURRENCY})…`,
    );
    // Through the edge first: its run also warms DynamoDB Local's JVM further for the direct figure the bound uses.
    const rawEdge = await rawPutRate(viaEdge, 'edge');
    const rawDirect = await rawPutRate(direct, 'direct');

    console.log(`single orders at rest (${AT_REST_ORDERS}, one after another)…`);
    const atRest: (number | undefined)[] = [];
    for (let i = 0; i < AT_REST_ORDERS; i += 1) atRest.push(await orderAtRest(cloud.api, direct, cloud.tableName));

    await sleep(2000);
    const startTree = processTree(cloud.child.pid ?? -1);
    let peakTree = startTree;
    const cpuStart = process.cpuUsage();
    const sampler = setInterval(() => {
      const tree = processTree(cloud.child.pid ?? -1);
      if (totalRss(tree) > totalRss(peakTree)) peakTree = tree;
    }, 500);

    const watcher = await ShippedWatcher.start(cloud.dynamodb, direct, cloud.tableName);
    console.log(`pushing ${args.orders} uploads…`);
    const results: UploadResult[] = [];
    const burstStart = performance.now();
    const accepted = new Map<string, number>();
    let uploadsDone = false;
    const watching = watcher.run(
      () => uploadsDone && [...accepted.keys()].every((id) => watcher.shippedAt.has(id)),
      burstStart + Math.max(300_000, args.orders * 600),
    );
    await pool(args.orders, args.concurrency, async () => {
      const result = await upload(cloud.api);
      results.push(result);
      if (result.orderId) accepted.set(result.orderId, result.sentAt);
    });
    const uploadSeconds = (performance.now() - burstStart) / 1000;
    uploadsDone = true;
    await watching;
    watcher.stop();
    const shippedAt = watcher.shippedAt;
    const endTree = processTree(cloud.child.pid ?? -1);
    const cpuBench = process.cpuUsage(cpuStart);
    clearInterval(sampler);
    await sleep(5000);
    const settleTree = processTree(cloud.child.pid ?? -1);

    // ----- figures -----
    const latencies = [...accepted]
      .filter(([id]) => shippedAt.has(id))
      .map(([id, sent]) => (shippedAt.get(id) as number) - sent)
      .sort((a, b) => a - b);
    // Where orders wait: before their capture (the API, the bus, the capturing function's queue) or after it (the
    // stream, the pipe, the carrier, the confirmation).
    const stages = [...accepted]
      .filter(([id]) => shippedAt.has(id) && watcher.capturedAt.has(id))
      .map(([id, sent]) => {
        const captured = watcher.capturedAt.get(id) as number;
        return { toCapture: captured - sent, toShipped: (shippedAt.get(id) as number) - captured };
      });
    const toCapture = stages.map((s) => s.toCapture).sort((a, b) => a - b);
    const toShipped = stages.map((s) => s.toShipped).sort((a, b) => a - b);
    const lastShipped = Math.max(...[...accepted.keys()].map((id) => shippedAt.get(id) ?? 0));
    const shipped = latencies.length;
    const seconds = (lastShipped - burstStart) / 1000;
    const rate = shipped / seconds;
    const bound = rawDirect === undefined ? undefined : rawDirect / 2;
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const cpuDelta = new Map<string, number>();
    const before = new Map(startTree.map((p) => [p.pid, p.cpuSeconds]));
    for (const p of endTree)
      cpuDelta.set(kind(p.name), (cpuDelta.get(kind(p.name)) ?? 0) + p.cpuSeconds - (before.get(p.pid) ?? 0));

    console.log('');
    console.log('Figures (one run; 2-core machine shared with other work, so read them as of this run):');
    console.log(
      `  DynamoDB Local conditional PutItem:  ${rawDirect?.toFixed(0) ?? 'n/a'}/s direct, ${rawEdge?.toFixed(0) ?? 'n/a'}/s through the edge`,
    );
    console.log(`  bound (direct rate / 2 writes):      ${bound?.toFixed(0) ?? 'n/a'} orders/s`);
    console.log(
      `  uploads:                             ${results.length} sent in ${uploadSeconds.toFixed(1)} s; HTTP ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}; ${accepted.size} accepted (FailedEntryCount 0)`,
    );
    console.log(
      `  shipped:                             ${shipped} of ${accepted.size} in ${seconds.toFixed(1)} s (first upload → last shipped)`,
    );
    console.log(
      `  throughput:                          ${rate.toFixed(1)} orders/s; ratio to the bound ${bound ? (rate / bound).toFixed(3) : 'n/a'}`,
    );
    console.log(
      `  upload→shipped under the burst:      p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies[latencies.length - 1])}`,
    );
    console.log(
      `    of which upload→captured:          p50 ${ms(percentile(toCapture, 50))}, p95 ${ms(percentile(toCapture, 95))}; captured→shipped: p50 ${ms(percentile(toShipped, 50))}, p95 ${ms(percentile(toShipped, 95))}`,
    );
    console.log(
      `  upload→shipped, one order at rest:   ${atRest.map(ms).join(', ')} (the first pays the functions' cold starts)`,
    );
    console.log(
      `  watch:                               the table's stream, polled every 100 ms (${watcher.polls} polls)`,
    );
    console.log(
      `  CPU during the burst:                ${[...cpuDelta].map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ')}; this benchmark ${((cpuBench.user + cpuBench.system) / 1e6).toFixed(1)} s`,
    );
    console.log(`  cloud RSS at start:                  ${rssLine(startTree)}`);
    console.log(`  cloud RSS at peak:                   ${rssLine(peakTree)}`);
    console.log(`  cloud RSS 5 s after settling:        ${rssLine(settleTree)}`);
  } finally {
    agent.destroy();
    await cloud.stop();
    if (args.cpuProfileDir) console.log(`CPU profiles of the cloud's threads: ${args.cpuProfileDir}`);
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof BenchUsageError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error),
  );
  process.exit(error instanceof BenchUsageError ? 2 : 1);
});
