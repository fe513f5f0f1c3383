import { readDeadLetter } from '../../../tools/redrive/dead-letters';

const EVENT = {
  version: '0',
  id: 'e-1',
  source: 'order-event-gateway.orders',
  'detail-type': 'Order Changed',
  account: '123456789012',
  time: '2026-11-30T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { orderId: 'o-1' },
};
const RULE = 'arn:aws:events:us-east-1:123456789012:rule/orders-bus/order-created';
const DESTINATION = 'arn:aws:events:us-east-1:123456789012:api-destination/carrier/0f1e2d3c';

describe('readDeadLetter', () => {
  it("reads a rule target's dead letter: the event and the rule and target its attributes name", () => {
    // Act
    const letter = readDeadLetter({
      body: JSON.stringify(EVENT),
      attributes: { RULE_ARN: RULE, TARGET_ARN: DESTINATION, ERROR_CODE: 'SDK_CLIENT_ERROR' },
    });

    // Assess
    expect(letter).toEqual({
      kind: 'rule-target',
      ruleArn: RULE,
      busName: 'orders-bus',
      ruleName: 'order-created',
      targetArn: DESTINATION,
      event: EVENT,
    });
  });

  it('reads a rule on the default bus, whose ARN names no bus', () => {
    const letter = readDeadLetter({
      body: JSON.stringify(EVENT),
      attributes: { RULE_ARN: 'arn:aws:events:us-east-1:123456789012:rule/r', TARGET_ARN: DESTINATION },
    });
    expect(letter).toMatchObject({ kind: 'rule-target', busName: 'default', ruleName: 'r' });
  });

  it('reads a Lambda on-failure record: the function and the payload it failed on', () => {
    // Prepare
    const record = {
      version: '1.0',
      timestamp: '2026-11-30T10:00:00.000Z',
      requestContext: {
        requestId: 'r-1',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:capture-order-1a2b3c4:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: EVENT,
      responsePayload: { errorType: 'Error' },
    };

    // Act
    const letter = readDeadLetter({ body: JSON.stringify(record), attributes: {} });

    // Assess
    expect(letter).toEqual({
      kind: 'async-invocation',
      functionArn: record.requestContext.functionArn,
      payload: EVENT,
    });
  });

  it("reads a pipe's batch record: the pipe and the stream range", () => {
    // Prepare
    const batch = {
      requestContext: {
        requestId: 'r-2',
        pipeArn: 'arn:aws:pipes:us-east-1:123456789012:pipe/order-changes-9f8e7d6',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
      },
      version: '1.0',
      timestamp: '2026-11-30T10:00:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-0001',
        startSequenceNumber: '100',
        endSequenceNumber: '120',
        approximateArrivalOfFirstRecord: '2026-11-30T09:59:00Z',
        approximateArrivalOfLastRecord: '2026-11-30T09:59:01Z',
        batchSize: 2,
        streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-30T00:00:00.000',
      },
    };

    // Act
    const letter = readDeadLetter({ body: JSON.stringify(batch), attributes: {} });

    // Assess
    expect(letter).toEqual({
      kind: 'pipe-batch',
      pipeArn: batch.requestContext.pipeArn,
      pipeName: 'order-changes-9f8e7d6',
      batch: {
        streamArn: batch.DDBStreamBatchInfo.streamArn,
        shardId: 'shardId-0001',
        startSequenceNumber: '100',
        endSequenceNumber: '120',
      },
    });
  });

  it.each([
    ['a body that is not JSON', { body: 'hello', attributes: {} }],
    ['JSON that is no known record', { body: '{"not":"a dead letter"}', attributes: {} }],
    [
      'a rule ARN that is not one',
      { body: JSON.stringify(EVENT), attributes: { RULE_ARN: 'x', TARGET_ARN: DESTINATION } },
    ],
    ['a TARGET_ARN missing', { body: JSON.stringify(EVENT), attributes: { RULE_ARN: RULE } }],
    [
      'attributes with a body that is no event',
      { body: '{"id":1}', attributes: { RULE_ARN: RULE, TARGET_ARN: DESTINATION } },
    ],
    [
      'an invocation record without its payload',
      { body: '{"requestContext":{"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:f"}}', attributes: {} },
    ],
    [
      'a batch record without sequence numbers',
      {
        body: '{"requestContext":{"pipeArn":"arn:aws:pipes:us-east-1:123456789012:pipe/p"},"DDBStreamBatchInfo":{"shardId":"s"}}',
        attributes: {},
      },
    ],
  ])('cannot place %s, and says why', (_label, message) => {
    // Act
    const letter = readDeadLetter(message);

    // Assess
    expect(letter).toEqual({ kind: 'unplaceable', reason: expect.any(String) });
  });
});
