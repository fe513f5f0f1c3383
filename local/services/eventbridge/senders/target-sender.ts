/**
 * The shared base of every rule-target sender: one template method, `sendEvent`, that does what EventBridge does
 * for any target type, while subclasses only implement `send` (one call to the target).
 *
 * 1. The payload: Input / InputPath / InputTransformer through the event engine (eb-transform-target-input.html).
 *    A transformer whose output is not valid JSON means the target is not invoked: a failed invocation with
 *    ERROR_CODE INVALID_JSON, not retried (docs/aws-behaviour.md#input-template-substitution).
 * 2. Retries under the target's RetryPolicy with exponential back-off and jitter, compressed by the clock
 *    (eb-rule-retry-policy.html). Errors a target reports as not retryable skip retries.
 * 3. On exhaustion or a non-retryable error: the ORIGINAL event to the DLQ with AWS's message attributes
 *    (eb-rule-dlq.html), or dropped when the target has no DLQ.
 * Failures are logged and counted, never thrown: PutEvents has long since answered (docs/aws-behaviour.md#delivery-is-asynchronous).
 */
import { renderTargetInput, TargetInputConfig } from '../../../engine';
import { delay } from '../../kernel/delay';
import { ExhaustedCondition, nextRetry, RetryPolicy } from '../retry-policy';
import type { Clock } from '../../kernel/clock';
import type { SqsMessageSender } from '../../kernel/ports';
import { EventEnvelope } from '../types';
import { errorMessage, LocalCloudError } from '../../kernel/errors';
import type { IamGate } from '../../iam';
import { eventBridgeErrorCode } from '../../../iam/messages';

/** ERROR_CODE values EventBridge documents for DLQ messages (eb-rule-dlq.html). */
export const DLQ_ERROR_CODES = [
  'CONNECTION_FAILURE',
  'CROSS_ACCOUNT_INGESTION_FAILED',
  'CROSS_REGION_INGESTION_FAILED',
  'ERROR_FROM_TARGET',
  'EVENTS_IN_BATCH_REQUEST_REJECTED',
  'FAILED_TO_ASSUME_ROLE',
  'INTERNAL_ERROR',
  'INVALID_JSON',
  'INVALID_PARAMETER',
  'NO_PERMISSIONS',
  'NO_RESOURCE',
  'RESOURCE_ALREADY_EXISTS',
  'RESOURCE_LIMIT_EXCEEDED',
  'RESOURCE_MODIFICATION_COLLISION',
  'SDK_CLIENT_ERROR',
  'THIRD_ACCOUNT_HOP_DETECTED',
  'THIRD_REGION_HOP_DETECTED',
  'THROTTLING',
  'TIMEOUT',
  'TRANSIENT_ASSUME_ROLE',
  'UNKNOWN',
] as const;

/** One target of one rule, resolved from the graph's definitions. */
export interface DeliveryTarget {
  id: string;
  arn: string;
  ruleArn: string;
  ruleName: string;
  /** engine names (the Pulumi map `inputPaths` is already converted to `inputPathsMap`) */
  input: TargetInputConfig;
  retryPolicy: RetryPolicy;
  deadLetterArn?: string;
}

/** What every sender gets from the service. */
export interface SenderEnvironment {
  clock: Clock;
  /** [0, 1) jitter source */
  random: () => number;
  log: (message: string) => void;
  /** where dead letters are sent (an SQS queue ARN is the DLQ) */
  sqs?: SqsMessageSender;
  /** aborted when the service stops: waits end, no more attempts */
  signal: AbortSignal;
  /** IAM: whether EventBridge may call the target and send to its DLQ (absent: always) */
  iam?: Pick<IamGate, 'eventBridgeTarget' | 'eventBridgeDeadLetter'>;
  /** told when a retry is scheduled, so it can be journaled and resumed after a restart */
  onRetry?: (event: EventEnvelope, target: DeliveryTarget, state: RetryState) => void;
}

/** Where a delivery stands between two attempts: enough to resume it after a restart. */
export interface RetryState {
  /** retries made once the next attempt starts (1 for the first retry) */
  retries: number;
  /** when the next attempt is due (epoch ms, local time) */
  dueAtMs: number;
  /** AWS time waited beyond local time so far (compressed back-off), counted in the event's age */
  awayMs: number;
}

/** Per-event facts a delivery needs besides the event. */
export interface DeliveryContext {
  /** when EventBridge accepted the event (AWS time; also the transformer's ingestion time) */
  receivedAt: Date;
  /** Date.now() at acceptance, to measure the event's age */
  receivedAtLocalMs: number;
  /** X-Ray header from PutEvents, carried out of band (docs/aws-behaviour.md#the-event-envelope) */
  traceHeader?: string;
  /** a delivery resumed after a restart: its retry count and when its next attempt is due */
  resume?: RetryState;
}

export type SendResult = { ok: true } | SendFailure;

export interface SendFailure {
  ok: false;
  errorCode: string;
  errorMessage: string;
  retryable: boolean;
  /** AWS-time wait the target asked for (Retry-After); -1 = do not retry */
  retryAfterMs?: number;
  /** set when the failure itself ends the delivery with this condition (e.g. aged out in a rate-limit queue) */
  exhausted?: ExhaustedCondition;
}

export type DeliveryOutcome =
  | { status: 'delivered'; retries: number }
  | {
      status: 'dead-lettered' | 'dropped';
      retries: number;
      errorCode: string;
      errorMessage: string;
      condition?: ExhaustedCondition;
    }
  | { status: 'aborted'; retries: number };

export interface TargetMetrics {
  ruleArn: string;
  targetId: string;
  targetArn: string;
  /** calls made to the target (first attempts and retries) */
  invocations: number;
  delivered: number;
  failedInvocations: number;
  retries: number;
  deadLettered: number;
  dropped: number;
}

/** Per-attempt facts given to `send` and the `beforeAttempt` hook. */
export interface AttemptContext extends DeliveryContext {
  /** 0 for the first attempt */
  retries: number;
  /** the event's AWS-time age when the attempt starts */
  ageMs: number;
}

export abstract class TargetSender {
  readonly metrics: TargetMetrics;

  constructor(
    readonly target: DeliveryTarget,
    protected readonly env: SenderEnvironment,
  ) {
    this.metrics = {
      ruleArn: target.ruleArn,
      targetId: target.id,
      targetArn: target.arn,
      invocations: 0,
      delivered: 0,
      failedInvocations: 0,
      retries: 0,
      deadLettered: 0,
      dropped: 0,
    };
  }

  /** Calls the target once with the rendered payload. Must not throw: report failures as SendFailure. */
  protected abstract send(payload: string, event: EventEnvelope, attempt: AttemptContext): Promise<SendResult>;

  /** Hook run before each attempt (rate limiting); a failure returned here ends or retries like a send failure. */
  protected async beforeAttempt(_event: EventEnvelope, _attempt: AttemptContext): Promise<SendFailure | undefined> {
    return undefined;
  }

  /** The template method: render, attempt, retry, dead-letter. Never throws. */
  async sendEvent(event: EventEnvelope, context: DeliveryContext): Promise<DeliveryOutcome> {
    try {
      return await this.deliverOnce(event, context);
    } catch (err) {
      // A bug in a sender must not escape into the service's delivery loop.
      const message = errorMessage(err);
      this.env.log(`${this.label()}: internal error ${message}`);
      return this.giveUp(event, { ok: false, errorCode: 'INTERNAL_ERROR', errorMessage: message, retryable: false }, 0);
    }
  }

  private async deliverOnce(event: EventEnvelope, context: DeliveryContext): Promise<DeliveryOutcome> {
    const rendered = renderTargetInput(this.target.input, event, {
      ruleArn: this.target.ruleArn,
      ruleName: this.target.ruleName,
      ingestionTime: context.receivedAt.toISOString(),
    });
    if (!rendered.ok) {
      this.metrics.failedInvocations += 1;
      const code = (DLQ_ERROR_CODES as readonly string[]).includes(rendered.errorCode)
        ? rendered.errorCode
        : 'INVALID_JSON';
      return this.giveUp(
        event,
        { ok: false, errorCode: code, errorMessage: rendered.errorMessage, retryable: false },
        0,
      );
    }

    // AWS time spent waiting beyond what we actually waited locally (compressed back-off).
    let compressedAwayMs = context.resume?.awayMs ?? 0;
    let retries = context.resume?.retries ?? 0;
    const ageMs = (): number => Date.now() - context.receivedAtLocalMs + compressedAwayMs;
    // Resumed after a restart: the retry keeps its due time (the time the process was down counts, as on AWS).
    if (
      context.resume &&
      !(await delay(Math.max(0, context.resume.dueAtMs - Date.now()), { signal: this.env.signal }))
    ) {
      return { status: 'aborted', retries };
    }

    for (;;) {
      if (this.env.signal.aborted) return { status: 'aborted', retries };
      const attempt: AttemptContext = { ...context, retries, ageMs: ageMs() };
      let result: SendResult | undefined = await this.beforeAttempt(event, attempt);
      if (this.env.signal.aborted) return { status: 'aborted', retries };
      if (result === undefined) result = this.refusedByIam();
      if (result === undefined) {
        this.metrics.invocations += 1;
        result = await this.send(rendered.body, event, { ...attempt, ageMs: ageMs() });
      }
      if (result.ok) {
        this.metrics.delivered += 1;
        return { status: 'delivered', retries };
      }
      this.metrics.failedInvocations += 1;
      if (result.exhausted) return this.giveUp(event, result, retries, result.exhausted);
      if (!result.retryable || result.retryAfterMs === -1) return this.giveUp(event, result, retries);

      const decision = nextRetry(this.target.retryPolicy, retries, ageMs(), this.env.random(), result.retryAfterMs);
      if (!decision.retry) return this.giveUp(event, result, retries, decision.condition);
      const localDelay = this.env.clock.compressed(decision.delayMs);
      this.env.log(
        `${this.label()}: ${result.errorCode} ${result.errorMessage}; retry ${retries + 1} in ${Math.round(decision.delayMs)} ms (AWS time)`,
      );
      const awayMs = compressedAwayMs + Math.max(0, decision.delayMs - localDelay);
      this.env.onRetry?.(event, this.target, { retries: retries + 1, dueAtMs: Date.now() + localDelay, awayMs });
      if (!(await delay(localDelay, { signal: this.env.signal }))) return { status: 'aborted', retries };
      compressedAwayMs = awayMs;
      retries += 1;
      this.metrics.retries += 1;
    }
  }

  /**
   * A target EventBridge may not call: a failed invocation with ERROR_CODE FAILED_TO_ASSUME_ROLE or NO_PERMISSIONS,
   * not retried (permission errors are not, eb-rule-dlq.html), AWS's denial as ERROR_MESSAGE.
   */
  private refusedByIam(): SendFailure | undefined {
    const denial = this.env.iam?.eventBridgeTarget(this.target.ruleArn, this.target.arn);
    return denial
      ? { ok: false, errorCode: eventBridgeErrorCode(denial.step), errorMessage: denial.message, retryable: false }
      : undefined;
  }

  /**
   * Dead-letter (or drop) the ORIGINAL event. Attributes as eb-rule-dlq.html lists them, all DataType String;
   * EXHAUSTED_RETRY_CONDITION only when a retry limit was reached [I].
   */
  private async giveUp(
    event: EventEnvelope,
    failure: SendFailure,
    retries: number,
    condition?: ExhaustedCondition,
  ): Promise<DeliveryOutcome> {
    const outcome = { retries, errorCode: failure.errorCode, errorMessage: failure.errorMessage, condition };
    const dlq = this.target.deadLetterArn;
    if (dlq === undefined || dlq === '' || this.env.sqs === undefined) {
      this.metrics.dropped += 1;
      this.env.log(
        `${this.label()}: event ${event.id} dropped after ${retries} retries: ${failure.errorCode} ${failure.errorMessage}`,
      );
      return { status: 'dropped', ...outcome };
    }
    const attributes: Record<string, { DataType: string; StringValue: string }> = {
      RULE_ARN: { DataType: 'String', StringValue: this.target.ruleArn },
      TARGET_ARN: { DataType: 'String', StringValue: this.target.arn },
      ERROR_CODE: { DataType: 'String', StringValue: failure.errorCode },
      ERROR_MESSAGE: { DataType: 'String', StringValue: failure.errorMessage },
      RETRY_ATTEMPTS: { DataType: 'String', StringValue: String(retries) },
    };
    if (condition !== undefined) attributes.EXHAUSTED_RETRY_CONDITION = { DataType: 'String', StringValue: condition };
    const refused = this.env.iam?.eventBridgeDeadLetter(this.target.ruleArn, dlq);
    if (refused) {
      // The queue policy does not let EventBridge send: AWS drops the event and counts InvocationsFailedToBeSentToDlq
      // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
      this.metrics.dropped += 1;
      this.env.log(
        `${this.label()}: event ${event.id} lost, InvocationsFailedToBeSentToDlq: DLQ ${dlq} refused it: ${refused.message}`,
      );
      return { status: 'dropped', ...outcome };
    }
    try {
      await this.env.sqs.sendMessage(dlq, JSON.stringify(event), attributes);
      await this.env.sqs.synced?.();
      this.metrics.deadLettered += 1;
      this.env.log(
        `${this.label()}: event ${event.id} sent to DLQ ${dlq}: ${failure.errorCode} ${failure.errorMessage}`,
      );
      return { status: 'dead-lettered', ...outcome };
    } catch (err) {
      this.metrics.dropped += 1;
      this.env.log(`${this.label()}: event ${event.id} lost, DLQ ${dlq} refused it: ${errorMessage(err)}`);
      return { status: 'dropped', ...outcome };
    }
  }

  protected label(): string {
    return `[eventbridge] ${this.target.ruleArn} target ${this.target.id}`;
  }
}

/**
 * Maps an error thrown by a local AWS service (LambdaService, SqsService) to a DLQ error code. Missing resources
 * and permissions skip retries (eb-rule-dlq.html), as do invalid parameters [I]; throttling and anything else are
 * retried.
 */
export function classifyServiceError(err: unknown): SendFailure {
  // A local service's error carries AWS's code; an SDK error's name is the code too.
  const name = err instanceof LocalCloudError ? err.code : err instanceof Error ? err.name : '';
  const message = errorMessage(err);
  if (/NotFound|NonExistent|DoesNotExist/i.test(name) || /not found|does not exist/i.test(message)) {
    return { ok: false, errorCode: 'NO_RESOURCE', errorMessage: message, retryable: false };
  }
  if (/AccessDenied|NotAuthorized|Forbidden/i.test(name)) {
    return { ok: false, errorCode: 'NO_PERMISSIONS', errorMessage: message, retryable: false };
  }
  if (/InvalidParameter|MissingParameter|Validation|InvalidMessageContents/i.test(name)) {
    // The same payload fails the same way on every retry.
    return { ok: false, errorCode: 'INVALID_PARAMETER', errorMessage: message, retryable: false };
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) {
    return { ok: false, errorCode: 'THROTTLING', errorMessage: message, retryable: true };
  }
  return { ok: false, errorCode: 'SDK_CLIENT_ERROR', errorMessage: message, retryable: true };
}
