import {
  buildInvocationRecord,
  deadLetterAttributes,
  eventBridgeDestinationEntry,
  truncateUtf8,
} from '../../../../local/services/lambda/async-records';
import { buildFunctionEnvironment, logStreamName } from '../../../../local/services/lambda/environment';

const FN = {
  name: 'worker',
  bundlePath: '/repo/.local/build/worker/index.js',
  handler: 'index.handler',
  runtime: 'nodejs20.x',
  memoryMb: 512,
  environment: { TABLE: 't', AWS_REGION: 'should-be-overridden' },
};

describe('buildFunctionEnvironment', () => {
  it('keeps declared variables, overrides reserved ones and adds the endpoint', () => {
    // Act
    const env = buildFunctionEnvironment(FN, { region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4566' }, 'stream');
    // Assess
    expect(env).toMatchObject({
      TABLE: 't',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_STREAM_NAME: 'stream',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      LAMBDA_TASK_ROOT: '/repo/.local/build/worker',
    });
  });

  it('leaves a declared AWS_ENDPOINT_URL alone when no endpoint is configured', () => {
    // Act
    const env = buildFunctionEnvironment(
      { ...FN, environment: { AWS_ENDPOINT_URL: 'http://elsewhere' } },
      { region: 'us-east-1' },
      's',
    );
    // Assess
    expect(env.AWS_ENDPOINT_URL).toBe('http://elsewhere');
  });

  it('names log streams as Lambda does', () => {
    // Act / Assess
    expect(logStreamName(new Date('2025-03-04T05:06:07Z'), 'ab'.repeat(16))).toBe(
      `2025/03/04/[$LATEST]${'ab'.repeat(16)}`,
    );
  });
});

describe('async invocation records', () => {
  it('builds the failure record of the documented shape', () => {
    // Act
    const record = buildInvocationRecord({
      time: new Date('2025-01-01T00:00:00Z'),
      requestId: 'r',
      functionArn: 'arn:aws:lambda:us-east-1:1:function:f',
      condition: 'RetriesExhausted',
      invokeCount: 3,
      requestPayload: { a: 1 },
      functionError: 'Unhandled',
      responsePayload: { errorMessage: 'x' },
    });
    // Assess
    expect(JSON.stringify(record)).toBe(
      '{"version":"1.0","timestamp":"2025-01-01T00:00:00.000Z","requestContext":{"requestId":"r","functionArn":"arn:aws:lambda:us-east-1:1:function:f:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":{"a":1},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"responsePayload":{"errorMessage":"x"}}',
    );
    expect(eventBridgeDestinationEntry(record, 'arn:aws:events:us-east-1:1:event-bus/b')).toMatchObject({
      Source: 'lambda',
      DetailType: 'Lambda Function Invocation Result - Failure',
      Detail: JSON.stringify(record),
    });
  });

  it('truncates the DLQ ErrorMessage to 1 KB without splitting characters', () => {
    // Prepare
    const long = 'é'.repeat(700); // 1400 bytes
    // Act
    const attrs = deadLetterAttributes('id-1', long);
    // Assess
    expect(Buffer.byteLength(attrs.ErrorMessage.StringValue)).toBe(1024);
    expect(attrs.ErrorMessage.StringValue).toBe('é'.repeat(512));
    expect(attrs.ErrorCode).toEqual({ DataType: 'Number', StringValue: '200' });
    expect(truncateUtf8('ab€', 4)).toBe('ab');
  });
});
