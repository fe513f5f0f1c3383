/**
 * SQS's ListQueueTags (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.ListQueueTags`), answered from the queue's declared
 * tags. Every other SQS operation is the edge's SQS service's. A queue is named by its URL, the graph's or the
 * edge's (`http://<edge>/<account>/<name>`): both end in `/<account>/<name>`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueueTags.html
 */
import { ControlPlaneError } from './errors';
import { ServiceDefinition } from './service';
import { physicalName, str } from './stack';

const QUEUE = 'aws:sqs/queue:Queue';

export const SQS: ServiceDefinition = {
  name: 'sqs',
  refuses: () => false,
  operations: {
    ListQueueTags(stack, input) {
      const url = str(input.QueueUrl);
      if (!url) throw new ControlPlaneError('MissingParameter', 'The request must contain the parameter QueueUrl.');
      const [account, name] = new URL(url, 'http://edge').pathname
        .split('/')
        .filter((s) => s !== '')
        .slice(-2);
      const queue = stack.graph
        .ofType(QUEUE)
        .find((q) => physicalName(q) === name && (account === undefined || account === stack.accountId));
      if (!queue) throw new ControlPlaneError('QueueDoesNotExist', 'The specified queue does not exist.');
      const tags = (queue.state.tags ?? {}) as Record<string, string>;
      return Object.keys(tags).length > 0 ? { Tags: tags } : {};
    },
  },
};
