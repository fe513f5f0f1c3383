import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  acquireDataDirLock,
  DataDirLockedError,
  LOCK_FILE,
  processExists,
  readDataDirLock,
} from '../../local/data-dir-lock';

describe('the data directory lock (one local cloud per data directory)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second instance, naming the first one’s PID, stack and ports', () => {
    // Prepare
    const first = acquireDataDirLock(dir, {
      stack: 'dev',
      ports: { api: 3000, edge: 4566 },
      pid: 1111,
      exists: () => true,
    });
    // Act
    const second = (): unknown =>
      acquireDataDirLock(dir, { stack: 'dev', ports: { api: 3100, edge: 4600 }, pid: 2222, exists: () => true });
    // Assess
    expect(second).toThrow(DataDirLockedError);
    expect(second).toThrow(
      `is in use by another local cloud (PID 1111, stack dev, HTTP API on port 3000, AWS edge on port 4566)`,
    );
    expect(second).toThrow(/kill 1111\), or start this one with its own --data-dir DIR/);
    first.release();
  });

  it('records the bound ports, and frees the directory on release (only if the lock is still its own)', () => {
    // Prepare
    const lock = acquireDataDirLock(dir, { stack: 'dev', ports: { api: 0, edge: 0 }, pid: 1111, exists: () => true });
    // Act
    lock.update({ api: 40123, edge: 40124 });
    const seen = readDataDirLock(dir, () => true);
    lock.release();
    // Assess
    expect(seen).toMatchObject({ pid: 1111, stack: 'dev', ports: { api: 40123, edge: 40124 } });
    expect(readDataDirLock(dir, () => true)).toBeUndefined();
    const next = acquireDataDirLock(dir, { stack: 'dev', ports: {}, pid: 2222, exists: () => true });
    lock.release();
    expect(readDataDirLock(dir, () => true)?.pid).toBe(2222);
    next.release();
  });

  it('takes over a stale lock (its process is gone) or an unreadable one', () => {
    // Prepare
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 999999, stack: 'dev', ports: {}, startedAt: '' }));
    // Act
    const lock = acquireDataDirLock(dir, { stack: 'dev', ports: {}, pid: 1111, exists: (pid) => pid !== 999999 });
    // Assess
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(1111);
    lock.release();
    writeFileSync(path.join(dir, LOCK_FILE), '{"pid": ');
    expect(acquireDataDirLock(dir, { stack: 'dev', ports: {}, pid: 1111, exists: () => true }).info.pid).toBe(1111);
  });

  it('treats a running process as the holder (real liveness check)', () => {
    // Prepare
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, stack: 'dev', ports: { api: 1 }, startedAt: '' }),
    );
    // Act / Assess
    expect(readDataDirLock(dir)?.pid).toBe(process.pid);
    expect(() => acquireDataDirLock(dir, { stack: 'dev', ports: {}, pid: process.pid + 1 })).toThrow(
      DataDirLockedError,
    );
  });
});

describe('processExists', () => {
  it('counts a zombie (killed, never reaped) as gone, though it still answers signal 0', async () => {
    // Prepare: the background `sleep` outlives the shell's exec of the long `sleep`, which never reaps it: a zombie
    // once it exits. (A child that exits at once may be reaped by the shell before its exec, on a busy machine.)
    const child = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 6'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(
      await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString()))),
    );
    const state = (): string => {
      const stat = readFileSync(`/proc/${zombie}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    for (const deadline = Date.now() + 4000; state() !== 'Z' && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state()).toBe('Z');
    // Act / Assess
    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(processExists(zombie)).toBe(false);
    expect(processExists(process.pid)).toBe(true);
    child.kill('SIGKILL');
  });
});
