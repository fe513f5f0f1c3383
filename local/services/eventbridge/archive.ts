/**
 * Event archives: every event that reaches the archive's bus and matches its optional pattern is appended to a
 * JSON-lines file, one event per line, never rewritten (what the archive is for: replay).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html
 * Retention (retentionDays, 0/absent = indefinitely) is recorded in the archive's metadata file; the local cloud does
 * not purge old events. Replayed events (those carrying `replay-name`) are never archived again: the bus does not
 * hand them to archives, as AWS's managed archive rule excludes them (eb-archive.html). Replay itself
 * (StartReplay and the other replay operations) lives in eventbridge/replay.ts and the service
 * (docs/aws-behaviour.md#archive-replay).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileEventPattern, CompiledEventPattern } from '../../engine';
import { sanitiseSource } from '../logs';
import { ArchiveDefinition, EventEnvelope } from './types';

export class EventArchive {
  readonly file: string;
  private readonly pattern: CompiledEventPattern | undefined;
  private dirReady = false;

  constructor(
    readonly definition: ArchiveDefinition & { arn: string },
    private readonly dir: string,
  ) {
    // Validated at creation as CreateArchive does (InvalidEventPatternException).
    this.pattern = definition.eventPattern ? compileEventPattern(definition.eventPattern) : undefined;
    this.file = path.join(dir, `${sanitiseSource(definition.name)}.jsonl`);
  }

  matches(event: EventEnvelope): boolean {
    return this.pattern === undefined || this.pattern.matches(event);
  }

  /** Appends the event if it matches; returns whether it was archived. */
  record(event: EventEnvelope): boolean {
    if (!this.matches(event)) return false;
    this.ensureDir();
    fs.appendFileSync(this.file, JSON.stringify(event) + '\n');
    return true;
  }

  /** The archived events, oldest first. A line torn by a crash mid-append is skipped, not fatal to a replay. */
  read(): EventEnvelope[] {
    if (!fs.existsSync(this.file)) return [];
    const events: EventEnvelope[] = [];
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as EventEnvelope);
      } catch {
        // torn by a kill mid-write: the event was never fully archived
      }
    }
    return events;
  }

  private ensureDir(): void {
    if (this.dirReady) return;
    fs.mkdirSync(this.dir, { recursive: true });
    const { name, arn, eventSourceArn, eventPattern, retentionDays } = this.definition;
    const meta = {
      name,
      arn,
      eventSourceArn,
      eventPattern: eventPattern ?? null,
      retentionDays: retentionDays ?? 0,
      note: 'retention is recorded, not enforced locally',
    };
    fs.writeFileSync(path.join(this.dir, `${sanitiseSource(name)}.archive.json`), JSON.stringify(meta, null, 2) + '\n');
    this.dirReady = true;
  }
}
