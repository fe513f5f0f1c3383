/**
 * Calibration: the model with the local profile against the real local cloud (`npm start`), on the same small
 * scenario. The carrier's API destination rate limit is the bottleneck (the rate limit runs in real time locally;
 * only retry back-off is compressed), so the drain time is set by the stack's own settings, read from the graph by
 * the model and enforced by the local cloud. The table is watched through the AWS edge with the DynamoDB client,
 * as any AWS tool would, not through the API.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { runModel } from '../../capacity/model';
import { buildModelInput } from '../../capacity/pipeline';
import { LOCAL_PROFILE, ServiceProfile } from '../../capacity/profiles';
import { readStackPipeline, StackPipeline } from '../../capacity/stack-reader';
import { loadStackGraph } from '../../local/model/load';
import {
  customerToken,
  PROJECT_DIR,
  pollUntil,
  RunningCloud,
  sleep,
  startCli,
  tempDataDir,
} from '../local/e2e/harness';

jest.setTimeout(420_000);

/**
 * The scenario: 60 orders at 2/s against a carrier limit of 1/s (a drain of about a minute), the stage out of the
 * way. The run is dominated by the carrier's rate limit, which the model knows exactly: the local cloud has to do
 * only one order's work per second, so a machine whose CPU is shared (handlers then take ten times longer) still
 * keeps up, and the per-order latency the model has to estimate is a few seconds of the minute. (At 5/s on a busy
 * machine the local cloud's shared pool of ten Lambda workers, not the rate limit, set the pace, and a starved
 * carrier-mock callback times out and is retried, which the model does not know about.)
 */
const CONFIG: Record<string, string> = {
  carrierRateLimitPerSecond: '1',
  throttlingRateLimit: '200',
  throttlingBurstLimit: '400',
};
const ORDERS = 60;
const RATE = 2;
const WARM_UP_ORDERS = 6;

const data = tempDataDir();
let cloud: RunningCloud;
let dynamo: DynamoDBClient;
let table: string;
let authorization: string;
const body = (() => {
  const upload = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  // No idempotency key: every upload is a new order.
  delete upload.idempotencyKey;
  return JSON.stringify(upload);
})();

/**
 * Mean duration (s) of a function's invocations since `sinceMs`, from the REPORT lines the local cloud writes to
 * its log files, as Lambda does to CloudWatch. The machine the test runs on sets how long a handler takes.
 */
function meanDuration(functionName: string, sinceMs: number): number | undefined {
  const file = path.join(data.dir, 'logs', `${functionName}.log`);
  if (!existsSync(file)) return undefined;
  const seconds: number[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\S+) \S+ REPORT .*\tDuration: ([\d.]+) ms/.exec(line);
    if (m && Date.parse(m[1]) >= sinceMs) seconds.push(Number(m[2]) / 1000);
  }
  return seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : undefined;
}

/** The local profile with the handler durations measured in this very run. */
function measuredProfile(stack: StackPipeline, sinceMs: number): ServiceProfile {
  const p = { ...LOCAL_PROFILE };
  p.captureSeconds = meanDuration(stack.capture.name, sinceMs) ?? p.captureSeconds;
  p.confirmSeconds = meanDuration(stack.confirm.name, sinceMs) ?? p.confirmSeconds;
  if (stack.callback.authorizer)
    p.authorizerSeconds = meanDuration(stack.callback.authorizer.fn.name, sinceMs) ?? p.authorizerSeconds;
  if (stack.carrier.mock) {
    // The mock's REPORT covers its callback too; the model adds the callback's API and authorizer time itself.
    const mock = meanDuration(stack.carrier.mock.name, sinceMs);
    if (mock !== undefined) p.carrierMockSeconds = Math.max(0, mock - p.apiSeconds - p.authorizerSeconds);
  }
  return p;
}

async function upload(): Promise<boolean> {
  const response = await fetch(`${cloud.api}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body,
  });
  const json = (await response.json()) as { FailedEntryCount?: number };
  return response.status === 200 && json.FailedEntryCount === 0;
}

async function shippedCount(): Promise<number> {
  let count = 0;
  let key: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':s': { S: 'shipped' } },
        Select: 'COUNT',
        ExclusiveStartKey: key,
      }),
    );
    count += page.Count ?? 0;
    key = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (key);
  return count;
}

beforeAll(async () => {
  cloud = await startCli([
    '--in-memory',
    '--data-dir',
    data.dir,
    ...Object.entries(CONFIG).flatMap(([k, v]) => ['--config', `${k}=${v}`]),
  ]);
  dynamo = new DynamoDBClient({
    endpoint: cloud.edge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tables = (await dynamo.send(new ListTablesCommand({}))).TableNames ?? [];
  table = tables[0];
  // The customer routes want a customer's token (API Gateway's JWT authorizer); one customer uploads every order.
  authorization = `Bearer ${await customerToken(data.dir, 'cust-0042')}`;
});

afterAll(async () => {
  dynamo?.destroy();
  await cloud?.stop();
  data.remove();
});

it("drains within 20% of the model's drain time", async () => {
  // Prepare: warm every function once (cold starts are not what is measured), then let the rate limiter refill.
  for (let i = 0; i < WARM_UP_ORDERS; i++) expect(await upload()).toBe(true);
  expect(await pollUntil(shippedCount, (n) => n >= WARM_UP_ORDERS, 120_000, 500)).toBe(WARM_UP_ORDERS);
  await sleep(2000);

  // Act: the scenario against the local cloud, in real time.
  const started = Date.now();
  const sends: Promise<boolean>[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const wait = started + (i * 1000) / RATE - Date.now();
    if (wait > 0) await sleep(wait);
    sends.push(upload());
  }
  const accepted = (await Promise.all(sends)).filter(Boolean).length;
  const done = await pollUntil(shippedCount, (n) => n >= WARM_UP_ORDERS + accepted, 300_000, 250);
  const measured = (Date.now() - started) / 1000;

  // ... and in the model, from the same graph and config.
  const graph = await loadStackGraph({ projectDir: PROJECT_DIR, configOverrides: CONFIG });
  const stack = readStackPipeline(graph, graph.region);
  const profile = measuredProfile(stack, started);
  const model = runModel(buildModelInput(stack, profile, { streamShards: 1 }), {
    rate: RATE,
    durationSeconds: ORDERS / RATE,
  });
  const fixed = runModel(buildModelInput(stack, LOCAL_PROFILE, { streamShards: 1 }), {
    rate: RATE,
    durationSeconds: ORDERS / RATE,
  });

  // Assess
  console.log(
    `calibration: ${ORDERS} orders at ${RATE}/s, carrier limit ${CONFIG.carrierRateLimitPerSecond}/s: measured drain ${measured.toFixed(1)} s, ` +
      `model ${model.drainSeconds.toFixed(1)} s with this run's handler durations (capture ${profile.captureSeconds.toFixed(3)} s, ` +
      `confirm ${profile.confirmSeconds.toFixed(3)} s, carrier mock ${profile.carrierMockSeconds.toFixed(3)} s), ${fixed.drainSeconds.toFixed(1)} s with the stored local profile`,
  );
  expect(accepted).toBe(ORDERS);
  expect(done).toBe(WARM_UP_ORDERS + ORDERS);
  expect(model.completed).toBeCloseTo(ORDERS, 0);
  expect(Math.abs(model.drainSeconds - measured) / measured).toBeLessThanOrEqual(0.2);
});
