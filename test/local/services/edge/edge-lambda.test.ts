import { EdgeHandle, startEdge } from '../../../../local/services/edge';
import { LambdaService } from '../../../../local/services/lambda';
import { SqsService } from '../../../../local/services/sqs';
import { TestBundles } from '../../helpers/lambda-bundles';

const bundles = new TestBundles();
let lambda: LambdaService;
let edge: EdgeHandle;
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:echo';

beforeAll(async () => {
  lambda = new LambdaService({ lifecycleLogs: false, sleep: async () => undefined });
  lambda.register(
    bundles.fn(
      'echo',
      `export const handler = async (event: { fail?: boolean }) => { if (event.fail) throw new TypeError('bad input'); return { got: event }; };`,
    ),
  );
  edge = await startEdge({
    port: 0,
    sqs: new SqsService(),
    dynamoDbEndpoint: 'http://127.0.0.1:9',
    lambda,
    eventBridge: { putEvents: () => ({}), testEventPattern: () => false },
  });
});

afterAll(async () => {
  await edge.stop();
  await lambda.stop();
  bundles.cleanup();
});

function invoke(fn: string, body: string, type?: string): Promise<Response> {
  return fetch(`${edge.url}/2015-03-31/functions/${encodeURIComponent(fn)}/invocations`, {
    method: 'POST',
    headers: type ? { 'x-amz-invocation-type': type } : {},
    body,
  });
}

describe('edge: Lambda Invoke (REST)', () => {
  it('invokes synchronously by name or ARN and returns the payload', async () => {
    // Act
    const byName = await invoke('echo', '{"a":1}');
    const byArn = await invoke(ARN, '{"b":2}');
    // Assess
    expect(byName.status).toBe(200);
    expect(byName.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(await byName.json()).toEqual({ got: { a: 1 } });
    expect(await byArn.json()).toEqual({ got: { b: 2 } });
  });

  it('marks a function error with X-Amz-Function-Error and returns the error payload', async () => {
    // Act
    const res = await invoke('echo', '{"fail":true}');
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await res.json()).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
  });

  it('accepts Event invocations with 202 and DryRun with 204', async () => {
    // Act
    const event = await invoke('echo', '{}', 'Event');
    const dry = await invoke('echo', '{}', 'DryRun');
    await lambda.drain();
    // Assess
    expect(event.status).toBe(202);
    expect(event.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(dry.status).toBe(204);
  });

  it('answers an unknown function with 404 ResourceNotFoundException and bad JSON with 400', async () => {
    // Act
    const missing = await invoke('nope', '{}');
    const badJson = await invoke('echo', '{not json');
    // Assess
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await missing.json()).toEqual({ Type: 'User', message: 'Function not found: nope' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });
});
