import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointStore } from '../../../../local/services/pipes/checkpoint-store';

describe('CheckpointStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoints-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('persists positions per stream and shard across instances', () => {
    // Prepare
    const first = new CheckpointStore(dir, 'my-pipe');
    first.markInitialised('stream-1');
    first.advance('stream-1', 'shard-a', '42');
    first.update('stream-1', 'shard-b', { finished: true });
    // Act
    const second = new CheckpointStore(dir, 'my-pipe');
    // Assess
    expect(second.isInitialised('stream-1')).toBe(true);
    expect(second.isInitialised('stream-2')).toBe(false);
    expect(second.get('stream-1', 'shard-a')).toEqual({ sequenceNumber: '42' });
    expect(second.get('stream-1', 'shard-b')).toEqual({ finished: true });
    expect(second.get('stream-2', 'shard-a')).toBeUndefined();
  });

  it('keeps pipes apart and leaves no temporary files behind', () => {
    // Prepare
    new CheckpointStore(dir, 'pipe-a').advance('s', 'x', '1');
    // Act
    const other = new CheckpointStore(dir, 'pipe-b');
    // Assess
    expect(other.get('s', 'x')).toBeUndefined();
    expect(fs.readdirSync(dir)).toEqual(['pipe-a.checkpoints.json']);
  });
});
