import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoDbLocalJavaOptions, startDynamoDbLocal } from '../../../../local/services/dynamodb-local';

jest.setTimeout(120_000);

const REPO = path.resolve(__dirname, '../../../..');

function client(endpoint: string, region = 'us-east-1', accessKeyId = 'local'): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey: 'local' } });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const TABLE = {
  TableName: 'things',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

describe('startDynamoDbLocal', () => {
  it('serves tables in memory on a free-picked port, shared across credentials and regions, and stops', async () => {
    // Prepare
    const progress: string[] = [];
    const ddb = await startDynamoDbLocal({ onProgress: (m) => progress.push(m) });
    const a = client(ddb.endpoint, 'us-east-1', 'alice');
    const b = client(ddb.endpoint, 'eu-west-1', 'bob');
    try {
      // Act
      await a.send(new CreateTableCommand(TABLE));
      await a.send(new PutItemCommand({ TableName: 'things', Item: { pk: { S: '1' }, v: { N: '7' } } }));
      const got = await b.send(new GetItemCommand({ TableName: 'things', Key: { pk: { S: '1' } } }));
      // Assess
      expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
      expect(got.Item).toEqual({ pk: { S: '1' }, v: { N: '7' } });
      expect(progress.some((m) => m.includes('ready'))).toBe(true);
    } finally {
      a.destroy();
      b.destroy();
      await ddb.stop();
    }
    expect(await portOpen(ddb.port)).toBe(false);
  });

  it("runs the JVM with C1 only and the serial collector, the user's JDK_JAVA_OPTIONS after them, and leaves this process's environment as it was", async () => {
    // Prepare
    const before = process.env.JDK_JAVA_OPTIONS;
    process.env.JDK_JAVA_OPTIONS = '-Xmx512m';
    let ddb: Awaited<ReturnType<typeof startDynamoDbLocal>> | undefined;
    try {
      // Act
      ddb = await startDynamoDbLocal({});
      const environ = fs.readFileSync(`/proc/${ddb.pid}/environ`, 'utf8').split('\0');
      const flags = fs.readFileSync(`/proc/${ddb.pid}/cmdline`, 'utf8');
      // Assess: the java process itself got the options (the launcher reads them from its environment).
      expect(flags).toContain('DynamoDBLocal.jar');
      expect(environ).toContain('JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m');
      expect(process.env.JDK_JAVA_OPTIONS).toBe('-Xmx512m');
    } finally {
      await ddb?.stop();
      if (before === undefined) delete process.env.JDK_JAVA_OPTIONS;
      else process.env.JDK_JAVA_OPTIONS = before;
    }
  });

  it('puts its JVM options first, so that options the user sets win', () => {
    expect(dynamoDbLocalJavaOptions(undefined)).toBe('-XX:TieredStopAtLevel=1 -XX:+UseSerialGC');
    expect(dynamoDbLocalJavaOptions('  ')).toBe('-XX:TieredStopAtLevel=1 -XX:+UseSerialGC');
    expect(dynamoDbLocalJavaOptions(' -XX:TieredStopAtLevel=4 ')).toBe(
      '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:TieredStopAtLevel=4',
    );
  });

  it('keeps tables under dataDir across a restart', async () => {
    // Prepare
    const dataDir = fs.mkdtempSync(path.join(REPO, '.local', 'test-ddb-'));
    try {
      const first = await startDynamoDbLocal({ dataDir });
      const c1 = client(first.endpoint);
      await c1.send(new CreateTableCommand(TABLE));
      await c1.send(new PutItemCommand({ TableName: 'things', Item: { pk: { S: 'kept' } } }));
      c1.destroy();
      await first.stop();
      // Act
      const second = await startDynamoDbLocal({ dataDir });
      const c2 = client(second.endpoint);
      const tables = await c2.send(new ListTablesCommand({}));
      const item = await c2.send(new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'kept' } } }));
      c2.destroy();
      await second.stop();
      // Assess
      expect(tables.TableNames).toEqual(['things']);
      expect(item.Item).toEqual({ pk: { S: 'kept' } });
      expect(fs.readdirSync(dataDir).some((f) => f.endsWith('.db'))).toBe(true);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a port that is in use with a clear error', async () => {
    // Prepare
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      // Act / Assess
      await expect(startDynamoDbLocal({ port })).rejects.toThrow(`Port ${port} is already in use`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('explains that Java is missing', async () => {
    // Prepare: a process whose PATH has no java
    const fixture = runFixture({ PATH: '/nonexistent-bin' });
    // Act
    const line = await fixture.firstLine;
    // Assess
    expect(line).toMatch(/^ERROR DynamoDB Local needs Java 17 or later/);
  });

  it('leaves no orphan when its parent process is killed outright', async () => {
    // Prepare: a separate Node process starts DynamoDB Local and reports its pid and port
    const fixture = runFixture({ PATH: process.env.PATH ?? '' });
    const match = /^PID (\d+) PORT (\d+)$/.exec(await fixture.firstLine);
    expect(match).not.toBeNull();
    const [pid, port] = [Number(match?.[1]), Number(match?.[2])];
    expect(await portOpen(port)).toBe(true);
    // Act
    process.kill(pid, 'SIGKILL');
    // Assess: the watchdog kills the JVM within a few seconds
    expect(await waitUntil(async () => !(await portOpen(port)), 15_000)).toBe(true);
  });
});

/** Runs the fixture under tsx with the given environment; resolves its first output line. */
function runFixture(env: Record<string, string>): { firstLine: Promise<string> } {
  const script = path.join(__dirname, 'fixtures', 'start-dynamodb-local.ts');
  const tsxCli = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsxCli, script], {
    cwd: REPO,
    env: { ...env, HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code} before printing`)));
  });
  return { firstLine };
}
