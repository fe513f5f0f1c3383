/**
 * The handlers' bundles as the stack deploys them: `npm run bench:bundles`.
 *
 * Runs the program under mocks (the dev stack, as `npm start` does), takes every Lambda function's code and
 * environment, and for each prints the bundle's size against the budget (infra/bundle.ts) and what a cold start
 * pays to load it: in a fresh worker thread (a clean Node isolate, no tsx), first the modules the bundle leaves
 * to the environment (the AWS SDK the runtime ships, Powertools from its layer), then the bundle itself, each
 * timed. The two are apart because the first are loaded from the runtime and the layer, not from the bundle; a
 * cold start pays both. It prints figures; it asserts nothing (test/infra/bundle.test.ts holds the sizes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BUNDLE_BUDGET_BYTES, REPO_ROOT } from '../infra/bundle';
import { loadStackGraph } from '../local/model/load';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const FUNCTION = 'aws:lambda/function:Function';
/** Under `.local` (git-ignored) and inside the project, so `require('@aws-sdk/...')` finds node_modules as the runtime's copy. */
const OUT_DIR = path.join(REPO_ROOT, '.local', 'bench', 'bundles');

/** Runs in the worker: time the external modules (runtime SDK, Powertools layer), then the bundle. */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
try {
  let t = performance.now();
  for (const id of workerData.externals) require(id);
  const sdkMs = performance.now() - t;
  t = performance.now();
  const exported = require(workerData.file);
  const bundleMs = performance.now() - t;
  parentPort.postMessage({ sdkMs, bundleMs, handler: typeof exported.handler });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) });
}`;

interface Probe {
  sdkMs?: number;
  bundleMs?: number;
  handler?: string;
  error?: string;
}

function probe(file: string, externals: string[], env: Record<string, string>): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(PROBE, {
      eval: true,
      execArgv: [],
      env: { ...process.env, ...env },
      workerData: { file, externals },
    });
    worker.once('message', (message: Probe) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

async function main(): Promise<void> {
  const graph = await loadStackGraph({ projectDir: REPO_ROOT });
  const rows: string[][] = [
    [
      'function',
      'bytes',
      'KB',
      `≤ ${BUNDLE_BUDGET_BYTES / 1024} KB`,
      'SDK + layer require',
      'bundle require',
      'handler',
    ],
  ];
  for (const fn of graph.resources.filter((r) => r.type === FUNCTION)) {
    const code = fn.state.code?.assets?.['index.js']?.text as string | undefined;
    if (typeof code !== 'string') continue;
    const file = path.join(OUT_DIR, fn.name, 'index.js');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, code);
    const externals = [
      ...new Set([...code.matchAll(/require\("(@aws-(?:sdk|lambda-powertools)\/[^"]+)"\)/g)].map((m) => m[1])),
    ];
    const env = (fn.state.environment?.variables ?? {}) as Record<string, string>;
    const result = await probe(file, externals, env);
    const bytes = Buffer.byteLength(code);
    rows.push([
      fn.name,
      bytes.toLocaleString('en-US'),
      (bytes / 1024).toFixed(1),
      bytes <= BUNDLE_BUDGET_BYTES ? 'yes' : 'NO',
      result.error ? 'failed' : `${result.sdkMs?.toFixed(1)} ms (${externals.length} modules)`,
      result.error ? result.error : `${result.bundleMs?.toFixed(1)} ms`,
      result.handler ?? '',
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
  console.log(`\n(cold require in a fresh worker thread each; one run, on a machine that may be busy)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
