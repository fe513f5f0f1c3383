/**
 * Event bus targets: the event is put on another bus (PutEvents through the service), keeping its source,
 * detail-type, resources, time and detail.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-bus-to-bus.html
 * If the target has an Input/InputPath/InputTransformer whose output is a JSON object, that object becomes the
 * forwarded detail [I]; other outputs leave the detail unchanged.
 */
import { PutEventsRequestEntry } from '../../../engine';
import { EventEnvelope } from '../types';
import { DeliveryTarget, SenderEnvironment, SendResult, TargetSender } from './target-sender';
import { errorMessage } from '../../kernel/errors';

export interface EventBusPublisher {
  putEvents(request: { Entries: PutEventsRequestEntry[] }): Promise<{
    FailedEntryCount: number;
    Entries: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
  }>;
  hasBus(nameOrArn: string): boolean;
}

export class EventBusTargetSender extends TargetSender {
  constructor(
    target: DeliveryTarget,
    env: SenderEnvironment,
    private readonly bus: EventBusPublisher,
  ) {
    super(target, env);
  }

  protected async send(payload: string, event: EventEnvelope): Promise<SendResult> {
    if (!this.bus.hasBus(this.target.arn)) {
      return {
        ok: false,
        errorCode: 'NO_RESOURCE',
        errorMessage: `Event bus ${this.target.arn} does not exist.`,
        retryable: false,
      };
    }
    const entry: PutEventsRequestEntry = {
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(this.forwardedDetail(payload, event)),
      Resources: event.resources,
      Time: event.time,
      EventBusName: this.target.arn,
    };
    try {
      const result = await this.bus.putEvents({ Entries: [entry] });
      const first = result.Entries[0];
      if (result.FailedEntryCount > 0 && first?.ErrorCode !== undefined) {
        return {
          ok: false,
          errorCode: 'INVALID_PARAMETER',
          errorMessage: `${first.ErrorCode}: ${first.ErrorMessage ?? ''}`,
          retryable: false,
        };
      }
      return { ok: true };
    } catch (err) {
      return { ok: false, errorCode: 'INVALID_PARAMETER', errorMessage: errorMessage(err), retryable: false };
    }
  }

  private forwardedDetail(payload: string, event: EventEnvelope): unknown {
    const { input, inputPath, inputTransformer } = this.target.input;
    if (input === undefined && inputPath === undefined && inputTransformer === undefined) return event.detail;
    try {
      const parsed = JSON.parse(payload) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
    } catch {
      // not JSON: keep the original detail
    }
    return event.detail;
  }
}
