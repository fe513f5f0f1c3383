/**
 * The reader takes every capacity-relevant setting from the resource graph: change the stack's config and the
 * order's path changes with it.
 */
import { ResourceGraph } from '../../local/model/graph';
import { readStackPipeline } from '../../capacity/stack-reader';
import { loadStack, T } from '../infra/helpers/stack';

jest.setTimeout(120_000);

async function pipelineWith(config: Record<string, string> = {}) {
  const stack = await loadStack({ config });
  return { stack, pipeline: readStackPipeline(new ResourceGraph(stack.resources), 'us-east-1') };
}

describe('readStackPipeline', () => {
  it('reads the order path and its limits from the graph', async () => {
    // Prepare
    const { stack, pipeline } = await pipelineWith();
    const stage = stack.ofType(T.stage)[0];
    const destination = stack.ofType(T.apiDestination)[0];
    const pipe = stack.ofType(T.pipe)[0];
    const capture = stack.ofType(T.function).find((f) => f.name === 'capture-order');
    // Assess
    expect(pipeline.ingest.route).toEqual({
      routeKey: 'POST /uploads',
      rateLimit: stage.state.defaultRouteSettings.throttlingRateLimit,
      burstLimit: stage.state.defaultRouteSettings.throttlingBurstLimit,
    });
    expect(pipeline.callback.route.routeKey).toBe('POST /confirm-shipment');
    expect(pipeline.carrier.rateLimitPerSecond).toBe(destination.state.invocationRateLimitPerSecond);
    expect(pipeline.carrier.mock?.name).toBe('carrier-mock-dev');
    expect(pipeline.capture.memoryMb).toBe(capture?.state.memorySize);
    expect(pipeline.capture.timeoutSeconds).toBe(capture?.state.timeout);
    expect(pipeline.capture.async).toMatchObject({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 21600 });
    expect(pipeline.pipe.batchSize).toBe(pipe.state.sourceParameters.dynamodbStreamParameters.batchSize);
    expect(pipeline.pipe.parallelizationFactor).toBe(1);
    expect(pipeline.table.billingMode).toBe('PAY_PER_REQUEST');
    expect(pipeline.callback.authorizer?.fn.name).toBe('authorize-carrier-dev');
    // Each event meets the rules the engine matches: an upload only its own rule (the catch-all log rule leaves
    // uploads out, they carry the customer's data), an order change its own rule plus the catch-all.
    expect(pipeline.ingest.event.invocations).toBe(1);
    expect(pipeline.created.invocations).toBe(2);
    expect(pipeline.shipped.invocations).toBe(1);
    // The rule targets' retry budgets as the graph declares them: a day of retries on every target.
    const createdTarget = stack.ofType(T.target).find((t) => t.name === 'orders-order-created-target');
    expect(pipeline.created.next?.retry).toEqual({
      maximumRetryAttempts: createdTarget?.state.retryPolicy.maximumRetryAttempts,
      maximumEventAgeSeconds: createdTarget?.state.retryPolicy.maximumEventAgeInSeconds,
    });
    expect(pipeline.created.next?.retry).toEqual({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 });
    expect(pipeline.ingest.event.next?.retry).toEqual({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 });
    expect(pipeline.created.next?.deadLetterQueue).toMatch(/^arn:aws:sqs:.*order-created-dlq/);
    expect(pipeline.ingest.event.next?.deadLetterQueue).toMatch(/^arn:aws:sqs:.*order-uploaded-dlq/);
    expect(pipeline.shipped.next).toBeUndefined();
  });

  it('follows the config: stage throttling and the carrier rate limit', async () => {
    const { pipeline } = await pipelineWith({
      throttlingRateLimit: '400',
      throttlingBurstLimit: '800',
      carrierRateLimitPerSecond: '120',
    });
    expect(pipeline.ingest.route).toMatchObject({ rateLimit: 400, burstLimit: 800 });
    expect(pipeline.callback.route).toMatchObject({ rateLimit: 400, burstLimit: 800 });
    expect(pipeline.carrier.rateLimitPerSecond).toBe(120);
  });

  it('sees an external carrier as no Lambda of its own', async () => {
    const { pipeline } = await pipelineWith({ carrierEndpoint: 'https://carrier.example.com/orders' });
    expect(pipeline.carrier.mock).toBeUndefined();
    expect(pipeline.carrier.endpoint).toBe('https://carrier.example.com/orders');
  });
});
