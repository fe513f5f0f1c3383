/**
 * How long `npm start` takes to its first answer, against DynamoDB Local's own boot: `npm run bench:start [-- N]`.
 *
 * Each of N rounds (default 3), one after the other:
 *   1. DynamoDB Local alone, started as the local cloud starts it (same jar, same JVM options), timed from the spawn
 *      to its first answered ListTables;
 *   2. `node --import tsx local/cli.ts` on a fresh data dir (a user's first `npm start`), timed from the spawn to
 *      the first answer of its HTTP API (requests are held until every service is wired, so any status will do),
 *      with the phase times the start-up prints.
 * It prints both, their ratio (the target: at most 2x) and the median of each. It asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startDynamoDbLocal } from '../local/services/dynamodb-local';
import { findFreePorts } from '../local/services/kernel/free-port';

const PROJECT_DIR = path.resolve(__dirname, '..');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the status of one GET, or undefined when nothing listens yet. */
function answer(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 60_000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function dynamoDbAlone(): Promise<number> {
  const began = performance.now();
  const ddb = await startDynamoDbLocal({ inMemory: true });
  const ms = performance.now() - began;
  await ddb.stop();
  return ms;
}

async function npmStart(): Promise<{ ms: number; phases: string[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-start-'));
  const [port, edgePort] = await findFreePorts(2);
  const began = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', '--data-dir', dataDir], {
    cwd: PROJECT_DIR,
    env: { ...process.env, PORT: String(port), AWS_EDGE_PORT: String(edgePort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  try {
    while ((await answer(`http://127.0.0.1:${port}/`)) === undefined) {
      if (exited) throw new Error(`npm start exited before answering:\n${output}`);
      if (performance.now() - began > 180_000) throw new Error(`npm start did not answer within 180 s:\n${output}`);
      await sleep(20);
    }
    const ms = performance.now() - began;
    const phases = output
      .split('\n')
      .filter((line) => /program run|DynamoDB Local ready:|services wired/.test(line))
      .map((line) => line.trim().replace(/^· /, ''));
    return { ms, phases };
  } finally {
    if (!exited) child.kill('SIGTERM');
    await exit;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`Usage: npm run bench:start [-- ROUNDS], got "${process.argv[2]}"`);
  const alone: number[] = [];
  const started: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    alone.push(await dynamoDbAlone());
    const run = await npmStart();
    started.push(run.ms);
    console.log(
      `round ${round}: DynamoDB Local alone ${alone[alone.length - 1].toFixed(0)} ms; npm start to its first answer ${run.ms.toFixed(0)} ms (${(run.ms / alone[alone.length - 1]).toFixed(2)}x)`,
    );
    for (const phase of run.phases) console.log(`    ${phase}`);
  }
  const a = median(alone);
  const s = median(started);
  console.log(
    `median of ${rounds}: DynamoDB Local alone ${a.toFixed(0)} ms, npm start ${s.toFixed(0)} ms: ${(s / a).toFixed(2)}x (target at most 2x)`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
