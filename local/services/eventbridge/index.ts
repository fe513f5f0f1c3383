/**
 * EventBridge, emulated generically: buses, rules, targets, connections, API destinations and archives, defined
 * with the Pulumi input names of aws.cloudwatch.* so the wiring passes resources from the graph straight in.
 *
 * - PutEvents (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html): request-level
 *   validation throws the engine's PutEventsValidationException (HTTP 400 at the edge); per-entry failures are
 *   reported in the result with HTTP 200 semantics; an unknown bus still yields an EventId and the event is dropped
 *   (docs/aws-behaviour.md#putevents-entry-validation [V]). It answers at once and delivers afterwards (docs/aws-behaviour.md#delivery-is-asynchronous).
 * - Each matching (rule, target) pair is delivered independently by the sender of its target type
 *   (eventbridge/senders/), which applies the input, retries and dead-letters (eb-rule-dlq.html).
 * - Patterns are compiled once when a rule is added (PutRule validates them the same way). Scheduled rules with a
 *   rate(...) expression fire on the compressed interval; cron(...) schedules are refused as not emulated.
 * - Durable (journal.ts under shared/): PutEvents answers only once its accepted events are journaled; each
 *   (rule, target) delivery records its scheduled retries and its end, so after a crash `recover` resumes every
 *   delivery that had not ended, with its retry count and due time (waits in an API destination's rate-limit queue
 *   included). Delivery is at least once, as on AWS (eb-rule-retry-policy.html).
 * - Archive replay (eventbridge/replay.ts): StartReplay answers STARTING and replays afterwards; each replayed event
 *   takes PutEvents' durable path (journaled before it is routed, retries, DLQs) restricted to the replay's rules, and
 *   the replay's progress is recorded, so a restart resumes it (docs/aws-behaviour.md#archive-replay).
 * Nothing here knows what the events mean.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import type { IamGate } from '../iam';
import {
  buildEventEnvelope,
  compileEventPattern,
  CompiledEventPattern,
  prepareEvent,
  PutEventsRequestEntry,
  testEventPattern as engineTestEventPattern,
  validatePutEventsEntry,
  validatePutEventsRequest,
  validateTargetInput,
} from '../../engine';
import { targetKindOf, type TargetKind } from '../kernel/arns';
import { Clock, compressed } from '../kernel/clock';
import type { LambdaInvoker, LogRecordWriter, SqsMessageSender } from '../kernel/ports';
import { OAuthTokenCache } from './api-destinations/oauth';
import { sendHttpRequest } from './api-destinations/http-client';
import { TokenBucket } from './api-destinations/rate-limiter';
import {
  apiDestinationArn,
  apiDestinationNameOf,
  archiveArn,
  busArn,
  busNameOf,
  connectionArn,
  connectionNameOf,
  DEFAULT_BUS_NAME,
  ruleArn,
} from './arns';
import { EventArchive } from './archive';
import {
  archiveNameOf,
  checkStartReplay,
  describeReplay,
  listReplays,
  ListReplaysQuery,
  replayedEvent,
  ReplayError,
  ReplayRecord,
  ReplayStore,
  replaySummary,
  ruleReceivesReplay,
  selectReplayEvents,
} from './replay';
import type { EventBridgeResource } from './definition';
import { resolveRetryPolicy } from './retry-policy';
import { parseRateExpression } from './schedule';
import { ApiDestinationSender, ResolvedApiDestination } from './senders/api-destination-sender';
import { EventBusTargetSender } from './senders/event-bus-target-sender';
import { LambdaTargetSender } from './senders/lambda-target-sender';
import { LogGroupTargetSender } from './senders/log-group-target-sender';
import { SqsTargetSender } from './senders/sqs-target-sender';
import {
  DeliveryContext,
  DeliveryTarget,
  SenderEnvironment,
  TargetMetrics,
  RetryState,
  TargetSender,
} from './senders/target-sender';
import {
  ApiDestinationDefinition,
  ArchiveDefinition,
  BusDefinition,
  ConnectionDefinition,
  EventEnvelope,
  RuleDefinition,
  TargetDefinition,
} from './types';
import { errorMessage, LocalCloudError } from '../kernel/errors';
import { Journal } from '../kernel/journal';

export * from './types';
export { readEventBridge, type EventBridgeResource } from './definition';
export { targetKindOf, type TargetKind } from '../kernel/arns';
export type { DeliveryContext, DeliveryOutcome, TargetMetrics } from './senders/target-sender';
export { ReplayError, type ReplayRecord, type ReplayState } from './replay';

export interface EventBridgeServiceOptions {
  /** default 123456789012 */
  account?: string;
  /** default us-east-1 */
  region?: string;
  /** Lambda targets */
  lambda?: Pick<LambdaInvoker, 'invokeAsync'>;
  /** SQS targets and every DLQ */
  sqs?: SqsMessageSender;
  /** CloudWatch log-group targets */
  logs?: LogRecordWriter;
  /** maps real AWS URLs of API destinations and OAuth endpoints to local ones (default identity) */
  resolveUrl?: (url: string) => string;
  /** AWS-delay compression (default local/services/kernel/clock.ts) */
  clock?: Clock;
  /** API destination timeout in real ms (default AWS's 5000) */
  apiDestinationTimeoutMs?: number;
  /** where archives are written (default `.local/archives`) */
  archiveDir?: string;
  /** diagnostics of deliveries: retries, dead letters, drops (default console.warn) */
  log?: (message: string) => void;
  /** jitter source, [0, 1) (default Math.random) */
  random?: () => number;
  /** IAM enforcement of target calls and dead letters (default: allowed) */
  iam?: Pick<IamGate, 'eventBridgeTarget' | 'eventBridgeDeadLetter'>;
  /** where accepted events and delivery progress are recorded (default: nowhere, in memory) */
  journal?: Journal<EventBridgeJournalRecord>;
  /** where replay records are kept across restarts (default: in memory only) */
  replayFile?: string;
}

/** StartReplay's input (API_StartReplay.html), times already read from the wire. */
export interface StartReplayInput {
  ReplayName: string;
  Description?: string;
  EventSourceArn: string;
  EventStartTime: Date;
  EventEndTime: Date;
  Destination: { Arn: string; FilterArns?: string[] };
}

/** An accepted event, a delivery's scheduled retry, a delivery's end (delivered, dead-lettered or dropped). */
export type EventBridgeJournalRecord =
  | {
      op: 'event';
      bus: string;
      event: EventEnvelope;
      at: string;
      local: number;
      trace?: string;
      /** written by a compaction: the deliveries still pending (the others had ended) */
      only?: { rule: string; target: string }[];
      /** a replayed event: the only rules it goes to (ReplayDestination.FilterArns) */
      rules?: string[];
    }
  | ({ op: 'retry'; id: string; rule: string; target: string } & RetryState)
  | { op: 'done'; id: string; rule: string; target: string };

type EventRecord = Extract<EventBridgeJournalRecord, { op: 'event' }>;
type RetryRecord = Extract<EventBridgeJournalRecord, { op: 'retry' }>;

/** An event not yet delivered to every matched target; `pending` is unset until its rules are evaluated. */
interface LiveEvent {
  record: EventRecord;
  pending?: Map<string, RetryRecord | undefined>;
}

/** The journal is rewritten from the live events once this many records were appended (bounds its size). */
const COMPACT_AFTER_RECORDS = 20_000;

const deliveryKey = (ruleArn: string, targetId: string): string => `${ruleArn}\n${targetId}`;

/** A replayed event keeps its id, so its journal key also names the replay (it may be live twice). */
const liveKey = (event: EventEnvelope): string =>
  typeof event['replay-name'] === 'string' ? `${event.id}\n${event['replay-name']}` : event.id;

/** Replayed events are journaled this many at a time before the replay's progress is recorded. */
const REPLAY_BATCH = 100;

export interface PutEventsResponse {
  FailedEntryCount: number;
  Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

export interface BusInfo {
  name: string;
  arn: string;
}

export interface RuleInfo {
  name: string;
  arn: string;
  eventBusName: string;
  state: string;
}

interface Rule extends RuleInfo {
  pattern: CompiledEventPattern | undefined;
  targets: Map<string, TargetSender>;
  /** timer of a scheduled rule */
  schedule?: NodeJS.Timeout;
}

interface Bus extends BusInfo {
  rules: Map<string, Rule>;
  archives: EventArchive[];
}

/** Raised when a definition cannot be emulated or is invalid (the wiring lists it). */
export class EventBridgeDefinitionError extends LocalCloudError {}

export class EventBridgeService {
  readonly account: string;
  readonly region: string;
  private readonly buses = new Map<string, Bus>();
  private readonly connections = new Map<string, ConnectionDefinition & { arn: string }>();
  private readonly destinations = new Map<
    string,
    { definition: ApiDestinationDefinition & { arn: string }; rateLimiter: TokenBucket }
  >();
  private readonly oauthCaches = new Map<string, OAuthTokenCache>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private readonly env: SenderEnvironment;
  private readonly resolveUrl: (url: string) => string;
  private readonly archiveDir: string;
  private readonly journal: Journal<EventBridgeJournalRecord>;
  private readonly live = new Map<string, LiveEvent>();
  private readonly replays: ReplayStore;

  constructor(private readonly options: EventBridgeServiceOptions = {}) {
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.resolveUrl = options.resolveUrl ?? ((url) => url);
    this.archiveDir = options.archiveDir ?? path.join('.local', 'archives');
    this.journal = options.journal ?? Journal.inMemory();
    this.replays = new ReplayStore(options.replayFile);
    // Every back-off, rate-limit wait and HTTP call listens to the one stop signal.
    setMaxListeners(0, this.abort.signal);
    this.env = {
      clock: options.clock ?? { compressed },
      random: options.random ?? Math.random,
      log: options.log ?? ((message) => console.warn(message)),
      sqs: options.sqs,
      signal: this.abort.signal,
      iam: options.iam,
      onRetry: (event, target, state) => this.recordRetry(liveKey(event), target.ruleArn, target.id, state),
    };
    // Every account has the default bus (eb-event-bus.html).
    this.addBus({ name: DEFAULT_BUS_NAME });
  }

  // ----- resources -------------------------------------------------------------------------------------------

  /** Adds what readEventBridge found, in its order; one that cannot be emulated is told to `warn` and skipped. */
  addAll(resources: EventBridgeResource[], warn: (message: string) => void): void {
    for (const resource of resources) {
      try {
        if (resource.kind === 'bus') this.addBus(resource.definition);
        else if (resource.kind === 'connection') this.addConnection(resource.definition);
        else if (resource.kind === 'apiDestination') this.addApiDestination(resource.definition);
        else if (resource.kind === 'rule') this.addRule(resource.definition);
        else if (resource.kind === 'target') this.addTarget(resource.definition);
        else this.addArchive(resource.definition);
      } catch (error) {
        warn(`${resource.label} not emulated: ${errorMessage(error)}`);
      }
    }
  }

  addBus(definition: BusDefinition): BusInfo {
    const existing = this.buses.get(definition.name);
    if (existing) return { name: existing.name, arn: existing.arn };
    const bus: Bus = {
      name: definition.name,
      arn: definition.arn ?? busArn(this.region, this.account, definition.name),
      rules: new Map(),
      archives: [],
    };
    this.buses.set(bus.name, bus);
    return { name: bus.name, arn: bus.arn };
  }

  /**
   * Validates and compiles the pattern (throws the engine's InvalidEventPatternException, as PutRule). A rule with
   * only a `rate(...)` scheduleExpression fires on the compressed interval (eventbridge/schedule.ts).
   */
  addRule(definition: RuleDefinition): RuleInfo {
    const bus = this.requireBus(definition.eventBusName);
    const hasPattern =
      definition.eventPattern !== undefined && definition.eventPattern !== null && definition.eventPattern !== '';
    if (!hasPattern && !definition.scheduleExpression) {
      throw new EventBridgeDefinitionError(`Rule ${definition.name} needs an eventPattern or a scheduleExpression.`);
    }
    const pattern = hasPattern ? compileEventPattern(definition.eventPattern as string) : undefined;
    const intervalMs =
      !hasPattern && definition.scheduleExpression ? parseRateExpression(definition.scheduleExpression) : undefined;
    const state = definition.state || (definition.isEnabled === false ? 'DISABLED' : 'ENABLED');
    const previous = bus.rules.get(definition.name);
    if (previous?.schedule) clearInterval(previous.schedule);
    const rule: Rule = {
      name: definition.name,
      arn: definition.arn ?? ruleArn(this.region, this.account, bus.name, definition.name),
      eventBusName: bus.name,
      state,
      pattern,
      targets: previous?.targets ?? new Map(),
    };
    if (intervalMs !== undefined && !this.abort.signal.aborted) {
      rule.schedule = setInterval(() => this.fireSchedule(rule), Math.max(1, this.env.clock.compressed(intervalMs)));
    }
    bus.rules.set(rule.name, rule);
    return this.ruleInfo(rule);
  }

  /** ENABLED / DISABLED, as EnableRule / DisableRule. */
  setRuleState(ruleName: string, eventBusName: string | undefined, state: 'ENABLED' | 'DISABLED'): void {
    this.requireRule(ruleName, eventBusName).state = state;
  }

  /**
   * Adds a target to a rule. Validates the input options as PutTargets does (the engine's ValidationException);
   * throws EventBridgeDefinitionError for target types the emulation does not deliver to.
   */
  addTarget(definition: TargetDefinition): { id: string; kind: TargetKind } {
    const rule = this.requireRule(definition.rule, definition.eventBusName);
    const kind = targetKindOf(definition.arn);
    if (kind === undefined)
      throw new EventBridgeDefinitionError(`Target ${definition.arn} of rule ${rule.name}: target type not emulated.`);
    const id = definition.targetId || `target-${rule.targets.size + 1}`;
    const input = {
      input: definition.input ?? undefined,
      inputPath: definition.inputPath ?? undefined,
      // Pulumi's `inputPaths` is the API's InputPathsMap.
      inputTransformer: definition.inputTransformer
        ? {
            inputPathsMap: definition.inputTransformer.inputPaths ?? undefined,
            inputTemplate: definition.inputTransformer.inputTemplate,
          }
        : undefined,
    };
    validateTargetInput(id, input);
    const target: DeliveryTarget = {
      id,
      arn: definition.arn,
      ruleArn: rule.arn,
      ruleName: rule.name,
      input,
      retryPolicy: resolveRetryPolicy(definition.retryPolicy),
      deadLetterArn: definition.deadLetterConfig?.arn || undefined,
    };
    rule.targets.set(id, this.createSender(kind, target, definition));
    return { id, kind };
  }

  addConnection(definition: ConnectionDefinition): { name: string; arn: string } {
    const arn = definition.arn ?? connectionArn(this.region, this.account, definition.name);
    this.connections.set(definition.name, { ...definition, arn });
    this.oauthCaches.delete(definition.name);
    return { name: definition.name, arn };
  }

  addApiDestination(definition: ApiDestinationDefinition): { name: string; arn: string } {
    const arn = definition.arn ?? apiDestinationArn(this.region, this.account, definition.name);
    // InvocationRateLimitPerSecond: minimum 1, default 300 (API_CreateApiDestination).
    const rate = Math.max(1, definition.invocationRateLimitPerSecond ?? 300);
    this.destinations.get(definition.name)?.rateLimiter.close();
    this.destinations.set(definition.name, { definition: { ...definition, arn }, rateLimiter: new TokenBucket(rate) });
    return { name: definition.name, arn };
  }

  /** The archive's bus must exist; its pattern is validated as CreateArchive does. */
  addArchive(definition: ArchiveDefinition): { name: string; arn: string } {
    const bus = this.findBus(definition.eventSourceArn);
    if (bus === undefined)
      throw new EventBridgeDefinitionError(
        `Archive ${definition.name}: event bus ${definition.eventSourceArn} does not exist.`,
      );
    const arn = definition.arn ?? archiveArn(this.region, this.account, definition.name);
    bus.archives = bus.archives.filter((a) => a.definition.name !== definition.name);
    bus.archives.push(new EventArchive({ ...definition, arn }, this.archiveDir));
    return { name: definition.name, arn };
  }

  /** Events recorded by an archive, oldest first. */
  readArchive(name: string): EventEnvelope[] {
    for (const bus of this.buses.values()) {
      const archive = bus.archives.find((a) => a.definition.name === name);
      if (archive) return archive.read();
    }
    throw new EventBridgeDefinitionError(`Archive ${name} does not exist.`);
  }

  hasBus(nameOrArn: string): boolean {
    return this.findBus(nameOrArn) !== undefined;
  }

  listBuses(): BusInfo[] {
    return [...this.buses.values()].map((b) => ({ name: b.name, arn: b.arn }));
  }

  /** Delivery counters per (rule, target): invocations, retries, dead letters, drops. */
  metrics(): TargetMetrics[] {
    return [...this.buses.values()].flatMap((b) =>
      [...b.rules.values()].flatMap((r) => [...r.targets.values()].map((t) => ({ ...t.metrics }))),
    );
  }

  // ----- API -------------------------------------------------------------------------------------------------

  async putEvents(request: { Entries: PutEventsRequestEntry[] }): Promise<PutEventsResponse> {
    const entries = request.Entries ?? [];
    validatePutEventsRequest(entries);
    const receivedAt = new Date();
    const receivedAtLocalMs = Date.now();
    const results: PutEventsResponse['Entries'] = [];
    const journaled: Promise<void>[] = [];
    let failed = 0;
    for (const entry of entries) {
      const error = validatePutEventsEntry(entry);
      if (error) {
        failed += 1;
        results.push({ ErrorCode: error.ErrorCode, ErrorMessage: error.ErrorMessage });
        continue;
      }
      const id = randomUUID();
      results.push({ EventId: id });
      const bus = this.findBus(entry.EventBusName);
      // A bus that does not exist: the entry succeeds and the event goes nowhere (docs/aws-behaviour.md#putevents-entry-validation [V]).
      if (bus === undefined) continue;
      const event = buildEventEnvelope(entry, { id, account: this.account, region: this.region, receivedAt });
      journaled.push(this.accept(bus, event, { receivedAt, receivedAtLocalMs, traceHeader: entry.TraceHeader }));
    }
    // AWS: an event is durable once PutEvents answers; so here, once the batch holding it is fsync'd.
    await Promise.all(journaled);
    return { FailedEntryCount: failed, Entries: results };
  }

  /**
   * An event the bus has taken on: journaled (the promise resolves once it is durable), then archived and routed
   * after the caller has answered. `rules` restricts it to those rules (a replay's FilterArns).
   */
  private accept(bus: Bus, event: EventEnvelope, context: DeliveryContext, rules?: string[]): Promise<void> {
    const record: EventRecord = {
      op: 'event',
      bus: bus.name,
      event,
      at: context.receivedAt.toISOString(),
      local: context.receivedAtLocalMs,
      trace: context.traceHeader,
      ...(rules && rules.length > 0 ? { rules } : {}),
    };
    this.live.set(liveKey(event), { record });
    const journaled = this.journal.append(record);
    this.dispatch(bus, event, context, record.rules);
    return journaled;
  }

  // ----- replay (eventbridge/replay.ts) ----------------------------------------------------------------------

  /** StartReplay: checked as AWS checks it, recorded as STARTING, replayed after the answer. */
  startReplay(input: StartReplayInput): Record<string, unknown> {
    const found = this.findArchive(input.EventSourceArn);
    checkStartReplay({
      name: input.ReplayName,
      startMs: input.EventStartTime.getTime(),
      endMs: input.EventEndTime.getTime(),
      exists: (name) => this.replays.get(name) !== undefined,
      archiveBusArn: found?.bus.arn,
      archiveName: archiveNameOf(input.EventSourceArn),
      destinationArn: input.Destination.Arn,
      destinationBusArn: [...this.buses.values()].find((b) => b.arn === input.Destination.Arn)?.arn,
    });
    const record: ReplayRecord = {
      name: input.ReplayName,
      arn: `arn:aws:events:${this.region}:${this.account}:replay/${input.ReplayName}`,
      ...(input.Description !== undefined ? { description: input.Description } : {}),
      eventSourceArn: input.EventSourceArn,
      destination: {
        Arn: input.Destination.Arn,
        ...(input.Destination.FilterArns ? { FilterArns: input.Destination.FilterArns } : {}),
      },
      eventStartTime: input.EventStartTime.getTime(),
      eventEndTime: input.EventEndTime.getTime(),
      state: 'STARTING',
      stateReason: 'Replay is starting.',
      replayStartTime: Date.now(),
      progress: 0,
    };
    this.replays.put(record);
    this.track(this.runReplay(record.name));
    return {
      ReplayArn: record.arn,
      State: record.state,
      StateReason: record.stateReason,
      ReplayStartTime: record.replayStartTime / 1000,
    };
  }

  describeReplay(name: string): Record<string, unknown> {
    return describeReplay(this.requireReplay(name));
  }

  listReplays(query: ListReplaysQuery): Record<string, unknown> {
    const { page, nextToken } = listReplays(this.replays.all(), query);
    return { Replays: page.map(replaySummary), ...(nextToken !== undefined ? { NextToken: nextToken } : {}) };
  }

  /** CancelReplay: a STARTING or RUNNING replay becomes CANCELLING, then CANCELLED once its loop sees it. */
  cancelReplay(name: string): Record<string, unknown> {
    const record = this.requireReplay(name);
    if (record.state !== 'STARTING' && record.state !== 'RUNNING')
      throw new ReplayError('IllegalStatusException', `Replay ${name} is not in a valid state for this operation.`);
    const cancelling: ReplayRecord = { ...record, state: 'CANCELLING', stateReason: 'Replay is being cancelled.' };
    this.replays.put(cancelling);
    return { ReplayArn: record.arn, State: cancelling.state, StateReason: cancelling.stateReason };
  }

  private requireReplay(name: string): ReplayRecord {
    const record = this.replays.get(name);
    if (record === undefined) throw new ReplayError('ResourceNotFoundException', `Replay ${name} does not exist.`);
    return record;
  }

  private findArchive(arn: string): { bus: Bus; archive: EventArchive } | undefined {
    for (const bus of this.buses.values()) {
      const archive = bus.archives.find((a) => a.definition.arn === arn);
      if (archive) return { bus, archive };
    }
    return undefined;
  }

  /**
   * Replays the window's events after `progress` (the ones already journaled), a batch at a time: each batch is
   * journaled like accepted PutEvents entries before the progress is recorded, so after a crash the journal
   * delivers what was taken and the replay resumes after it (at least once, as every delivery).
   */
  private async runReplay(name: string): Promise<void> {
    try {
      await this.replayEvents(name);
    } catch (error) {
      // The replay cannot go on (its archive unreadable, its state not writable): FAILED, as AWS reports it.
      this.env.log(`[eventbridge] replay ${name}: ${errorMessage(error)}`);
      const record = this.replays.get(name);
      if (record && !this.abort.signal.aborted)
        this.replays.put({ ...record, state: 'FAILED', stateReason: errorMessage(error), replayEndTime: Date.now() });
    }
  }

  private async replayEvents(name: string): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const current = (): ReplayRecord | undefined => this.replays.get(name);
    const end = (state: 'COMPLETED' | 'CANCELLED' | 'FAILED', reason: string): void => {
      const record = current();
      if (record) this.replays.put({ ...record, state, stateReason: reason, replayEndTime: Date.now() });
    };
    const first = current();
    if (first === undefined || this.abort.signal.aborted) return;
    if (first.state === 'CANCELLING') return end('CANCELLED', 'Replay was cancelled.');
    const found = this.findArchive(first.eventSourceArn);
    if (found === undefined) return end('FAILED', `Archive ${archiveNameOf(first.eventSourceArn)} does not exist.`);
    this.replays.put({ ...first, state: 'RUNNING', stateReason: 'Replay is running.' });
    const events = selectReplayEvents(found.archive.read(), first.eventStartTime, first.eventEndTime);
    const rules = first.destination.FilterArns;
    for (let next = first.progress; next < events.length; next += REPLAY_BATCH) {
      if (this.abort.signal.aborted) return; // resumed at the next start
      if (current()?.state === 'CANCELLING') return end('CANCELLED', 'Replay was cancelled.');
      const batch = events.slice(next, next + REPLAY_BATCH);
      const receivedAt = new Date();
      const context: DeliveryContext = { receivedAt, receivedAtLocalMs: Date.now() };
      await Promise.all(batch.map((event) => this.accept(found.bus, replayedEvent(event, name), context, rules)));
      const record = current();
      if (record === undefined) return;
      this.replays.put({
        ...record,
        progress: next + batch.length,
        eventLastReplayedTime: Date.parse(batch[batch.length - 1].time),
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (current()?.state === 'CANCELLING') return end('CANCELLED', 'Replay was cancelled.');
    end('COMPLETED', 'Replay completed.');
  }

  /** TestEventPattern: the engine's validation and matching (InvalidEventPatternException / ValidationException). */
  testEventPattern(pattern: string, event: string): boolean {
    return engineTestEventPattern(pattern, event);
  }

  /** Resolves when every delivery started so far (including retries and dead-lettering) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops delivering: pending back-offs and rate-limit waits end, in-flight HTTP calls are aborted. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const bus of this.buses.values())
      for (const rule of bus.rules.values()) if (rule.schedule) clearInterval(rule.schedule);
    for (const destination of this.destinations.values()) destination.rateLimiter.close();
    await this.idle();
  }

  // ----- delivery --------------------------------------------------------------------------------------------

  /** Archive and rule evaluation happen after PutEvents has answered (docs/aws-behaviour.md#delivery-is-asynchronous). */
  private dispatch(bus: Bus, event: EventEnvelope, context: DeliveryContext, rules?: string[]): void {
    if (this.abort.signal.aborted) return;
    const work = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.route(bus, event, context, rules),
    );
    this.track(work);
  }

  private route(bus: Bus, event: EventEnvelope, context: DeliveryContext, rules?: string[]): void {
    // Replayed events never reach an archive: the archive's managed rule matches only events without
    // `replay-name` (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html).
    const archives = event['replay-name'] === undefined ? bus.archives : [];
    for (const archive of archives) {
      try {
        archive.record(event);
      } catch (err) {
        this.env.log(`[eventbridge] archive ${archive.definition.name}: ${errorMessage(err)}`);
      }
    }
    const matched = this.matchingTargets(bus, event, rules);
    const live = this.live.get(liveKey(event));
    if (live) {
      if (matched.length === 0) this.live.delete(liveKey(event));
      else
        live.pending = new Map(matched.map(({ rule, sender }) => [deliveryKey(rule.arn, sender.target.id), undefined]));
    }
    for (const { rule, sender } of matched) this.track(this.deliver(rule, sender, event, context));
  }

  /** Every (rule, target) whose ENABLED rule matches the event (among `rules` when given: a replay's FilterArns). */
  private matchingTargets(
    bus: Bus,
    event: EventEnvelope,
    rules?: readonly string[],
  ): { rule: Rule; sender: TargetSender }[] {
    const prepared = prepareEvent(event);
    const matched: { rule: Rule; sender: TargetSender }[] = [];
    for (const rule of bus.rules.values()) {
      if (!ruleReceivesReplay(rule.arn, rules)) continue;
      // Only ENABLED rules match (ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled too).
      if (!rule.state.startsWith('ENABLED') || rule.pattern === undefined || !rule.pattern.matches(prepared)) continue;
      for (const sender of rule.targets.values()) matched.push({ rule, sender });
    }
    return matched;
  }

  /** One delivery; its end is journaled unless the service stopped first (then it resumes at the next start). */
  private async deliver(
    rule: Rule,
    sender: TargetSender,
    event: EventEnvelope,
    context: DeliveryContext,
  ): Promise<void> {
    const outcome = await sender.sendEvent(event, context);
    if (outcome.status === 'aborted') return;
    const key = deliveryKey(rule.arn, sender.target.id);
    const live = this.live.get(liveKey(event));
    live?.pending?.delete(key);
    if (live?.pending?.size === 0) this.live.delete(liveKey(event));
    await this.journal.append({ op: 'done', id: liveKey(event), rule: rule.arn, target: sender.target.id });
    if (this.journal.appendedSinceCompaction > COMPACT_AFTER_RECORDS) await this.journal.compact(this.liveRecords());
  }

  private recordRetry(id: string, ruleArn: string, targetId: string, state: RetryState): void {
    const live = this.live.get(id);
    if (live === undefined) return; // a scheduled rule's event: not acknowledged to anyone, not journaled
    const record: RetryRecord = { op: 'retry', id, rule: ruleArn, target: targetId, ...state };
    live.pending?.set(deliveryKey(ruleArn, targetId), record);
    // Not awaited: a lost retry record only means the delivery restarts with a lower retry count.
    this.journal.append(record).catch((err: unknown) => this.env.log(`[eventbridge] journal: ${errorMessage(err)}`));
  }

  /** What the journal must keep: each undelivered event and the latest retry of each of its pending deliveries. */
  private liveRecords(): EventBridgeJournalRecord[] {
    const records: EventBridgeJournalRecord[] = [];
    for (const live of this.live.values()) {
      const only =
        live.pending &&
        [...live.pending.keys()].map((key) => ({ rule: key.split('\n')[0], target: key.split('\n')[1] }));
      records.push(only ? { ...live.record, only } : live.record);
      for (const retry of live.pending?.values() ?? []) if (retry) records.push(retry);
    }
    return records;
  }

  /**
   * Resumes what the journal says was accepted and not finished (call once the rules and targets are added, before
   * requests are let in): each event's rules are evaluated again, deliveries that ended are skipped, the others
   * resume with their retry count and due time. The journal is then compacted to that live state. Archives are not
   * written again. Replays that had not ended resume after their recorded progress (a CANCELLING one ends
   * CANCELLED). Returns the number of deliveries resumed.
   */
  async recover(records: EventBridgeJournalRecord[]): Promise<number> {
    const found = new Map<
      string,
      { record: EventRecord; done: Set<string>; retries: Map<string, RetryRecord>; only?: Set<string> }
    >();
    for (const record of records) {
      if (record.op === 'event') {
        const { only, ...event } = record;
        const entry = {
          record: event,
          done: new Set<string>(),
          retries: new Map<string, RetryRecord>(),
          only: only && new Set(only.map((o) => deliveryKey(o.rule, o.target))),
        };
        found.set(liveKey(record.event), entry);
      } else if (record.op === 'done') found.get(record.id)?.done.add(deliveryKey(record.rule, record.target));
      else found.get(record.id)?.retries.set(deliveryKey(record.rule, record.target), record);
    }
    const resumed: (() => void)[] = [];
    for (const { record, done, retries, only } of found.values()) {
      const bus = this.buses.get(record.bus);
      if (bus === undefined) continue;
      const context: DeliveryContext = {
        receivedAt: new Date(record.at),
        receivedAtLocalMs: record.local,
        traceHeader: record.trace,
      };
      const pending = new Map<string, RetryRecord | undefined>();
      for (const { rule, sender } of this.matchingTargets(bus, record.event, record.rules)) {
        const key = deliveryKey(rule.arn, sender.target.id);
        if (done.has(key) || (only !== undefined && !only.has(key))) continue;
        const retry = retries.get(key);
        pending.set(key, retry);
        const resume = retry && { retries: retry.retries, dueAtMs: retry.dueAtMs, awayMs: retry.awayMs };
        resumed.push(() => this.track(this.deliver(rule, sender, record.event, { ...context, resume })));
      }
      if (pending.size > 0) this.live.set(liveKey(record.event), { record, pending });
    }
    await this.journal.compact(this.liveRecords());
    for (const start of resumed) start();
    for (const replay of this.replays.all())
      if (replay.state === 'STARTING' || replay.state === 'RUNNING' || replay.state === 'CANCELLING')
        this.track(this.runReplay(replay.name));
    return resumed.length;
  }

  /** A scheduled rule's event goes to that rule's targets only (eb-scheduled-rule-pattern.html). */
  private fireSchedule(rule: Rule): void {
    if (!rule.state.startsWith('ENABLED') || this.abort.signal.aborted) return;
    const receivedAt = new Date();
    const event = buildEventEnvelope(
      { Source: 'aws.events', DetailType: 'Scheduled Event', Detail: '{}', Resources: [rule.arn] },
      { id: randomUUID(), account: this.account, region: this.region, receivedAt },
    );
    const context: DeliveryContext = { receivedAt, receivedAtLocalMs: Date.now() };
    for (const sender of rule.targets.values()) this.track(sender.sendEvent(event, context));
  }

  private track(work: Promise<unknown>): void {
    const guarded = work.catch((err: unknown) => this.env.log(`[eventbridge] delivery error: ${errorMessage(err)}`));
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }

  private createSender(kind: TargetKind, target: DeliveryTarget, definition: TargetDefinition): TargetSender {
    const missing = (what: string): never => {
      throw new EventBridgeDefinitionError(
        `Target ${target.arn}: no local ${what} service was given to EventBridgeService.`,
      );
    };
    switch (kind) {
      case 'lambda':
        return new LambdaTargetSender(target, this.env, this.options.lambda ?? missing('Lambda'));
      case 'sqs':
        return new SqsTargetSender(target, this.env, this.options.sqs ?? missing('SQS'));
      case 'log-group':
        return new LogGroupTargetSender(target, this.env, this.options.logs ?? missing('log'));
      case 'event-bus':
        return new EventBusTargetSender(target, this.env, {
          putEvents: (request) => this.putEvents(request),
          hasBus: (nameOrArn) => this.hasBus(nameOrArn),
        });
      case 'api-destination':
        return new ApiDestinationSender(target, this.env, {
          lookup: () => this.resolveApiDestination(target.arn),
          httpTarget: definition.httpTarget,
          resolveUrl: this.resolveUrl,
          timeoutMs: this.options.apiDestinationTimeoutMs,
        });
    }
  }

  private resolveApiDestination(arn: string): ResolvedApiDestination | undefined {
    const name = apiDestinationNameOf(arn);
    const entry = name === undefined ? undefined : this.destinations.get(name);
    if (entry === undefined) return undefined;
    const connectionName = connectionNameOf(entry.definition.connectionArn);
    const connection = connectionName === undefined ? undefined : this.connections.get(connectionName);
    let oauth: OAuthTokenCache | undefined;
    if (connection !== undefined && connection.authorizationType === 'OAUTH_CLIENT_CREDENTIALS') {
      oauth = this.oauthCaches.get(connection.name);
      if (oauth === undefined) {
        const timeoutMs = this.options.apiDestinationTimeoutMs ?? 5_000;
        oauth = new OAuthTokenCache(
          connection,
          (request) => sendHttpRequest(request, timeoutMs, this.abort.signal),
          this.resolveUrl,
        );
        this.oauthCaches.set(connection.name, oauth);
      }
    }
    return { destination: entry.definition, connection, rateLimiter: entry.rateLimiter, oauth };
  }

  // ----- lookups ---------------------------------------------------------------------------------------------

  private findBus(nameOrArn: string | undefined): Bus | undefined {
    return this.buses.get(busNameOf(nameOrArn));
  }

  private requireBus(nameOrArn: string | undefined): Bus {
    const bus = this.findBus(nameOrArn);
    if (bus === undefined) throw new EventBridgeDefinitionError(`Event bus ${nameOrArn} does not exist.`);
    return bus;
  }

  private requireRule(ruleName: string, eventBusName: string | undefined): Rule {
    const rule = this.requireBus(eventBusName).rules.get(ruleName);
    if (rule === undefined)
      throw new EventBridgeDefinitionError(`Rule ${ruleName} does not exist on bus ${busNameOf(eventBusName)}.`);
    return rule;
  }

  private ruleInfo(rule: Rule): RuleInfo {
    return { name: rule.name, arn: rule.arn, eventBusName: rule.eventBusName, state: rule.state };
  }
}
