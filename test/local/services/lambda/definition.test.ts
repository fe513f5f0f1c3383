import { functionByRef, readFunctions } from '../../../../local/services/lambda/definition';
import { graphOf, resource } from '../../helpers/graph';

const arn = 'arn:aws:lambda:us-east-1:123456789012:function:capture-dev';

describe('readFunctions', () => {
  it('reads the settings, with AWS defaults where the graph leaves them unset', () => {
    const graph = graphOf(
      resource('aws:lambda/function:Function', 'capture', {
        name: 'capture-dev',
        arn,
        handler: 'index.handler',
        code: { assets: {} },
      }),
    );
    expect(readFunctions(graph)).toEqual([
      {
        name: 'capture-dev',
        arn,
        code: { assets: {} },
        handler: 'index.handler',
        environment: {},
        timeoutSeconds: 3,
        memoryMb: 128,
        runtime: 'nodejs20.x',
        asyncConfig: undefined,
        deadLetterTargetArn: undefined,
      },
    ]);
  });

  it('takes the environment as strings, the dead-letter queue and the async invoke config that names the function', () => {
    const graph = graphOf(
      resource('aws:lambda/function:Function', 'capture', {
        name: 'capture-dev',
        arn,
        handler: 'main.run',
        timeout: '10',
        memorySize: 256,
        runtime: 'nodejs22.x',
        environment: { variables: { TABLE: 'orders', RETRIES: 3 } },
        deadLetterConfig: { targetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' },
      }),
      resource('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig', 'capture-async', {
        functionName: `${arn}:$LATEST`,
        maximumRetryAttempts: 0,
        destinationConfig: {
          onFailure: { destination: 'arn:aws:sqs:us-east-1:123456789012:failures' },
          onSuccess: { destination: '' },
        },
      }),
    );
    const [fn] = readFunctions(graph);
    expect(fn).toMatchObject({
      handler: 'main.run',
      timeoutSeconds: 10,
      memoryMb: 256,
      runtime: 'nodejs22.x',
      environment: { TABLE: 'orders', RETRIES: '3' },
    });
    expect(fn.deadLetterTargetArn).toBe('arn:aws:sqs:us-east-1:123456789012:dlq');
    expect(fn.asyncConfig).toEqual({
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 21600,
      onFailureArn: 'arn:aws:sqs:us-east-1:123456789012:failures',
      onSuccessArn: undefined,
    });
  });

  it('finds a function by ARN, qualified ARN, physical or logical name', () => {
    const graph = graphOf(resource('aws:lambda/function:Function', 'capture', { name: 'capture-dev', arn }));
    for (const ref of [arn, `${arn}:prod`, 'capture-dev', 'capture'])
      expect(functionByRef(graph, ref)?.name).toBe('capture');
    expect(functionByRef(graph, 'other')).toBeUndefined();
  });
});
