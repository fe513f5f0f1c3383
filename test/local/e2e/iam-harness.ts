/** Starting the real stack's local cloud with IAM mutations (test-only editGraph), and reading what it did. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CloudHandle, startCloud } from '../../../local/cloud';
import type { StackGraph } from '../../../local/model/load';
import { Edit, edited } from '../iam/graph-edits';
import { PROJECT_DIR, pollUntil, tempDataDir } from './harness';

export const T = {
  queue: 'aws:sqs/queue:Queue',
  bus: 'aws:cloudwatch/eventBus:EventBus',
  table: 'aws:dynamodb/table:Table',
  api: 'aws:apigatewayv2/api:Api',
};
/** A user's own credentials (not a function's): the account's administrator, allowed everything. */
export const ADMIN = { accessKeyId: 'AKIAUSEREXAMPLE00001', secretAccessKey: 'user-secret' };

export interface Running {
  cloud: CloudHandle;
  lines: string[];
  dataDir: string;
  remove(): void;
}

export async function startMutated(edits: (graph: StackGraph) => Edit[]): Promise<Running> {
  const data = tempDataDir();
  const lines: string[] = [];
  const cloud = await startCloud({
    projectDir: PROJECT_DIR,
    dataDir: data.dir,
    port: 0,
    edgePort: 0,
    logOut: (line) => lines.push(line),
    editGraph: (graph) => edited(graph, ...edits(graph)),
  });
  return { cloud, lines, dataDir: data.dir, remove: data.remove };
}

export function physical(graph: StackGraph, type: string, name: string): { arn: string; name: string } {
  const found = graph.ofType(type).find((r) => r.name === name);
  if (!found) throw new Error(`${type} ${name} not in the graph`);
  return { arn: String(found.state.arn), name: String(found.state.name ?? found.name) };
}

export async function drain(cloud: CloudHandle, queueName: string, waitMs = 60_000) {
  const arn = physical(cloud.graph, T.queue, queueName).arn;
  const got = await pollUntil(
    () => cloud.services.sqs.receiveMessages(arn, 10, 0, 0, { messageAttributeNames: ['All'] }),
    (m) => m.length > 0,
    waitMs,
    250,
  );
  return got;
}

export function putEvents(cloud: CloudHandle, entries: { Source: string; DetailType: string; Detail: string }[]) {
  const client = new EventBridgeClient({ endpoint: cloud.urls.edge, region: cloud.graph.region, credentials: ADMIN });
  const bus = physical(cloud.graph, T.bus, 'orders').name;
  return client
    .send(new PutEventsCommand({ Entries: entries.map((e) => ({ ...e, EventBusName: bus })) }))
    .finally(() => client.destroy());
}

export function uploadBody(): string {
  const example = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return JSON.stringify({ ...example, idempotencyKey: `iam-${Date.now()}-${Math.random().toString(36).slice(2)}` });
}

export function accessLog(lines: string[], routeKey: string): Record<string, string> | undefined {
  for (const line of lines) {
    const start = line.indexOf('{"requestId"');
    if (start < 0) continue;
    const entry = JSON.parse(line.slice(start)) as Record<string, string>;
    if (entry.routeKey === routeKey) return entry;
  }
  return undefined;
}
