/**
 * One local cloud per data directory. Two instances on one data directory would both poll the same table
 * streams (so each change would reach its targets twice) and write the same logs and checkpoints; so the first
 * one takes `<dataDir>/instance.lock` and a second one is refused with the first one's PID and ports.
 *
 * The lock is a file created with O_EXCL (atomic on local file systems). It names its holder's PID; a lock whose
 * process no longer exists (a `kill -9`, a crash) is stale and taken over. Its content is also how other commands
 * (`npm run logs`, `npm run stack-output`) find out which stack and ports a data directory belongs to.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';

export const LOCK_FILE = 'instance.lock';

export interface InstanceInfo {
  pid: number;
  stack: string;
  /** The HTTP API's and the AWS edge's ports (as requested until the servers listen, then as bound). */
  ports: { api?: number; edge?: number };
  startedAt: string;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: InstanceInfo,
  ) {
    const ports = [
      holder.ports.api !== undefined ? `HTTP API on port ${holder.ports.api}` : '',
      holder.ports.edge !== undefined ? `AWS edge on port ${holder.ports.edge}` : '',
    ]
      .filter((p) => p !== '')
      .join(', ');
    super(
      `The data directory ${dataDir} is in use by another local cloud (PID ${holder.pid}, stack ${holder.stack}${ports ? `, ${ports}` : ''}). ` +
        'Two instances on one data directory would both read its table streams and call every target twice. ' +
        `Stop that one (kill ${holder.pid}), or start this one with its own --data-dir DIR.`,
    );
  }
}

/**
 * Whether a process with this PID is alive (EPERM: it exists but belongs to someone else). A zombie (killed, not yet
 * reaped by its parent: after `kill -9` of a process group whose parent is slow to reap, or in a container whose
 * PID 1 never reaps) still answers signal 0 but holds nothing, so on Linux its /proc state `Z` counts as gone.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain spaces or parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (not Linux): signal 0 is all there is
  }
}

function parseInstance(text: string): InstanceInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<InstanceInfo>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return {
      pid: value.pid,
      stack: String(value.stack ?? '?'),
      ports: value.ports ?? {},
      startedAt: String(value.startedAt ?? ''),
    };
  } catch {
    return undefined;
  }
}

/** The running instance that holds the data directory, if any (a stale or unreadable lock counts as none). */
export function readDataDirLock(
  dataDir: string,
  exists: (pid: number) => boolean = processExists,
): InstanceInfo | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const info = parseInstance(text);
  return info && exists(info.pid) ? info : undefined;
}

export interface DataDirLock {
  readonly file: string;
  readonly info: InstanceInfo;
  /** Records the ports once the servers listen. */
  update(ports: InstanceInfo['ports']): void;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

export interface AcquireOptions {
  stack: string;
  ports: InstanceInfo['ports'];
  pid?: number;
  now?: Date;
  /** Process liveness (tests inject it). */
  exists?: (pid: number) => boolean;
}

export function acquireDataDirLock(dataDir: string, options: AcquireOptions): DataDirLock {
  const exists = options.exists ?? processExists;
  const file = path.join(dataDir, LOCK_FILE);
  const info: InstanceInfo = {
    pid: options.pid ?? process.pid,
    stack: options.stack,
    ports: { ...options.ports },
    startedAt: (options.now ?? new Date()).toISOString(),
  };
  mkdirSync(dataDir, { recursive: true });
  // Two attempts: the second after removing a stale lock (its holder is gone).
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // removed meanwhile: try again
      }
      const holder = parseInstance(text);
      if (holder && holder.pid !== info.pid && exists(holder.pid)) throw new DataDirLockedError(dataDir, holder);
      // Stale (its process is gone), unreadable (a crash mid-write) or our own: take it over.
      rmSync(file, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(info));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      file,
      info,
      update(ports) {
        if (released) return;
        Object.assign(info.ports, ports);
        // Write-then-rename, so a reader never sees half a file.
        const temporary = `${file}.${info.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(info));
        renameSync(temporary, file);
      },
      release() {
        if (released) return;
        released = true;
        try {
          if (parseInstance(readFileSync(file, 'utf8'))?.pid === info.pid) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      },
    };
  }
  throw new Error(`Could not take the lock ${file}: another process keeps re-creating it`);
}
