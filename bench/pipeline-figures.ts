/**
 * The pure side of bench/pipeline.bench.ts: its arguments, and the figures it prints from what it measured.
 * No I/O here.
 */

/** The most keep-alive connections the benchmark opens to the API; more concurrency would only queue in the client. */
export const MAX_CONNECTIONS = 256;

export interface PipelineBenchArgs {
  orders: number;
  concurrency: number;
  /** Profile the cloud's node threads (`--cpu-prof`) into this directory. */
  cpuProfileDir?: string;
  /** Run on a fresh data dir with everything persisted (the journals on), as `npm start` does, not `--in-memory`. */
  persistent?: boolean;
}

export const PIPELINE_BENCH_USAGE = `Usage: npm run bench:pipeline -- [--orders N] [--concurrency C]
  --orders N        orders pushed through POST /uploads (default 1000)
  --concurrency C   uploads in flight at once, 1..${MAX_CONNECTIONS} (default 16)
  --cpu-prof DIR    write a CPU profile of each of the cloud's node threads into DIR (node --cpu-prof)
  --persistent      persist everything on a fresh data dir (journals on, as npm start does) instead of --in-memory`;

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

function positiveInteger(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value))
    throw new BenchUsageError(`${flag} must be a whole number, got "${raw}"\n${PIPELINE_BENCH_USAGE}`);
  if (value <= 0) throw new BenchUsageError(`${flag} must be at least 1, got ${value}\n${PIPELINE_BENCH_USAGE}`);
  return value;
}

export function parsePipelineBenchArgs(argv: readonly string[]): PipelineBenchArgs {
  const args: PipelineBenchArgs = { orders: 1000, concurrency: 16 };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith('--')) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined) throw new BenchUsageError(`${flag} needs a value\n${PIPELINE_BENCH_USAGE}`);
      i += 1;
      return next;
    };
    if (flag === '--orders') args.orders = positiveInteger(flag, value());
    else if (flag === '--concurrency') args.concurrency = positiveInteger(flag, value());
    else if (flag === '--cpu-prof') args.cpuProfileDir = value();
    else if (flag === '--persistent') args.persistent = true;
    else throw new BenchUsageError(`Unknown option ${arg}\n${PIPELINE_BENCH_USAGE}`);
  }
  if (args.concurrency > MAX_CONNECTIONS) {
    throw new BenchUsageError(
      `--concurrency ${args.concurrency} is above the connection limit: the benchmark opens at most ${MAX_CONNECTIONS} connections to the API`,
    );
  }
  return args;
}

/** The value below which `p` percent of the sorted samples fall (nearest rank). Undefined for no samples. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** CPU seconds and resident memory of one process, read from /proc/<pid>/stat. */
export interface ProcessSample {
  pid: number;
  ppid: number;
  /** The executable's name (`comm`), e.g. node, java. */
  name: string;
  cpuSeconds: number;
  rssBytes: number;
}

/**
 * Parses /proc/<pid>/stat (proc(5)): the name is in parentheses and may hold spaces, so fields are counted after
 * its closing parenthesis. utime and stime (fields 14, 15) are in clock ticks, rss (field 24) in pages.
 */
export function parseProcStat(text: string, ticksPerSecond: number, pageBytes: number): ProcessSample {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    ppid: field(4),
    name: text.slice(open + 1, close),
    cpuSeconds: (field(14) + field(15)) / ticksPerSecond,
    rssBytes: field(24) * pageBytes,
  };
}

/** The processes of a tree rooted at `root`, from a flat sample of every process. */
export function descendants(all: readonly ProcessSample[], root: number): ProcessSample[] {
  const out: ProcessSample[] = [];
  const wanted = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!wanted.has(p.pid) && wanted.has(p.ppid)) {
        wanted.add(p.pid);
        grew = true;
      }
    }
  }
  for (const p of all) if (wanted.has(p.pid)) out.push(p);
  return out;
}

/** Sums CPU seconds and RSS by process name (node, java, ...). */
export function byName(
  samples: readonly ProcessSample[],
): Map<string, { cpuSeconds: number; rssBytes: number; count: number }> {
  const out = new Map<string, { cpuSeconds: number; rssBytes: number; count: number }>();
  for (const s of samples) {
    const entry = out.get(s.name) ?? { cpuSeconds: 0, rssBytes: 0, count: 0 };
    entry.cpuSeconds += s.cpuSeconds;
    entry.rssBytes += s.rssBytes;
    entry.count += 1;
    out.set(s.name, entry);
  }
  return out;
}

export const ms = (value: number | undefined): string =>
  value === undefined ? 'n/a' : `${Math.round(value).toLocaleString('en-US')} ms`;
export const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
