/**
 * Lambda Invoke on the edge (REST JSON): `POST /2015-03-31/functions/<name or ARN>/invocations` with
 * `X-Amz-Invocation-Type` RequestResponse (default), Event (202, queued) or DryRun (204)
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). Lets `aws lambda invoke --endpoint-url` and
 * `@aws-sdk/client-lambda` reach the local functions. Only Invoke is served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsProtocolError, readBody, sendJson, toAwsError } from './http-util';

/** What the edge needs from the local Lambda (local/services/lambda provides it). */
export interface EdgeLambda {
  invoke(
    arnOrName: string,
    payload: unknown,
  ): Promise<{ requestId?: string; payload?: unknown; functionError?: string }>;
  invokeAsync(arnOrName: string, payload: unknown): Promise<unknown>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/?]+)\/invocations(?:\?(.*))?$/;

export function isLambdaInvoke(req: IncomingMessage): boolean {
  return req.method === 'POST' && INVOKE_PATH.test(req.url ?? '');
}

function sendLambdaError(res: ServerResponse, error: AwsProtocolError): void {
  // Lambda's REST errors: the code in x-amzn-ErrorType, `Type` User/Service and `message` in the body.
  sendJson(
    res,
    error.statusCode,
    'application/json',
    { Type: error.statusCode < 500 ? 'User' : 'Service', message: error.message },
    { 'x-amzn-errortype': error.code },
  );
}

export async function handleLambdaInvoke(
  req: IncomingMessage,
  res: ServerResponse,
  lambda: EdgeLambda | undefined,
): Promise<void> {
  const match = INVOKE_PATH.exec(req.url ?? '') as RegExpExecArray;
  const qualifier = new URLSearchParams(match[2] ?? '').get('Qualifier');
  const functionName = decodeURIComponent(match[1]) + (qualifier ? `:${qualifier}` : '');
  try {
    const body = await readBody(req);
    if (!lambda)
      throw new AwsProtocolError('ServiceException', 'No local Lambda service is attached to this edge', 500);
    let payload: unknown = {};
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new AwsProtocolError(
          'InvalidRequestContentException',
          `Could not parse request body into json: ${(error as Error).message}`,
        );
      }
    }
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType === 'Event') {
      const accepted = (await lambda.invokeAsync(functionName, payload)) as { requestId?: string } | undefined;
      res.writeHead(202, {
        'content-length': 0,
        ...(accepted?.requestId ? { 'x-amzn-requestid': accepted.requestId } : {}),
      });
      res.end();
      return;
    }
    if (invocationType === 'DryRun') {
      // DryRun validates parameters and permissions only; an unknown function still fails.
      const probe = lambda as EdgeLambda & { find?: (n: string) => unknown };
      if (probe.find && !probe.find(functionName))
        throw new AwsProtocolError('ResourceNotFoundException', `Function not found: ${functionName}`, 404);
      res.writeHead(204);
      res.end();
      return;
    }
    if (invocationType !== 'RequestResponse') {
      throw new AwsProtocolError('InvalidParameterValueException', `Unsupported invocation type: ${invocationType}`);
    }
    const result = await lambda.invoke(functionName, payload);
    const text = JSON.stringify(result.payload === undefined ? null : result.payload);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amz-executed-version': '$LATEST',
      ...(result.requestId ? { 'x-amzn-requestid': result.requestId } : {}),
      ...(result.functionError ? { 'x-amz-function-error': result.functionError } : {}),
    });
    res.end(text);
  } catch (error) {
    sendLambdaError(res, toAwsError(error, 'ServiceException'));
  }
}
