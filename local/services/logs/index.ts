/**
 * Local log plumbing: what CloudWatch Logs is to AWS.
 *
 * Every function's console output and every CloudWatch log-group target of a rule goes through one `LogSink`,
 * which prints one line per record, `<ISO time> <source> <message>`, on the console (as `pulumi logs --follow`
 * shows them) and appends the same line to `<dir>/<source-sanitised>.log` (default dir `.local/logs`).
 * Structured JSON lines (e.g. from Powertools Logger) are printed as they are, never re-encoded.
 * A message spanning several lines becomes several lines, each with the same time and source, so that every
 * line of a log file parses on its own.
 *
 * With `flushIntervalMs` (the local cloud's setting) records are batched: kept in memory and written every interval,
 * one console write and one asynchronous file append per file per batch, instead of one synchronous write per line
 * on the thread that serves every service. Lines keep their order (per file, appends are chained), and `flush()`
 * writes what is pending (the cloud awaits it when it stops). Readers (the Logs API, `npm run logs`) see a line at
 * most one interval late, as CloudWatch Logs shows events after an ingestion delay.
 *
 * `readLogLines` and `followLogLines` read those files back (the `npm run logs [--follow]` CLI uses them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_LOG_DIR = path.join('.local', 'logs');

export interface LogRecord {
  time: Date;
  /** function name or log group name */
  source: string;
  message: string;
}

export interface LogSinkOptions {
  /** Directory for the per-source files (default `.local/logs`, relative to the working directory). */
  dir?: string;
  /** Do not print to the console (tests); files are still written. */
  quiet?: boolean;
  /** Where console lines go (default `console.log`); when batched, each call gets a batch of lines joined by `\n`. */
  out?: (line: string) => void;
  /** Batch records and write them this often (ms); 0 or absent writes each record at once, synchronously. */
  flushIntervalMs?: number;
}

/** File name for a source: log group names contain `/`, which must not become sub-directories. */
export function sanitiseSource(source: string): string {
  const cleaned = source.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|_+$/g, '');
  return cleaned === '' ? 'unnamed' : cleaned;
}

/** Sources appear as one token in a line; whitespace would break parsing. */
function sourceToken(source: string): string {
  const token = source.replace(/\s+/g, '_');
  return token === '' ? '-' : token;
}

/** Formats a record as the lines written to console and file. */
export function formatLogRecord(record: LogRecord): string[] {
  const prefix = `${record.time.toISOString()} ${sourceToken(record.source)} `;
  const body = record.message.replace(/\r?\n$/, '');
  return body.split(/\r?\n/).map((line) => prefix + line);
}

export class LogSink {
  readonly dir: string;
  private readonly quiet: boolean;
  private readonly out: (line: string) => void;
  private dirReady = false;
  private readonly flushIntervalMs: number;
  /** Batched mode: lines waiting for the console, text waiting per file, the timer, the appends in flight. */
  private pendingOut: string[] = [];
  private pendingFiles = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly appends = new Map<string, Promise<void>>();
  /** Each source's file, worked out once: a source writes many records (every line of every invocation). */
  private readonly files = new Map<string, string>();

  constructor(options: LogSinkOptions = {}) {
    this.dir = options.dir ?? DEFAULT_LOG_DIR;
    this.quiet = options.quiet ?? false;
    this.out = options.out ?? ((line) => console.log(line));
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 0);
  }

  /** Path of the file a source's lines are appended to. */
  fileFor(source: string): string {
    let file = this.files.get(source);
    if (file === undefined) {
      file = path.join(this.dir, `${sanitiseSource(source)}.log`);
      this.files.set(source, file);
    }
    return file;
  }

  write(record: LogRecord): void {
    const lines = formatLogRecord(record);
    const file = this.fileFor(record.source);
    if (this.flushIntervalMs > 0) {
      if (!this.quiet) for (const line of lines) this.pendingOut.push(line);
      this.pendingFiles.set(file, (this.pendingFiles.get(file) ?? '') + lines.join('\n') + '\n');
      this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs);
      return;
    }
    if (!this.quiet) for (const line of lines) this.out(line);
    this.ensureDir();
    // Synchronous append keeps lines of concurrent writers whole and in order.
    fs.appendFileSync(file, lines.join('\n') + '\n');
  }

  /** Writes every batched line (console, then files); resolves when the files have them. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingOut.length > 0) {
      const batch = this.pendingOut.join('\n');
      this.pendingOut = [];
      this.out(batch);
    }
    const files = this.pendingFiles;
    this.pendingFiles = new Map();
    if (files.size > 0) this.ensureDir();
    for (const [file, text] of files) {
      // Chained per file: a batch never overtakes the one before it.
      const previous = this.appends.get(file) ?? Promise.resolve();
      const next = previous
        .then(() => fs.promises.appendFile(file, text))
        .catch((error: Error) => console.error(`log file ${file}: ${error.message}`));
      this.appends.set(file, next);
      void next.then(() => {
        if (this.appends.get(file) === next) this.appends.delete(file);
      });
    }
    await Promise.all([...this.appends.values()]);
  }

  private ensureDir(): void {
    if (!this.dirReady) {
      fs.mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export interface LogLine {
  time: Date;
  source: string;
  message: string;
  /** the line exactly as stored */
  raw: string;
}

export interface ReadLogOptions {
  dir?: string;
  /** Only lines whose source equals this or starts with it (autonamed resources carry a suffix). */
  source?: string;
  /** Only lines at or after this time (Date or epoch ms). */
  since?: Date | number;
}

const LINE_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) (\S+) ?(.*)$/;

/** Parses one stored line; undefined for lines not written by a LogSink. */
export function parseLogLine(raw: string): LogLine | undefined {
  const match = LINE_PATTERN.exec(raw);
  if (!match) return undefined;
  const time = new Date(match[1]);
  if (Number.isNaN(time.getTime())) return undefined;
  return { time, source: match[2], message: match[3], raw };
}

function lineFilter(options: ReadLogOptions): (line: LogLine) => boolean {
  const since = options.since === undefined ? undefined : new Date(options.since).getTime();
  const source = options.source;
  return (line) =>
    (since === undefined || line.time.getTime() >= since) &&
    (source === undefined || line.source === source || line.source.startsWith(source));
}

function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** All stored lines matching the options, merged across files and ordered by time (stable per file). */
export function readLogLines(options: ReadLogOptions = {}): LogLine[] {
  const dir = options.dir ?? DEFAULT_LOG_DIR;
  const keep = lineFilter(options);
  const lines: LogLine[] = [];
  for (const file of logFiles(dir)) {
    for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
      const line = parseLogLine(raw);
      if (line && keep(line)) lines.push(line);
    }
  }
  // Array.prototype.sort is stable, so lines of one file with equal times keep their order.
  return lines.sort((a, b) => a.time.getTime() - b.time.getTime());
}

export interface FollowLogOptions extends ReadLogOptions {
  onLine: (line: LogLine) => void;
  /** How often the files are checked for new bytes (default 200 ms). */
  pollIntervalMs?: number;
  /** Also emit the lines already stored (default true), as `tail -f` shows the end of the file first. */
  fromStart?: boolean;
}

export interface LogFollower {
  stop(): void;
}

/**
 * `tail -f` over every log file of the directory, including files created later. Polls (fs.watch is not
 * reliable across platforms) and keeps a byte offset per file, so each line is emitted once.
 */
export function followLogLines(options: FollowLogOptions): LogFollower {
  const dir = options.dir ?? DEFAULT_LOG_DIR;
  const keep = lineFilter(options);
  const offsets = new Map<string, number>();
  const partial = new Map<string, string>();

  const scan = (emit: boolean): void => {
    const fresh: LogLine[] = [];
    for (const file of logFiles(dir)) {
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        continue; // removed between readdir and stat
      }
      const offset = offsets.get(file) ?? 0;
      if (size < offset) {
        offsets.set(file, 0); // truncated: start over
        partial.delete(file);
        continue;
      }
      if (size === offset) continue;
      const buffer = Buffer.alloc(size - offset);
      const fd = fs.openSync(file, 'r');
      try {
        fs.readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        fs.closeSync(fd);
      }
      offsets.set(file, size);
      const text = (partial.get(file) ?? '') + buffer.toString('utf8');
      const pieces = text.split('\n');
      partial.set(file, pieces.pop() ?? '');
      for (const raw of pieces) {
        const line = parseLogLine(raw);
        if (line && keep(line)) fresh.push(line);
      }
    }
    if (!emit) return;
    fresh.sort((a, b) => a.time.getTime() - b.time.getTime());
    for (const line of fresh) options.onLine(line);
  };

  scan(options.fromStart ?? true);
  const timer = setInterval(() => scan(true), options.pollIntervalMs ?? 200);
  return {
    stop: () => clearInterval(timer),
  };
}
