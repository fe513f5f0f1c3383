import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  LogLine,
  LogSink,
  followLogLines,
  parseLogLine,
  readLogLines,
  sanitiseSource,
} from '../../../../local/services/logs';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'logs-test-'));
}

async function waitFor(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LogSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints and appends one line per record with time and source', () => {
    // Prepare
    const printed: string[] = [];
    const sink = new LogSink({ dir, out: (line) => printed.push(line) });
    const time = new Date('2025-01-15T12:00:00.123Z');
    // Act
    sink.write({ time, source: 'fn-a', message: 'hello world' });
    sink.write({ time, source: 'fn-a', message: 'second' });
    // Assess
    expect(printed).toEqual(['2025-01-15T12:00:00.123Z fn-a hello world', '2025-01-15T12:00:00.123Z fn-a second']);
    expect(fs.readFileSync(path.join(dir, 'fn-a.log'), 'utf8')).toBe(printed.join('\n') + '\n');
  });

  it('keeps Powertools JSON lines as they are', () => {
    // Prepare
    const printed: string[] = [];
    const sink = new LogSink({ dir, out: (line) => printed.push(line) });
    const json = '{"level":"INFO","message":"ok","service":"svc","timestamp":"2025-01-15T12:00:00.000Z"}';
    // Act
    sink.write({ time: new Date('2025-01-15T12:00:00Z'), source: 'fn', message: json });
    // Assess
    expect(printed).toEqual([`2025-01-15T12:00:00.000Z fn ${json}`]);
  });

  it('writes log group sources to a sanitised file name and splits multi-line messages', () => {
    // Prepare
    const sink = new LogSink({ dir, quiet: true });
    // Act
    sink.write({ time: new Date('2025-01-15T12:00:00Z'), source: '/aws/events/catch-all', message: 'a\nb\n' });
    // Assess
    expect(sanitiseSource('/aws/events/catch-all')).toBe('aws_events_catch-all');
    const content = fs.readFileSync(path.join(dir, 'aws_events_catch-all.log'), 'utf8');
    expect(content).toBe(
      '2025-01-15T12:00:00.000Z /aws/events/catch-all a\n2025-01-15T12:00:00.000Z /aws/events/catch-all b\n',
    );
  });

  it('batches with flushIntervalMs: nothing written at once, all lines in order after the interval', async () => {
    // Prepare
    const printed: string[] = [];
    const sink = new LogSink({ dir, out: (chunk) => printed.push(chunk), flushIntervalMs: 20 });
    const time = new Date('2025-01-15T12:00:00.000Z');
    // Act
    sink.write({ time, source: 'fn-a', message: 'one' });
    sink.write({ time, source: 'fn-b', message: 'two\nthree' });
    sink.write({ time, source: 'fn-a', message: 'four' });
    const before = { printed: [...printed], file: fs.existsSync(path.join(dir, 'fn-a.log')) };
    await new Promise((resolve) => setTimeout(resolve, 60));
    await sink.flush();
    // Assess: one console write for the batch, one file per source, lines in order
    expect(before).toEqual({ printed: [], file: false });
    const t = '2025-01-15T12:00:00.000Z';
    expect(printed).toEqual([`${t} fn-a one\n${t} fn-b two\n${t} fn-b three\n${t} fn-a four`]);
    expect(fs.readFileSync(path.join(dir, 'fn-a.log'), 'utf8')).toBe(`${t} fn-a one\n${t} fn-a four\n`);
    expect(fs.readFileSync(path.join(dir, 'fn-b.log'), 'utf8')).toBe(`${t} fn-b two\n${t} fn-b three\n`);
  });

  it('flush() writes pending lines at once and keeps successive batches in order', async () => {
    // Prepare
    const sink = new LogSink({ dir, quiet: true, flushIntervalMs: 60_000 });
    const time = new Date('2025-01-15T12:00:00.000Z');
    // Act
    for (let i = 0; i < 50; i += 1) {
      sink.write({ time, source: 'fn', message: `line ${i}` });
      if (i % 7 === 0) void sink.flush();
    }
    await sink.flush();
    // Assess
    const lines = fs.readFileSync(path.join(dir, 'fn.log'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ').slice(2).join(' '))).toEqual(
      Array.from({ length: 50 }, (_, i) => `line ${i}`),
    );
  });

  it('prints nothing when quiet', () => {
    // Prepare
    const printed: string[] = [];
    const sink = new LogSink({ dir, quiet: true, out: (line) => printed.push(line) });
    // Act
    sink.write({ time: new Date(), source: 'fn', message: 'x' });
    // Assess
    expect(printed).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'fn.log'))).toBe(true);
  });
});

describe('readLogLines', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('merges files by time and filters by source prefix and since', () => {
    // Prepare
    const sink = new LogSink({ dir, quiet: true });
    sink.write({ time: new Date('2025-01-15T12:00:03Z'), source: 'capture-abc1234', message: 'three' });
    sink.write({ time: new Date('2025-01-15T12:00:01Z'), source: 'other', message: 'one' });
    sink.write({ time: new Date('2025-01-15T12:00:02Z'), source: 'capture-abc1234', message: 'two' });
    // Act
    const all = readLogLines({ dir });
    const bySource = readLogLines({ dir, source: 'capture' });
    const recent = readLogLines({ dir, since: new Date('2025-01-15T12:00:02Z') });
    // Assess
    expect(all.map((l) => l.message)).toEqual(['one', 'two', 'three']);
    expect(bySource.map((l) => l.message)).toEqual(['two', 'three']);
    expect(recent.map((l) => l.message)).toEqual(['two', 'three']);
  });

  it('returns nothing for a directory that does not exist', () => {
    // Prepare, Act
    const lines = readLogLines({ dir: path.join(dir, 'missing') });
    // Assess
    expect(lines).toEqual([]);
  });

  it('ignores lines it did not write', () => {
    // Prepare, Act, Assess
    expect(parseLogLine('garbage')).toBeUndefined();
    expect(parseLogLine('2025-01-15T12:00:00.000Z fn msg with spaces')?.message).toBe('msg with spaces');
  });
});

describe('followLogLines', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('emits stored lines first, then lines appended later, including new files', async () => {
    // Prepare
    const sink = new LogSink({ dir, quiet: true });
    sink.write({ time: new Date('2025-01-15T12:00:00Z'), source: 'fn-a', message: 'before' });
    const seen: LogLine[] = [];
    const follower = followLogLines({ dir, onLine: (line) => seen.push(line), pollIntervalMs: 20 });
    try {
      // Act
      sink.write({ time: new Date('2025-01-15T12:00:01Z'), source: 'fn-a', message: 'after' });
      sink.write({ time: new Date('2025-01-15T12:00:02Z'), source: 'fn-b', message: 'new file' });
      await waitFor(() => seen.length >= 3);
      // Assess
      expect(seen.map((l) => `${l.source}:${l.message}`)).toEqual(['fn-a:before', 'fn-a:after', 'fn-b:new file']);
    } finally {
      follower.stop();
    }
  });

  it('applies the source filter while following', async () => {
    // Prepare
    const sink = new LogSink({ dir, quiet: true });
    const seen: string[] = [];
    const follower = followLogLines({ dir, source: 'fn-b', onLine: (l) => seen.push(l.message), pollIntervalMs: 20 });
    try {
      // Act
      sink.write({ time: new Date(), source: 'fn-a', message: 'skip' });
      sink.write({ time: new Date(), source: 'fn-b', message: 'keep' });
      await waitFor(() => seen.length >= 1);
      // Assess
      expect(seen).toEqual(['keep']);
    } finally {
      follower.stop();
    }
  });
});
