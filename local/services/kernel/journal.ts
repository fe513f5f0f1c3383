/**
 * An append-only, fsync'd journal: what the local cloud keeps of acknowledged work (events accepted by PutEvents,
 * pending retries, Lambda async invocations, SQS messages) so that a `kill -9` loses nothing acknowledged.
 *
 * Why a journal and not SQLite or LMDB: both need a native module, and npm here runs no install scripts
 * (better-sqlite3 builds or downloads its binary in one); a journal needs only `node:fs`, and the services' state is
 * small (what is in flight), so replaying it at start-up is cheap. Why not DynamoDB Local: the journal must survive
 * DynamoDB Local's own death (services/dynamodb-local restarts it) and a JVM round trip per record is slow.
 *
 * Format: one JSON record per line (JSON Lines). Durability by group commit: `append` queues the record and returns
 * a promise that resolves once the batch holding it is written and fdatasync'd; a batch is flushed after
 * `flushMs` (a few ms) or as soon as `maxBatch` records are queued, so one fsync covers many acknowledgements and
 * throughput does not collapse. Callers acknowledge (answer PutEvents, SendMessage, Invoke 202) only after that.
 *
 * Recovery: `open` reads every complete line; a torn last line (a crash mid-write) is ignored and cut off, so the
 * next append starts on a line boundary. Compaction: the owner hands `compact` the records that still matter
 * (its live state); they are written to a temporary file, fsync'd, and renamed over the journal (atomic on POSIX),
 * so a crash during compaction leaves either the old journal or the new one, never half of each.
 *
 * `Journal.inMemory()` keeps today's behaviour of `--in-memory`: nothing is written, appends resolve at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface JournalOptions {
  /** Longest wait before a batch is flushed (default 4 ms). */
  flushMs?: number;
  /** A batch this large is flushed at once (default 256 records). */
  maxBatch?: number;
}

export interface OpenedJournal<R> {
  journal: Journal<R>;
  /** The records found on disk, in append order (a torn last line excluded). */
  records: R[];
  /** Lines that could not be parsed (a torn last line counts). */
  skipped: number;
}

interface Pending {
  lines: string[];
  waiters: { resolve: () => void; reject: (error: Error) => void }[];
}

export class Journal<R> {
  private fd: number | undefined;
  private pending: Pending = { lines: [], waiters: [] };
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private appended = 0;
  private readonly flushMs: number;
  private readonly maxBatch: number;

  private constructor(
    /** undefined: in memory (nothing written). */
    readonly file: string | undefined,
    options: JournalOptions,
  ) {
    this.flushMs = options.flushMs ?? 4;
    this.maxBatch = options.maxBatch ?? 256;
    if (file !== undefined) this.fd = fs.openSync(file, 'a');
  }

  /** A journal that keeps nothing (`--in-memory`). */
  static inMemory<R>(): Journal<R> {
    return new Journal<R>(undefined, {});
  }

  /** Opens (creating) the journal at `file` and reads what it holds. */
  static open<R>(file: string, options: JournalOptions = {}): OpenedJournal<R> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const { records, skipped, validBytes, totalBytes } = readJournalFile<R>(file);
    // Cut a torn tail off so the next record starts on its own line.
    if (validBytes < totalBytes) fs.truncateSync(file, validBytes);
    return { journal: new Journal<R>(file, options), records, skipped };
  }

  /** Records appended since the last compaction (lets owners compact when the file has grown). */
  get appendedSinceCompaction(): number {
    return this.appended;
  }

  /** Queues a record; resolves once it is on disk (fdatasync'd). */
  append(record: R): Promise<void> {
    if (this.file === undefined) return Promise.resolve();
    if (this.fd === undefined) return Promise.reject(new Error(`journal ${this.file} is closed`));
    this.appended += 1;
    return new Promise<void>((resolve, reject) => {
      this.pending.lines.push(JSON.stringify(record));
      this.pending.waiters.push({ resolve, reject });
      if (this.pending.lines.length >= this.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.flushMs);
    });
  }

  /** Resolves when everything appended so far is on disk. */
  synced(): Promise<void> {
    if (this.file === undefined) return Promise.resolve();
    if (this.pending.lines.length === 0) return this.flushing;
    return new Promise<void>((resolve, reject) => {
      this.pending.waiters.push({ resolve, reject });
      this.flushSoon(this.flushMs);
    });
  }

  /**
   * Replaces the journal by `records`, the owner's live state at the time of the call (so it already reflects every
   * record appended before: those not yet flushed are dropped, their promises resolve with the snapshot's fsync).
   * Temp file, fsync, rename, fsync of the directory; runs in turn with the flushes, so no batch can land in the
   * replaced file. Records appended after the call are written after the snapshot.
   */
  compact(records: R[]): Promise<void> {
    if (this.file === undefined) return Promise.resolve();
    const superseded = this.pending;
    this.pending = { lines: [], waiters: [] };
    const done = this.flushing.then(() => this.writeSnapshot(records));
    this.flushing = done.then(
      () => superseded.waiters.forEach((w) => w.resolve()),
      (error: Error) => superseded.waiters.forEach((w) => w.reject(error)),
    );
    return done;
  }

  private writeSnapshot(records: R[]): void {
    const file = this.file as string;
    if (this.fd === undefined) throw new Error(`journal ${file} is closed`);
    const temp = `${file}.compact`;
    const fd = fs.openSync(temp, 'w');
    try {
      const text = records.map((r) => JSON.stringify(r) + '\n').join('');
      if (text.length > 0) fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    syncDirectory(path.dirname(file));
    fs.closeSync(this.fd);
    this.fd = fs.openSync(file, 'a');
    this.appended = 0;
  }

  /** Flushes what is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.file === undefined || this.fd === undefined) return;
    if (this.pending.lines.length > 0 || this.pending.waiters.length > 0) this.flushSoon(0);
    await this.flushing;
    await this.flushing; // a flush scheduled at 0 ms may have chained behind the running one
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private flushSoon(ms: number): void {
    if (this.timer !== undefined) {
      if (ms > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = this.pending;
      this.pending = { lines: [], waiters: [] };
      this.flushing = this.flushing.then(() => this.write(batch));
    }, ms);
  }

  private async write(batch: Pending): Promise<void> {
    try {
      if (this.fd === undefined) throw new Error(`journal ${this.file} is closed`);
      if (batch.lines.length > 0) {
        const fd = this.fd;
        await new Promise<void>((resolve, reject) =>
          fs.write(fd, batch.lines.join('\n') + '\n', (error) => (error ? reject(error) : resolve())),
        );
        await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
      }
      for (const waiter of batch.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error as Error);
    }
  }
}

/** Parses a journal file: complete lines only; stops at the first unparsable line (anything after it is torn). */
export function readJournalFile<R>(file: string): {
  records: R[];
  skipped: number;
  validBytes: number;
  totalBytes: number;
} {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { records: [], skipped: 0, validBytes: 0, totalBytes: 0 };
    throw error;
  }
  const records: R[] = [];
  let offset = 0;
  let skipped = 0;
  while (offset < buffer.length) {
    const end = buffer.indexOf(0x0a, offset);
    if (end < 0) {
      skipped += 1; // no newline: the last write was cut short
      break;
    }
    try {
      records.push(JSON.parse(buffer.subarray(offset, end).toString('utf8')) as R);
    } catch {
      skipped += 1;
      break;
    }
    offset = end + 1;
  }
  return { records, skipped, validBytes: offset, totalBytes: buffer.length };
}

function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  }
}
