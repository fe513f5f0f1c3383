/**
 * `npm start [-- --stack NAME] [--config key=value ...] [--in-memory] [--data-dir DIR] [--iam on|off]`: runs the stack on this
 * machine. Env: PORT (HTTP API, default 3000), AWS_EDGE_PORT (AWS edge, default 4566), LOCAL_DATA_DIR (default
 * .local); every internal port is picked free. Before starting anything it checks that the two ports are free and
 * takes the data directory's lock (one instance per data directory, see data-dir-lock.ts). Prints progress, then
 * what it built, the URLs and the outputs, then streams the logs until Ctrl-C (SIGINT/SIGTERM), which stops
 * everything it started and exits 0, also when it arrives during the start-up.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { readConsoleRules, quietLine } from './console-lines';
import { controlPlaneBanner } from './control-plane';
import { CloudHandle, CloudOptions, startCloud } from './cloud';
import { acquireDataDirLock, DataDirLock, DataDirLockedError } from './data-dir-lock';
import { writeStackOutputs } from './stack-outputs';
import { emulatingService } from './model/emulation';
import { GraphResource, physicalName } from './model/graph';
import { readHttpApis } from './services/http-api';
import { parseConfigAssignments, placeholderNotice } from './model/config';
import { formatIamReport } from './iam';
import { LocalCloudError } from './services/kernel/errors';

export class CliUsageError extends LocalCloudError {}

export type CliOptions = CloudOptions & { help?: boolean; verbose?: boolean };

export const USAGE = `Usage: npm start -- [--stack NAME] [--config key=value]... [--in-memory] [--data-dir DIR] [--map-url EXT=LOCAL]...
  --stack NAME        use Pulumi.NAME.yaml (default dev)
  --config key=value  override stack config for this run, as \`pulumi config set\` would (repeatable)
  --config-env key=VAR   the same, the value read from environment variable VAR (keeps a secret out of \`ps\`)
  --config-file key=FILE the same, the value read from FILE (one trailing newline dropped)
  --in-memory         keep DynamoDB data in memory (a throwaway run)
  --verbose           print every log line (default: one line per state change and per failure, as package.json's
                      localCloud section defines them; the log files keep every line either way)
  --data-dir DIR      where tables, logs, checkpoints and the outputs live (default $LOCAL_DATA_DIR, else
                      .local); one running instance per data directory. (The functions' bundles always go
                      under the project's .local/build, where they find the project's AWS SDK.)
  --map-url EXT=LOCAL serve an external URL (prefix) by a local server for this run, e.g.
                      --map-url https://carrier.example.com=http://127.0.0.1:8080 (repeatable)
  --iam on|off        enforce IAM as AWS does (default on): roles, trust policies and resource policies decide
                      every call; off allows everything (docs/iam.md)
Environment: PORT (HTTP API, default 3000), AWS_EDGE_PORT (AWS edge, default 4566), CONSOLE_PORT (the console,\ndefault 0), 0 for any free port;
LOCAL_DATA_DIR (as --data-dir); LOCAL_TIME_COMPRESSION.`;

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliUsageError(`${name} must be a port number, got "${raw}"`);
  return port;
}

function splitAssignment(flag: string, assignment: string): [string, string] {
  const eq = assignment.indexOf('=');
  if (eq <= 0 || eq === assignment.length - 1)
    throw new CliUsageError(`Expected ${flag} key=<source>, got "${assignment}"`);
  return [assignment.slice(0, eq).trim(), assignment.slice(eq + 1)];
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new CliUsageError(
      `--config-file: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const assignments: string[] = [];
  const fromSources: Record<string, string> = {};
  const options: CliOptions = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw new CliUsageError(`${flag} needs a value`);
      i += 1;
      return next;
    };
    if (flag === '--stack' || flag === '-s') options.stack = value();
    else if (flag === '--config' || flag === '-c') assignments.push(value());
    else if (flag === '--config-env' || flag === '--config-file') {
      // A secret given this way never appears on the command line (ps, shell history); its value is never printed.
      const [key, source] = splitAssignment(flag, value());
      const secret = flag === '--config-env' ? env[source] : readConfigFile(source);
      if (secret === undefined)
        throw new CliUsageError(`${flag} ${key}=${source}: the environment variable ${source} is not set`);
      fromSources[key] = secret;
    } else if (flag === '--in-memory') options.inMemory = true;
    else if (flag === '--verbose' || flag === '-v') options.verbose = true;
    else if (flag === '--data-dir') options.dataDir = value();
    else if (flag === '--map-url') {
      const mapping = value();
      const eq = mapping.indexOf('=');
      if (eq <= 0) throw new CliUsageError(`Expected --map-url <external url>=<local url>, got "${mapping}"`);
      options.urlOverrides = { ...options.urlOverrides, [mapping.slice(0, eq)]: mapping.slice(eq + 1) };
    } else if (flag === '--iam') {
      const mode = value();
      if (mode !== 'on' && mode !== 'off') throw new CliUsageError(`Expected --iam on or --iam off, got "${mode}"`);
      options.iam = mode === 'on';
    } else if (flag === '--help' || flag === '-h') options.help = true;
    else throw new CliUsageError(`Unknown option ${arg}\n${USAGE}`);
  }
  options.configOverrides = { ...parseConfigAssignments(assignments), ...fromSources };
  if (options.dataDir === undefined && env.LOCAL_DATA_DIR) options.dataDir = env.LOCAL_DATA_DIR;
  options.port = portFromEnv(env, 'PORT', 3000);
  options.edgePort = portFromEnv(env, 'AWS_EDGE_PORT', 4566);
  options.consolePort = portFromEnv(env, 'CONSOLE_PORT', 0);
  return options;
}

// ----- what the start-up prints (pure, built from the handle) -------------------------------------------------

function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
  );
}

function names(resources: GraphResource[], max = 4): string {
  const all = resources.map(physicalName);
  return all.length <= max ? all.join(', ') : `${all.slice(0, max).join(', ')}, … (+${all.length - max})`;
}

export function formatResources(handle: Pick<CloudHandle, 'classification' | 'iam'>): string[] {
  const lines: string[] = [];
  const emulated = [...handle.classification.emulated.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = emulated.reduce((n, [, rs]) => n + rs.length, 0);
  lines.push(`Emulated resources (${total}):`);
  lines.push(
    ...table(
      emulated.map(([type, rs]) => [
        `${rs.length} ×`,
        type,
        `[${emulatingService(type, { iamEnforced: handle.iam.enabled })}]`,
        names(rs),
      ]),
    ),
  );
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
  if (handle.urls.console)
    rows.push([
      'Console',
      handle.urls.console,
      '(diagram, events, items, traces, queues, metrics and alarms; 127.0.0.1 only)',
    ]);
  for (const api of handle.urls.apis)
    rows.push([`HTTP API ${api.name}`, api.local, api.aws ? `(AWS: ${api.aws})` : '']);
  rows.push([
    'AWS edge',
    handle.urls.edge,
    '(AWS_ENDPOINT_URL: EventBridge, DynamoDB, DynamoDB Streams, SQS, Lambda Invoke, CloudWatch Logs)',
  ]);
  for (const url of handle.urls.functionUrls) rows.push([`Function URL ${url.name}`, url.local, `(AWS: ${url.aws})`]);
  for (const issuer of handle.urls.issuers ?? [])
    rows.push([`Token issuer ${issuer.name}`, issuer.local, `(AWS: ${issuer.issuer}; tokens: npm run token)`]);
  rows.push(['DynamoDB Local', handle.urls.dynamodb, '(direct; prefer the edge)']);
  return ['URLs:', ...table(rows)];
}

/** The stack outputs with every AWS URL the graph knows replaced by its local equivalent. */
export function localOutputs(handle: Pick<CloudHandle, 'graph' | 'urlMap'>): Record<string, unknown> {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return handle.urlMap.rewrite(value);
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return Object.fromEntries(Object.entries(handle.graph.outputs).map(([key, value]) => [key, rewrite(value)]));
}

/** Secret outputs are masked as `pulumi stack output` masks them; `npm run stack-output` shows them. */
export function formatOutputs(handle: Pick<CloudHandle, 'graph' | 'urlMap'>, dataDirArg = ''): string[] {
  const entries = Object.entries(localOutputs(handle));
  if (entries.length === 0) return [];
  const secrets = handle.graph.secretOutputs ?? [];
  const lines = ['Outputs (AWS URLs shown as their local equivalents):'];
  for (const [key, value] of entries) {
    const shown = secrets.includes(key) ? ['[secret]'] : JSON.stringify(value, null, 2).split('\n');
    lines.push(`  ${key}: ${shown[0]}`, ...shown.slice(1).map((l) => `  ${l}`));
  }
  if (secrets.length > 0)
    lines.push(`Read a secret one with: npm run -s stack-output -- <name> --show-secrets${dataDirArg}`);
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
      .map((r) => [
        r.routeKey,
        r.integration ? r.integration.kind : 'no integration',
        r.authorizationType === 'NONE' ? '' : `auth ${r.authorizationType}`,
      ])
      .sort((a, b) => a[0].localeCompare(b[0]));
    lines.push(...table(rows));
    const curls: string[] = [];
    const jwt = api.routes.some((r) => r.authorizationType === 'JWT');
    for (const route of api.routes) {
      const match = /^(POST|PUT|PATCH) (\/.*)$/.exec(route.routeKey);
      if (!match || (route.authorizationType !== 'NONE' && route.authorizationType !== 'JWT')) continue;
      const staticSegments = match[2].split('/').filter((s) => s !== '' && !s.startsWith('{'));
      const last = staticSegments[staticSegments.length - 1];
      if (!last || /\{/.test(match[2])) continue;
      const file = exampleFiles.find((f) => {
        const stem = f.replace(/^.*\//, '').replace(/\.json$/, '');
        return stem === last || `${stem}s` === last;
      });
      const token = route.authorizationType === 'JWT' ? ` -H "authorization: Bearer $TOKEN"` : '';
      if (file)
        curls.push(
          `  curl -sS -X ${match[1]} ${base}${match[2]} -H 'content-type: application/json'${token} -d @${file}`,
        );
    }
    // A JWT route needs a token from the issuer the local cloud plays (local/token-cli.ts).
    if (curls.length > 0 && jwt) curls.unshift('  TOKEN=$(npm run --silent token -- --customer <user id>)');
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

/** ` --data-dir DIR` when the data directory is not the default one (for the hints that name other commands). */
function dataDirArgument(projectDir: string, dataDir: string): string {
  const shown = displayPath(projectDir, dataDir);
  return shown === '.local' ? '' : ` --data-dir ${/^[\w./-]+$/.test(shown) ? shown : JSON.stringify(shown)}`;
}

/**
 * The secrets this run made up: their values are shown once, when they are generated (also the placeholders for
 * `secure:` config); later runs name the file that keeps them. Values given with --config are never shown.
 */
export function formatGeneratedSecrets(handle: Pick<CloudHandle, 'secrets'>, projectDir: string): string[] {
  const { secrets } = handle;
  const all = secrets.all();
  if (Object.keys(all).length === 0) return [];
  const where = secrets.location ? displayPath(projectDir, secrets.location) : undefined;
  const fresh = secrets.generated.filter((name) => name.startsWith('random:'));
  const lines: string[] = [];
  if (fresh.length > 0) {
    lines.push(`Generated secrets (random, shown once; ${where ? `kept in ${where}` : 'this run only'}):`);
    lines.push(...table(fresh.map((name) => [name.slice('random:'.length), all[name]])));
  } else {
    lines.push(`Generated secrets are kept in ${where ?? 'memory'} (\`npm run secrets\` shows them).`);
  }
  return lines;
}

/** IAM enforcement, printed at start-up: on with the report (every would-be denial listed), or off. */
export function formatIam(handle: CloudHandle): string[] {
  if (!handle.iam.enabled || !handle.iam.report)
    return ['IAM enforcement: off (--iam off): every call is allowed, as before.'];
  return ['IAM enforcement: on (`--iam off` turns it off).', ...formatIamReport(handle.iam.report).split('\n')];
}

export function summary(handle: CloudHandle, projectDir: string, verbose = false): string[] {
  const notice = placeholderNotice(handle.graph.config);
  const dataDirArg = dataDirArgument(projectDir, handle.dataDir);
  const secrets = formatGeneratedSecrets(handle, projectDir);
  return [
    '',
    ...formatResources(handle),
    '',
    ...formatUrls(handle),
    '',
    ...controlPlaneBanner(),
    '',
    ...formatRoutes(handle, exampleFiles(projectDir)),
    '',
    ...formatOutputs(handle, dataDirArg),
    ...(secrets.length > 0 ? ['', ...secrets] : []),
    ...(notice ? ['', notice] : []),
    ...(handle.warnings.length > 0 ? ['', 'Warnings:', ...handle.warnings.map((w) => `  ${w}`)] : []),
    '',
    ...formatIam(handle),
    '',
    `Ready. ${verbose ? 'Logs follow' : 'State changes and failures follow (--verbose: every line)'}; every line is kept under ${displayPath(projectDir, path.join(handle.dataDir, 'logs'))} (\`npm run logs${dataDirArg ? ` --${dataDirArg}` : ''}\` reads them). Ctrl-C stops.`,
    '',
  ];
}

/** A port the start-up needs, the variable that sets it and what listens there. */
export interface RequiredPort {
  port: number;
  variable: string;
  what: string;
}

/** Whether something already listens on 127.0.0.1:port (the servers' own address). Port 0 is always free. */
export function portInUse(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES'),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/** The message for the ports that are taken, or undefined when all are free. Checked before anything starts. */
export async function busyPortsMessage(
  ports: RequiredPort[],
  inUse: (port: number) => Promise<boolean> = portInUse,
): Promise<string | undefined> {
  const busy: RequiredPort[] = [];
  for (const p of ports) if (await inUse(p.port)) busy.push(p);
  if (busy.length === 0) return undefined;
  const list = busy.map((p) => `${p.port} (${p.what}, ${p.variable})`).join(' and ');
  const example = busy.map((p) => `${p.variable}=${p.port + 1}`).join(' ');
  return `Port${busy.length > 1 ? 's' : ''} ${list} ${busy.length > 1 ? 'are' : 'is'} already in use: nothing was started. Set a free port, e.g. \`${example} npm start\` (0 picks any).`;
}

/**
 * A configuration error met at start-up, as the message and the fix instead of a stack trace: errors named
 * `…ConfigError` (the program's own config validation, or the local cloud's reading of Pulumi.<stack>.yaml). The
 * key is taken from the message (`<namespace>:<key>`), so the fix names the exact setting. Undefined for other errors.
 */
export function explainConfigError(error: unknown, stack: string): string[] | undefined {
  if (!(error instanceof Error) || !(/ConfigError$/.test(error.name) || /ConfigError$/.test(error.constructor.name)))
    return undefined;
  const key = /(?<![\w/])([A-Za-z][\w-]*:[A-Za-z][\w.-]*)/.exec(error.message)?.[1];
  const fix = key
    ? `Fix: set ${key} in Pulumi.${stack}.yaml (\`pulumi config set ${key} <value> --stack ${stack}\`), or for this run only: npm start -- --config ${key}=<value>`
    : `Fix: check Pulumi.${stack}.yaml and the --config flags (npm start -- --help).`;
  return [`The stack's configuration is not valid: ${error.message}`, fix];
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
  const stack = options.stack ?? 'dev';
  const dataDir = path.resolve(projectDir, options.dataDir ?? '.local');

  // Refuse early, before anything is built or started: a second instance on the same data directory, then busy ports.
  const lock: DataDirLock = acquireDataDirLock(dataDir, {
    stack,
    ports: { api: options.port, edge: options.edgePort },
  });
  process.once('exit', () => lock.release());
  const busy = await busyPortsMessage([
    { port: options.port ?? 3000, variable: 'PORT', what: 'the HTTP API' },
    { port: options.edgePort ?? 4566, variable: 'AWS_EDGE_PORT', what: 'the AWS edge' },
  ]);
  if (busy) throw new CliUsageError(busy);

  // Log lines that arrive while starting wait until the summary is printed.
  let ready = false;
  const early: string[] = [];
  const started = Date.now();
  console.log(`Starting the local cloud for stack ${stack}…`);
  const running: { handle?: CloudHandle } = {};
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping everything…`);
    // While starting, the start-up itself stops what it started once it returns or fails (below).
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

  // Quiet by default (console-lines.ts); the files keep every line.
  const rules = readConsoleRules(projectDir);
  const shown = (line: string): string | undefined => (options.verbose ? line : quietLine(line, rules));
  // The log sink hands the console a batch of lines at a time (one write per batch); each line is judged alone.
  const print = (batch: string): void => {
    const kept = batch.split('\n').flatMap((line) => shown(line) ?? []);
    if (kept.length > 0) console.log(kept.join('\n'));
  };
  let handle: CloudHandle;
  try {
    handle = await startCloud({
      ...options,
      dataDir,
      projectDir,
      onProgress: (message) => console.log(`  · ${message}`),
      logOut: (line) => (ready ? print(line) : early.push(line)),
    });
  } catch (error) {
    // Ctrl-C in a terminal reaches the whole process group, DynamoDB Local included, which then fails the start-up:
    // that failure is the stop the user asked for, not an error to print.
    if (stopping) {
      console.log('Stopped.');
      process.exit(0);
    }
    throw error;
  }
  running.handle = handle;
  if (stopping) {
    // A signal arrived while starting: stop now, then exit as the signal handler would have.
    await handle.stop();
    console.log('Stopped.');
    process.exit(0);
  }
  lock.update({ api: portOf(handle.urls.api), edge: portOf(handle.urls.edge) });
  writeStackOutputs(dataDir, {
    stack,
    outputs: localOutputs(handle),
    secretOutputs: [...(handle.graph.secretOutputs ?? [])],
  });
  for (const line of summary(handle, projectDir, options.verbose)) console.log(line);
  console.log(`(started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  ready = true;
  for (const line of early.splice(0)) print(line);
}

/** The stack a command line names (dev when none, or when the line does not parse). */
function stackOf(argv: string[]): string {
  try {
    return parseCliArgs(argv).stack ?? 'dev';
  } catch {
    return 'dev';
  }
}

function portOf(url: string | undefined): number | undefined {
  if (url === undefined) return undefined;
  const port = Number(new URL(url).port);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const inUse = (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
    if (inUse) {
      const port = (error as NodeJS.ErrnoException & { port?: number }).port;
      console.error(
        `Port ${port ?? ''} is already in use: set PORT (HTTP API) or AWS_EDGE_PORT (edge) to a free port, or 0 for any.`,
      );
    } else if (explainConfigError(error, stackOf(process.argv.slice(2)))) {
      for (const line of explainConfigError(error, stackOf(process.argv.slice(2))) ?? []) console.error(line);
      process.exit(2);
    } else {
      const plain = error instanceof CliUsageError || error instanceof DataDirLockedError;
      console.error(plain ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    process.exit(error instanceof CliUsageError || error instanceof DataDirLockedError ? 2 : 1);
  });
}
