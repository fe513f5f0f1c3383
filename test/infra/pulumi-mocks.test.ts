import type * as PulumiModule from '@pulumi/pulumi';
import type * as AwsModule from '@pulumi/aws';
import type * as MocksModule from '../../local/model/pulumi-mocks';

interface Loaded {
  pulumi: typeof PulumiModule;
  aws: typeof AwsModule;
  m: typeof MocksModule;
  mocks: MocksModule.RecordingMocks;
}

/** Fresh mocks plus the SDKs of the same module registry. */
function freshMocks(opts: MocksModule.StackMocksOptions = {}): Loaded {
  let loaded: Loaded | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- mocks must be installed before any resource is declared */
    const m = require('../../local/model/pulumi-mocks') as typeof MocksModule;
    const mocks = m.setStackMocks(opts);
    loaded = { m, mocks, pulumi: require('@pulumi/pulumi'), aws: require('@pulumi/aws') };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  if (!loaded) throw new Error('mocks did not load');
  return loaded;
}

describe('setStackMocks', () => {
  it('namespaces plain keys under the project, keeps namespaced ones, and marks secret keys', async () => {
    // Prepare
    const { pulumi, m } = freshMocks({
      stack: 'test',
      config: { carrierEndpoint: 'https://c.example.com', 'aws:region': 'eu-west-1', callbackToken: 't0k' },
      secretKeys: ['callbackToken'],
    });

    // Act
    const config = new pulumi.Config('order-event-gateway');
    const token = config.requireSecret('callbackToken');

    // Assess
    expect(config.get('carrierEndpoint')).toBe('https://c.example.com');
    expect(new pulumi.Config('aws').get('region')).toBe('eu-west-1');
    expect(pulumi.getStack()).toBe('test');
    expect(pulumi.getProject()).toBe('order-event-gateway');
    expect(await m.promiseOf(token)).toBe('t0k');
    expect(await pulumi.isSecret(token)).toBe(true);
  });
});

describe('RecordingMocks', () => {
  it('records type, name, parent, dependencies, unwrapped inputs and realistic outputs', async () => {
    // Prepare
    const { pulumi, aws, m, mocks } = freshMocks();
    class Box extends pulumi.ComponentResource {
      readonly queue: AwsModule.sqs.Queue;
      constructor(name: string) {
        super('test:index:Box', name, {});
        this.queue = new aws.sqs.Queue(`${name}-q`, {}, { parent: this });
        new aws.sqs.QueuePolicy(
          `${name}-p`,
          { queueUrl: this.queue.url, policy: pulumi.secret('{}') },
          { parent: this },
        );
        this.registerOutputs({});
      }
    }

    // Act
    const box = new Box('box');
    await m.promiseOf(box.queue.url);
    await m.settle();

    // Assess
    const component = mocks.byName('box');
    const queue = mocks.byName('box-q');
    const policy = mocks.byName('box-p');
    expect(component).toMatchObject({ type: 'test:index:Box', custom: false, id: '' });
    expect(queue?.parent).toBe(component?.urn);
    expect(queue?.state.url).toMatch(/^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/box-q-[0-9a-f]{7}$/);
    expect(queue?.state.arn).toBe(`arn:aws:sqs:us-east-1:123456789012:${queue?.state.name}`);
    expect(policy?.dependencies).toContain(queue?.urn);
    expect(policy?.inputs.policy).toBe('{}');
    expect(policy?.secretInputs).toEqual(['policy']);
    expect(m.isSecretValue(policy?.rawInputs.policy)).toBe(true);
  });

  it('computes the ARNs and URLs AWS would return, per type', async () => {
    // Prepare
    const { aws, m, mocks } = freshMocks();

    // Act
    const bus = new aws.cloudwatch.EventBus('bus', { name: 'orders' });
    const onBus = new aws.cloudwatch.EventRule('on-bus', { name: 'r1', eventBusName: bus.name, eventPattern: '{}' });
    const onDefault = new aws.cloudwatch.EventRule('on-default', { name: 'r2', eventPattern: '{}' });
    const fn = new aws.lambda.Function('fn', {
      name: 'f',
      role: 'arn:aws:iam::123456789012:role/r',
      runtime: 'nodejs22.x',
    });
    const url = new aws.lambda.FunctionUrl('url', { functionName: 'f', authorizationType: 'NONE' });
    const api = new aws.apigatewayv2.Api('api', { protocolType: 'HTTP' });
    const stage = new aws.apigatewayv2.Stage('stage', { apiId: api.id, name: '$default' });
    const table = new aws.dynamodb.Table('t', {
      name: 'orders',
      hashKey: 'id',
      attributes: [{ name: 'id', type: 'S' }],
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
    });
    const connection = new aws.cloudwatch.EventConnection('c', {
      name: 'c',
      authorizationType: 'API_KEY',
      authParameters: { apiKey: { key: 'k', value: 'v' } },
    });
    const destination = new aws.cloudwatch.EventApiDestination('d', {
      name: 'd',
      connectionArn: connection.arn,
      httpMethod: 'POST',
      invocationEndpoint: 'https://x',
    });
    const logGroup = new aws.cloudwatch.LogGroup('lg', { name: '/aws/lambda/f' });
    const values = await m.resolveOutputs({
      busArn: bus.arn,
      ruleOnBus: onBus.arn,
      ruleOnDefault: onDefault.arn,
      invokeArn: fn.invokeArn,
      functionUrl: url.functionUrl,
      apiEndpoint: api.apiEndpoint,
      executionArn: api.executionArn,
      invokeUrl: stage.invokeUrl,
      streamArn: table.streamArn,
      secretArn: connection.secretArn,
      destinationArn: destination.arn,
      logGroupArn: logGroup.arn,
    });
    await m.settle();

    // Assess
    const apiId = mocks.byName('api')?.id;
    expect(values).toEqual({
      busArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders',
      ruleOnBus: 'arn:aws:events:us-east-1:123456789012:rule/orders/r1',
      ruleOnDefault: 'arn:aws:events:us-east-1:123456789012:rule/r2',
      invokeArn:
        'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations',
      functionUrl: expect.stringMatching(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/),
      apiEndpoint: `https://${apiId}.execute-api.us-east-1.amazonaws.com`,
      executionArn: `arn:aws:execute-api:us-east-1:123456789012:${apiId}`,
      invokeUrl: `https://${apiId}.execute-api.us-east-1.amazonaws.com/`,
      streamArn: expect.stringMatching(
        /^arn:aws:dynamodb:us-east-1:123456789012:table\/orders\/stream\/\d{4}-\d\d-\d\dT/,
      ),
      secretArn: expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:events!connection\/c\//),
      destinationArn: expect.stringMatching(
        /^arn:aws:events:us-east-1:123456789012:api-destination\/d\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f',
    });
  });

  it('records a time provider Sleep (a creation wait) and a resource-scoped log policy by its resource ARN; the local cloud has nothing to wait for', async () => {
    // Prepare
    const { aws, m, mocks } = freshMocks();
    let time: typeof import('@pulumiverse/time') | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider SDK must see the mocks just installed
      time = require('@pulumiverse/time') as typeof import('@pulumiverse/time');
    });
    const { classifyResources } = await import('../../local/model/emulation');

    // Act
    const wait = new (time as typeof import('@pulumiverse/time')).Sleep('wait', {
      createDuration: '120s',
      triggers: { a: 'b' },
    });
    new aws.cloudwatch.LogResourcePolicy('lp', {
      resourceArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x',
      policyDocument: '{}',
    });
    await m.resolveOutputs({ id: wait.id });
    await m.settle();

    // Assess
    expect(mocks.byName('wait')).toMatchObject({
      type: 'time:index/sleep:Sleep',
      id: '2026-01-01T00:00:00Z',
      inputs: { createDuration: '120s', triggers: { a: 'b' } },
    });
    expect(mocks.byName('lp')?.id).toBe('arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x');
    const classes = classifyResources({ resources: mocks.resources } as unknown as Parameters<
      typeof classifyResources
    >[0]);
    expect(classes.emulated.get('time:index/sleep:Sleep')?.map((r) => r.name)).toEqual(['wait']);
  });

  it('is deterministic: the same declarations give the same ids and names', async () => {
    // Prepare
    const declare = async () => {
      const { aws, m, mocks } = freshMocks();
      new aws.sqs.Queue('q');
      new aws.apigatewayv2.Api('api', { protocolType: 'HTTP' });
      await m.settle();
      return mocks.resources.map((r) => [r.id, r.state.name]);
    };

    // Act
    const first = await declare();
    const second = await declare();

    // Assess
    expect(second).toEqual(first);
  });

  it('answers the invokes the program makes, and refuses unknown ones', async () => {
    // Prepare
    const { mocks } = freshMocks({ region: 'eu-central-1' });

    // Act
    const region = mocks.call({ token: 'aws:index/getRegion:getRegion', inputs: {} });
    const identity = mocks.call({ token: 'aws:index/getCallerIdentity:getCallerIdentity', inputs: {} });
    const partition = mocks.call({ token: 'aws:index/getPartition:getPartition', inputs: {} });

    // Assess
    expect(region).toMatchObject({ region: 'eu-central-1', name: 'eu-central-1' });
    expect(identity.accountId).toBe('123456789012');
    expect(partition.partition).toBe('aws');
    expect(() => mocks.call({ token: 'aws:s3/getBucket:getBucket', inputs: {} })).toThrow(
      'RecordingMocks: no mock for the invoke aws:s3/getBucket:getBucket',
    );
  });

  it('marks random passwords secret, as the provider does', async () => {
    // Prepare
    let result: PulumiModule.Output<string> | undefined;
    let loaded: Loaded | undefined;
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports -- same registry as the mocks */
      const m = require('../../local/model/pulumi-mocks') as typeof MocksModule;
      const mocks = m.setStackMocks();
      const random = require('@pulumi/random');
      loaded = { m, mocks, pulumi: require('@pulumi/pulumi'), aws: require('@pulumi/aws') };
      result = new random.RandomPassword('pw', { length: 24, special: false }).result;
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    if (!loaded || !result) throw new Error('not loaded');

    // Act
    const value = await loaded.m.promiseOf(result);

    // Assess
    expect(value).toMatch(/^[a-z0-9]{24}$/);
    expect(await loaded.pulumi.isSecret(result)).toBe(true);
  });

  it('takes random results from `randomValue` when one is given (the local cloud), still secret', async () => {
    // Prepare
    const asked: [string, number][] = [];
    let result: PulumiModule.Output<string> | undefined;
    let loaded: Loaded | undefined;
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports -- same registry as the mocks */
      const m = require('../../local/model/pulumi-mocks') as typeof MocksModule;
      const mocks = m.setStackMocks({
        randomValue: (logical, length) => (asked.push([logical, length]), 'X'.repeat(length)),
      });
      const random = require('@pulumi/random');
      loaded = { m, mocks, pulumi: require('@pulumi/pulumi'), aws: require('@pulumi/aws') };
      result = new random.RandomPassword('pw', { length: 12, special: false }).result;
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    if (!loaded || !result) throw new Error('not loaded');

    // Act
    const value = await loaded.m.promiseOf(result);

    // Assess
    expect(value).toBe('XXXXXXXXXXXX');
    expect(asked).toEqual([['pw', 12]]);
    expect(await loaded.pulumi.isSecret(result)).toBe(true);
  });

  it('gives Cognito user pools and clients the ids and issuer endpoint AWS would', async () => {
    // Prepare
    const { aws, m } = freshMocks();

    // Act
    const pool = new aws.cognito.UserPool('pool', {});
    const client = new aws.cognito.UserPoolClient('client', { userPoolId: pool.id });
    const [id, endpoint, clientId] = await Promise.all([
      m.promiseOf(pool.id),
      m.promiseOf(pool.endpoint),
      m.promiseOf(client.id),
    ]);

    // Assess
    expect(id).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(endpoint).toBe(`cognito-idp.us-east-1.amazonaws.com/${id}`);
    expect(clientId).toMatch(/^[a-z0-9]{26}$/);
  });
});

describe('recorded code archives', () => {
  it('turn Pulumi assets and archives into plain text, path and uri records', async () => {
    // Prepare
    const { pulumi, aws, m, mocks } = freshMocks();
    const code = new pulumi.asset.AssetArchive({
      'index.js': new pulumi.asset.StringAsset('exports.handler = async () => 1;'),
      'data.json': new pulumi.asset.FileAsset('test/fixtures/stream-records/insert-pending.json'),
      lib: new pulumi.asset.FileArchive('handlers'),
      remote: new pulumi.asset.RemoteAsset('https://example.com/x.js'),
    });

    // Act
    new aws.lambda.Function('fn', { role: 'arn:aws:iam::123456789012:role/r', code });
    await m.settle();

    // Assess
    expect(mocks.byName('fn')?.inputs.code).toEqual({
      assets: {
        'index.js': { text: 'exports.handler = async () => 1;' },
        'data.json': { path: 'test/fixtures/stream-records/insert-pending.json' },
        lib: { path: 'handlers' },
        remote: { uri: 'https://example.com/x.js' },
      },
    });
  });
});
