/**
 * Starts the local cloud the way a user does (`node --import tsx local/cli.ts`, i.e. `npm start`) on free ports,
 * waits for it to say it is ready, and stops it with SIGTERM as Ctrl-C would. Shared by the end-to-end tests.
 */
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findFreePort, findFreePorts } from '../../../local/services/kernel/free-port';
import { tokenFor, type TokenOptions } from '../../../local/token-cli';

/** A free loopback port (the local cloud's own helper). */
export const freePort = findFreePort;

export const PROJECT_DIR = path.resolve(__dirname, '..', '..', '..');

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'local-cloud-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningCloud {
  api: string;
  edge: string;
  /** The ports, to start again on the same ones (clients keep their URLs across a restart). */
  ports: { api: number; edge: number };
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
  /** `kill -9` of the whole process group (only with `detached`: the CLI leads its own group), then waits for the exit. */
  killGroup(): Promise<void>;
}

export interface StartCliOptions {
  /** Spawn in a process group of its own, so `killGroup` can kill it with every child (tsx, node, java). */
  detached?: boolean;
  /** Listen on these ports instead of free ones. */
  ports?: { api: number; edge: number };
}

export async function startCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 150_000,
  options: StartCliOptions = {},
): Promise<RunningCloud> {
  // Ports the caller sets itself (CONSOLE_PORT, …) are not picked again for the API or the edge.
  const taken = Object.entries(env).flatMap(([name, value]) => (name.endsWith('PORT') ? [Number(value)] : []));
  const [port, edgePort] = options.ports ? [options.ports.api, options.ports.edge] : await findFreePorts(2, taken);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...args], {
    cwd: PROJECT_DIR,
    env: { ...process.env, PORT: String(port), AWS_EDGE_PORT: String(edgePort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached === true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  exited.then(
    () => (done = true),
    () => undefined,
  );

  const started = Date.now();
  while (!output.includes('\nReady.')) {
    if (done) throw new Error(`the local cloud exited before it was ready:\n${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the local cloud was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await sleep(200);
  }
  return {
    api: `http://127.0.0.1:${port}`,
    edge: `http://127.0.0.1:${edgePort}`,
    ports: { api: port, edge: edgePort },
    output: () => output,
    killGroup: async () => {
      if (options.detached !== true || child.pid === undefined) throw new Error('killGroup needs a detached start');
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
    stop: async () => {
      if (!done) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A customer's access token from the running local cloud's issuer: what `npm run token -- --customer <id>` prints. */
export function customerToken(
  dataDir: string,
  customer: string,
  options: Partial<Omit<TokenOptions, 'customer' | 'dataDir'>> = {},
): Promise<string> {
  return tokenFor({ customer, dataDir, expiresIn: 3600, ...options }, PROJECT_DIR);
}

/** Every item of the stack's table, through the edge (a consistent Scan), string attributes unwrapped. */
export async function scanTable(cloud: Pick<RunningCloud, 'edge'>): Promise<Record<string, unknown>[]> {
  const client = new DynamoDBClient({
    endpoint: cloud.edge,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const tables = await client.send(new ListTablesCommand({}));
    const items = await client.send(new ScanCommand({ TableName: tables.TableNames?.[0], ConsistentRead: true }));
    return (items.Items ?? []).map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? v])));
  } finally {
    client.destroy();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `read` until `done(value)` or the timeout; returns the last value. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
  everyMs = 300,
): Promise<T> {
  const started = Date.now();
  let value = await read();
  while (!done(value) && Date.now() - started < timeoutMs) {
    await sleep(everyMs);
    value = await read();
  }
  return value;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server standing in for an external system; `respond` decides each answer. */
export class FakeEndpoint {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;

  constructor(private readonly respond: (request: RecordedRequest) => { status: number; body?: string }) {}

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        const answer = this.respond(request);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body ?? '{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/carrier`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
