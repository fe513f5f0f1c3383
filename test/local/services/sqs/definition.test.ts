import { readQueues } from '../../../../local/services/sqs/definition';
import { graphOf, resource } from '../../helpers/graph';

describe('readQueues', () => {
  it('gives each queue its name, ARN, URL and its settings under the SetQueueAttributes names', () => {
    const redrive = { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq', maxReceiveCount: 3 };
    const graph = graphOf(
      resource('aws:sqs/queue:Queue', 'orders-dlq', {
        name: 'orders-dlq-dev',
        arn: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq-dev',
        url: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq-dev',
        visibilityTimeoutSeconds: 30,
        messageRetentionSeconds: 1209600,
        delaySeconds: null,
        receiveWaitTimeSeconds: '',
        redrivePolicy: redrive,
        policy: '{"Version":"2012-10-17"}',
      }),
      resource('aws:lambda/function:Function', 'not-a-queue', { name: 'fn' }),
    );
    expect(readQueues(graph)).toEqual([
      {
        name: 'orders-dlq-dev',
        arn: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq-dev',
        url: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq-dev',
        attributes: {
          VisibilityTimeout: '30',
          MessageRetentionPeriod: '1209600',
          RedrivePolicy: JSON.stringify(redrive),
          Policy: '{"Version":"2012-10-17"}',
        },
      },
    ]);
  });

  it('falls back to the logical name when the queue has no physical name', () => {
    const [queue] = readQueues(
      graphOf(resource('aws:sqs/queue:Queue', 'logical', { arn: 'arn:aws:sqs:us-east-1:1:x', url: 'https://q' })),
    );
    expect(queue.name).toBe('logical');
    expect(queue.attributes).toEqual({});
  });
});
