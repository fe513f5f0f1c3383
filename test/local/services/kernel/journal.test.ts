import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Journal, readJournalFile } from '../../../../local/services/kernel/journal';

describe('Journal', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
    file = path.join(dir, 'sub', 'service.journal');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('group commit: appends made together are on disk, in order, when their promises resolve', async () => {
    const { journal, records } = Journal.open<{ n: number }>(file, { flushMs: 20 });
    expect(records).toEqual([]);
    const writes = [1, 2, 3].map((n) => journal.append({ n }));
    // Not written before the batch is flushed.
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    await Promise.all(writes);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
    await journal.close();
  });

  it('flushes a full batch without waiting for the timer', async () => {
    const { journal } = Journal.open<{ n: number }>(file, { flushMs: 60_000, maxBatch: 2 });
    await Promise.all([journal.append({ n: 1 }), journal.append({ n: 2 })]);
    expect(readJournalFile(file).records).toEqual([{ n: 1 }, { n: 2 }]);
    await journal.close();
  });

  it('synced() waits for what was appended before it', async () => {
    const { journal } = Journal.open<{ n: number }>(file, { flushMs: 10 });
    void journal.append({ n: 1 });
    await journal.synced();
    expect(readJournalFile(file).records).toEqual([{ n: 1 }]);
    await journal.close();
  });

  it('reopening returns the records; a torn last line (a crash mid-write) is ignored and cut off', async () => {
    const first = Journal.open<{ n: number }>(file);
    await first.journal.append({ n: 1 });
    await first.journal.append({ n: 2 });
    await first.journal.close();
    fs.appendFileSync(file, '{"n":3, "tor');
    const second = Journal.open<{ n: number }>(file);
    expect(second.records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(second.skipped).toBe(1);
    await second.journal.append({ n: 4 });
    await second.journal.close();
    expect(Journal.open<{ n: number }>(file).records).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
  });

  it('compaction replaces the file by the live records and later appends follow them', async () => {
    const { journal } = Journal.open<{ n: number }>(file);
    for (let n = 1; n <= 5; n += 1) await journal.append({ n });
    expect(journal.appendedSinceCompaction).toBe(5);
    await journal.compact([{ n: 5 }]);
    expect(journal.appendedSinceCompaction).toBe(0);
    await journal.append({ n: 6 });
    await journal.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":5}\n{"n":6}\n');
    expect(fs.existsSync(`${file}.compact`)).toBe(false);
  });

  it('in memory: nothing is written and appends resolve', async () => {
    const journal = Journal.inMemory<{ n: number }>();
    await journal.append({ n: 1 });
    await journal.synced();
    await journal.compact([]);
    await journal.close();
    expect(journal.file).toBeUndefined();
  });
});

describe('Journal compaction while appends are queued', () => {
  it('records queued before the call are superseded by the snapshot; those after it follow it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
    const file = path.join(dir, 'j.jsonl');
    const { journal } = Journal.open<{ n: number }>(file, { flushMs: 5 });
    const before = journal.append({ n: 1 });
    const compacted = journal.compact([{ n: 100 }]);
    const after = journal.append({ n: 2 });
    await Promise.all([before, compacted, after]);
    await journal.close();
    expect(readJournalFile(file).records).toEqual([{ n: 100 }, { n: 2 }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
