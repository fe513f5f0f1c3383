/**
 * `npm start [-- --stack NAME] [--config key=value ...] [--in-memory] [--data-dir DIR]`: runs the stack on this
 * machine. Env: PORT (HTTP API, default 3000), AWS_EDGE_PORT (AWS edge, default 4566); every internal port is
 * picked free. Prints progress, then what it built, the URLs and the outputs, then streams the logs until
 * Ctrl-C (SIGINT/SIGTERM), which stops everything it started and exits 0.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { CloudHandle, CloudOptions, startCloud } from './cloud';
import { EMULATED_TYPES } from './model/emulation';
import { GraphResource, physicalName } from './model/graph';
import { readHttpApis } from './services/http-api';
import { parseConfigAssignments, placeholderNotice } from './model/config';
import { LocalCloudError } from './services/shared/errors';

export class CliUsageError extends LocalCloudError {}

export const USAGE = `Usage: npm start -- [--stack NAME] [--config key=value]... [--in-memory] [--data-dir DIR] [--map-url EXT=LOCAL]...
  --stack NAME        use Pulumi.NAME.yaml (default dev)
  --config key=value  override stack config for this run, as \`pulumi config set\` would (repeatable)
  --in-memory         keep DynamoDB data in memory (a throwaway run)
  --data-dir DIR      where tables, bundles and logs live (default .local)
  --map-url EXT=LOCAL serve an external URL (prefix) by a local server for this run, e.g.
                      --map-url https://carrier.example.com=http://127.0.0.1:8080 (repeatable)
Environment: PORT (HTTP API, default 3000), AWS_EDGE_PORT (AWS edge, default 4566), LOCAL_TIME_COMPRESSION.`;

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`${name} must be a port number, got "${raw}"`);
  return port;
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CloudOptions & { help?: boolean } {
  const assignments: string[] = [];
  const options: CloudOptions & { help?: boolean } = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw new CliUsageError(`${flag} needs a value`);
      i += 1;
      return next;
    };
    if (flag === '--stack' || flag === '-s') options.stack = value();
    else if (flag === '--config' || flag === '-c') assignments.push(value());
    else if (flag === '--in-memory') options.inMemory = true;
    else if (flag === '--data-dir') options.dataDir = value();
    else if (flag === '--map-url') {
      const mapping = value();
      const eq = mapping.indexOf('=');
      if (eq <= 0) throw new CliUsageError(`Expected --map-url <external url>=<local url>, got "${mapping}"`);
      options.urlOverrides = { ...options.urlOverrides, [mapping.slice(0, eq)]: mapping.slice(eq + 1) };
    } else if (flag === '--help' || flag === '-h') options.help = true;
    else throw new CliUsageError(`Unknown option ${arg}\n${USAGE}`);
  }
  options.configOverrides = parseConfigAssignments(assignments);
  options.port = portFromEnv(env, 'PORT', 3000);
  options.edgePort = portFromEnv(env, 'AWS_EDGE_PORT', 4566);
  return options;
}

// ----- what the start-up prints (pure, built from the handle) -------------------------------------------------

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

function names(resources: GraphResource[], max = 4): string {
  const all = resources.map(physicalName);
  return all.length <= max ? all.join(', ') : `${all.slice(0, max).join(', ')}, … (+${all.length - max})`;
}

export function formatResources(handle: Pick<CloudHandle, 'classification'>): string[] {
  const lines: string[] = [];
  const emulated = [...handle.classification.emulated.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = emulated.reduce((n, [, rs]) => n + rs.length, 0);
  lines.push(`Emulated resources (${total}):`);
  lines.push(...table(emulated.map(([type, rs]) => [`${rs.length} ×`, type, `[${EMULATED_TYPES[type]}]`, names(rs)])));
  const notEmulated = [...handle.classification.notEmulated.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (notEmulated.length > 0) {
    const count = notEmulated.reduce((n, [, rs]) => n + rs.length, 0);
    lines.push('');
    lines.push(`Not emulated (${count}; declared by the stack, nothing runs or enforces them locally):`);
    lines.push(...table(notEmulated.map(([type, rs]) => [`${rs.length} ×`, type])));
  }
  if (handle.classification.components.length > 0) {
    lines.push('');
    lines.push(`Components: ${handle.classification.components.length} (groupings of the program, nothing to run)`);
  }
  return lines;
}

export function formatUrls(handle: Pick<CloudHandle, 'urls'>): string[] {
  const rows: string[][] = [];
  for (const api of handle.urls.apis) rows.push([`HTTP API ${api.name}`, api.local, api.aws ? `(AWS: ${api.aws})` : '']);
  rows.push(['AWS edge', handle.urls.edge, '(AWS_ENDPOINT_URL: EventBridge, DynamoDB, DynamoDB Streams, SQS, Lambda Invoke)']);
  for (const url of handle.urls.functionUrls) rows.push([`Function URL ${url.name}`, url.local, `(AWS: ${url.aws})`]);
  rows.push(['DynamoDB Local', handle.urls.dynamodb, '(direct; prefer the edge)']);
  return ['URLs:', ...table(rows)];
}

export function formatOutputs(handle: Pick<CloudHandle, 'graph' | 'urlMap'>): string[] {
  const entries = Object.entries(handle.graph.outputs);
  if (entries.length === 0) return [];
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return handle.urlMap.rewrite(value);
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  const lines = ['Outputs (AWS URLs shown as their local equivalents):'];
  for (const [key, value] of entries) {
    const shown = JSON.stringify(rewrite(value), null, 2).split('\n');
    lines.push(`  ${key}: ${shown[0]}`, ...shown.slice(1).map((l) => `  ${l}`));
  }
  return lines;
}

/**
 * The routes of each API, and ready-to-paste curls. The cli cannot know what a route expects, so the pairing is
 * by name only: `examples/<name>.json` goes with every POST/PUT/PATCH route whose last static segment is `<name>`
 * or `<name>s` (e.g. examples/upload.json ↔ POST /uploads). Other routes are listed without a body.
 */
export function formatRoutes(handle: Pick<CloudHandle, 'graph' | 'urls'>, exampleFiles: string[]): string[] {
  const lines: string[] = [];
  for (const api of readHttpApis(handle.graph)) {
    const base = handle.urls.apis.find((a) => a.id === api.id)?.local;
    if (!base) continue;
    lines.push(`Routes of ${api.name}:`);
    const rows = api.routes
      .map((r) => [r.routeKey, r.integration ? r.integration.kind : 'no integration', r.authorizationType === 'NONE' ? '' : `auth ${r.authorizationType}`])
      .sort((a, b) => a[0].localeCompare(b[0]));
    lines.push(...table(rows));
    const curls: string[] = [];
    for (const route of api.routes) {
      const match = /^(POST|PUT|PATCH) (\/.*)$/.exec(route.routeKey);
      if (!match || route.authorizationType !== 'NONE') continue;
      const staticSegments = match[2].split('/').filter((s) => s !== '' && !s.startsWith('{'));
      const last = staticSegments[staticSegments.length - 1];
      if (!last || /\{/.test(match[2])) continue;
      const file = exampleFiles.find((f) => {
        const stem = f.replace(/^.*\//, '').replace(/\.json$/, '');
        return stem === last || `${stem}s` === last;
      });
      if (file) curls.push(`  curl -sS -X ${match[1]} ${base}${match[2]} -H 'content-type: application/json' -d @${file}`);
    }
    if (curls.length > 0) lines.push('', 'Try it (example bodies paired with routes by name):', ...curls);
  }
  return lines;
}

function exampleFiles(projectDir: string): string[] {
  const dir = path.join(projectDir, 'examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `examples/${f}`);
}

function displayPath(projectDir: string, target: string): string {
  const relative = path.relative(projectDir, target);
  return relative.startsWith('..') || path.isAbsolute(relative) ? target : relative;
}

export function summary(handle: CloudHandle, projectDir: string): string[] {
  const notice = placeholderNotice(handle.graph.config);
  return [
    '',
    ...formatResources(handle),
    '',
    ...formatUrls(handle),
    '',
    ...formatRoutes(handle, exampleFiles(projectDir)),
    '',
    ...formatOutputs(handle),
    ...(notice ? ['', notice] : []),
    ...(handle.warnings.length > 0 ? ['', 'Warnings:', ...handle.warnings.map((w) => `  ${w}`)] : []),
    '',
    `Ready. Logs follow (also under ${displayPath(projectDir, path.join(handle.dataDir, 'logs'))}; \`npm run logs\` reads them). Ctrl-C stops.`,
    '',
  ];
}

async function main(): Promise<void> {
  // The AWS SDK warns once per process that it will soon need Node 22; the local cloud's own clients would print
  // it in the middle of the start-up listing. (The functions' workers keep their own environment.)
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseCliArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const projectDir = process.cwd();
  // Log lines that arrive while starting wait until the summary is printed.
  let ready = false;
  const early: string[] = [];
  const started = Date.now();
  console.log(`Starting the local cloud for stack ${options.stack ?? 'dev'}…`);
  const running: { handle?: CloudHandle } = {};
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping everything…`);
    // While starting, the start-up itself stops what it started once it returns (below).
    if (!running.handle) return;
    running.handle.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const handle = await startCloud({
    ...options,
    projectDir,
    onProgress: (message) => console.log(`  · ${message}`),
    logOut: (line) => (ready ? console.log(line) : early.push(line)),
  });
  running.handle = handle;
  if (stopping) {
    // A signal arrived while starting: stop now, then exit as the signal handler would have.
    await handle.stop();
    process.exit(0);
  }
  for (const line of summary(handle, projectDir)) console.log(line);
  console.log(`(started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  ready = true;
  for (const line of early.splice(0)) console.log(line);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const inUse = (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
    if (inUse) {
      const port = (error as NodeJS.ErrnoException & { port?: number }).port;
      console.error(`Port ${port ?? ''} is already in use: set PORT (HTTP API) or AWS_EDGE_PORT (edge) to a free port, or 0 for any.`);
    } else {
      console.error(error instanceof CliUsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    process.exit(error instanceof CliUsageError ? 2 : 1);
  });
}
