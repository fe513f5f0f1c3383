/**
 * The queues of the resource graph as the SQS service creates them: every aws:sqs/queue:Queue with its declared
 * name, ARN and URL, and its settings under the names SetQueueAttributes uses. Pure.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
import { physicalName, ResourceGraph } from '../../model/graph';
import type { SqsQueueDefinition } from '.';

export const QUEUE_TYPE = 'aws:sqs/queue:Queue';

/** Pulumi input name → SQS attribute name. */
const ATTRIBUTE_NAMES: [string, string][] = [
  ['visibilityTimeoutSeconds', 'VisibilityTimeout'],
  ['messageRetentionSeconds', 'MessageRetentionPeriod'],
  ['delaySeconds', 'DelaySeconds'],
  ['maxMessageSize', 'MaximumMessageSize'],
  ['receiveWaitTimeSeconds', 'ReceiveMessageWaitTimeSeconds'],
  ['redrivePolicy', 'RedrivePolicy'],
  ['policy', 'Policy'],
];

export function readQueues(graph: ResourceGraph): SqsQueueDefinition[] {
  return graph.ofType(QUEUE_TYPE).map((queue) => {
    const attributes: Record<string, string> = {};
    for (const [input, attribute] of ATTRIBUTE_NAMES) {
      const value: unknown = queue.state[input];
      if (value === undefined || value === null || value === '') continue;
      attributes[attribute] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return { name: physicalName(queue), arn: String(queue.state.arn), url: String(queue.state.url ?? ''), attributes };
  });
}
