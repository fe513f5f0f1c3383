import { GraphResource, ResourceGraph } from '../../../../local/model/graph';
import { FunctionUrlService, readFunctionUrls } from '../../../../local/services/function-urls';
import { SyncInvoker } from '../../../../local/services/http-api';

const fnArn = 'arn:aws:lambda:us-east-1:123456789012:function:echo';

function urlResource(authorizationType: string): GraphResource {
  const state = {
    functionName: 'echo',
    authorizationType,
    urlId: 'abc123xyz',
    functionUrl: 'https://abc123xyz.lambda-url.us-east-1.on.aws/',
    functionArn: fnArn,
  };
  return {
    type: 'aws:lambda/functionUrl:FunctionUrl',
    name: 'echo-url',
    id: 'echo',
    urn: 'urn:echo-url',
    inputs: state,
    state,
  };
}

describe('Function URLs', () => {
  const events: Record<string, unknown>[] = [];
  let answer: unknown = 'Hello, world!';
  const lambda: SyncInvoker = {
    async invoke(arn, payload) {
      expect(arn).toBe(fnArn);
      events.push(payload as Record<string, unknown>);
      return answer === 'crash' ? { functionError: 'Unhandled', errorMessage: 'boom' } : { payload: answer };
    },
  };
  const services: FunctionUrlService[] = [];

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
  });

  async function serve(authorizationType: string, ready?: Promise<void>): Promise<string> {
    const [definition] = readFunctionUrls(
      new ResourceGraph([urlResource(authorizationType)]),
      '123456789012',
      'us-east-1',
    );
    const service = new FunctionUrlService({
      definition,
      accountId: '123456789012',
      region: 'us-east-1',
      lambda,
      ready,
    });
    services.push(service);
    return service.start(0);
  }

  it('serves the function at the root of its own port with a $default 2.0 event', async () => {
    // Prepare
    const base = await serve('NONE');
    // Act
    const response = await fetch(`${base}orders/1?x=1`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    // Assess
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('"Hello, world!"');
    expect(events[0]).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/orders/1',
      rawQueryString: 'x=1',
      body: '{"a":1}',
      requestContext: {
        apiId: 'abc123xyz',
        domainName: 'abc123xyz.lambda-url.us-east-1.on.aws',
        stage: '$default',
        routeKey: '$default',
      },
    });
    expect(events[0]).not.toHaveProperty('pathParameters');
    expect(events[0]).not.toHaveProperty('stageVariables');
  });

  it('holds requests that arrive before the cloud is ready, then serves them', async () => {
    // Prepare
    let open: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (open = resolve));
    const base = await serve('NONE', ready);
    answer = { statusCode: 200, body: 'late but fine' };
    events.length = 0;
    // Act
    const pending = fetch(base);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const invokedBeforeReady = events.length;
    open();
    const response = await pending;
    // Assess
    expect(invokedBeforeReady).toBe(0);
    expect(await response.text()).toBe('late but fine');
  });

  it('answers 502 on a function error and refuses unsigned requests to an AWS_IAM URL', async () => {
    const open = await serve('NONE');
    const iam = await serve('AWS_IAM');
    answer = 'crash';
    const crashed = await fetch(open);
    answer = { statusCode: 204 };
    const unsigned = await fetch(iam);
    expect(crashed.status).toBe(502);
    expect(unsigned.status).toBe(403);
  });
});
