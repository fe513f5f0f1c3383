/**
 * Where a pipe has got to in each shard, persisted so a restart neither loses records nor replays more than
 * at-least-once allows: AWS's pipe keeps this state itself; locally it is a JSON file per pipe under the state dir,
 * keyed by stream ARN and shard id. Written atomically (temp file + rename) after every advance.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sanitiseSource } from '../logs';

export interface ShardCheckpoint {
  /** last record handled (delivered, filtered out or dead-lettered) */
  sequenceNumber?: string;
  /** the shard was read from its start and nothing before has to be skipped */
  fromTrimHorizon?: boolean;
  /** closed and read to its end */
  finished?: boolean;
}

interface StreamState {
  /** the pipe has positioned itself on this stream once (its starting position is applied only then) */
  initialised: boolean;
  shards: Record<string, ShardCheckpoint>;
}

interface FileShape {
  pipe: string;
  streams: Record<string, StreamState>;
}

export class CheckpointStore {
  readonly file: string;
  private state: FileShape;

  constructor(
    dir: string,
    private readonly pipeName: string,
  ) {
    this.file = path.join(dir, `${sanitiseSource(pipeName)}.checkpoints.json`);
    this.state = this.load();
  }

  isInitialised(streamArn: string): boolean {
    return this.state.streams[streamArn]?.initialised === true;
  }

  markInitialised(streamArn: string): void {
    this.stream(streamArn).initialised = true;
    this.save();
  }

  get(streamArn: string, shardId: string): ShardCheckpoint | undefined {
    const checkpoint = this.state.streams[streamArn]?.shards[shardId];
    return checkpoint === undefined ? undefined : { ...checkpoint };
  }

  /** Records that everything up to and including `sequenceNumber` has been handled. */
  advance(streamArn: string, shardId: string, sequenceNumber: string): void {
    const shard = (this.stream(streamArn).shards[shardId] ??= {});
    shard.sequenceNumber = sequenceNumber;
    this.save();
  }

  update(streamArn: string, shardId: string, patch: ShardCheckpoint): void {
    const shard = (this.stream(streamArn).shards[shardId] ??= {});
    Object.assign(shard, patch);
    this.save();
  }

  private stream(streamArn: string): StreamState {
    return (this.state.streams[streamArn] ??= { initialised: false, shards: {} });
  }

  private load(): FileShape {
    if (!fs.existsSync(this.file)) return { pipe: this.pipeName, streams: {} };
    const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as FileShape;
    return { pipe: this.pipeName, streams: parsed.streams ?? {} };
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.state, null, 2) + '\n');
    fs.renameSync(temp, this.file);
  }
}
