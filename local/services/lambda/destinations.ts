/**
 * Where Lambda sends asynchronous invocation records and dead letters, by the destination ARN's service: SQS
 * (the record as the body; a dead letter's attributes as message attributes), an EventBridge bus (the record as
 * the detail of a `Lambda Function Invocation Result` event), another function (invoked asynchronously). Other
 * services (SNS) are reported, not delivered.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
import type { PutEventsRequestEntry } from '../../engine';
import type { LambdaInvoker, SqsMessageSender } from '../kernel/ports';
import type { DestinationSender } from '.';
import { eventBridgeDestinationEntry, InvocationRecord } from './async-records';

export interface DestinationServices {
  sqs: SqsMessageSender;
  eventBridge: { putEvents(request: { Entries: PutEventsRequestEntry[] }): Promise<unknown> };
  lambda: Pick<LambdaInvoker, 'invokeAsync'>;
  /** Told when a destination's service is not emulated. */
  warn: (message: string) => void;
}

export function destinationRouter(services: DestinationServices): DestinationSender {
  return {
    async send(arn, message, attributes) {
      const service = arn.split(':')[2];
      if (service === 'sqs') {
        services.sqs.sendMessage(arn, JSON.stringify(message), attributes);
        await services.sqs.synced?.();
      } else if (service === 'events') {
        await services.eventBridge.putEvents({
          Entries: [eventBridgeDestinationEntry(message as InvocationRecord, arn)],
        });
      } else if (service === 'lambda') {
        await services.lambda.invokeAsync(arn, message);
      } else {
        services.warn(`Lambda destination ${arn}: this service is not emulated; the record was dropped`);
      }
    },
  };
}
