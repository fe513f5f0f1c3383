/**
 * The control plane's wire protocols, for the AWS edge:
 * - AWS JSON (`X-Amz-Target: AWSEvents.<Op>`, `AmazonSQS.ListQueueTags`): input and output are the body;
 * - REST JSON: Lambda (`/2015-03-31/functions…` and the other dated paths), Pipes (`/v1/pipes…`) and API Gateway
 *   v2 (`/v2/apis…`): path and query members in, JSON out, errors as each service writes them;
 * - the IAM query protocol (`Action=GetRole&Version=2010-05-08`, form or query string), XML out.
 * https://smithy.io/2.0/aws/protocols/ describes the three. The edge calls `handleControlPlane` first and goes on
 * with its own routing when it answers false; `handleIamQuery` gets the parsed query form.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkOperationInput } from '../services/edge/input-shapes';
import { EVENTBRIDGE_SHAPES, SQS_SHAPES } from '../services/edge/operation-shapes';
import { LocalCloudError } from '../services/kernel/errors';
import { apiGatewayRoute } from './apigatewayv2';
import { ControlPlaneError } from './errors';
import { EVENTBRIDGE_DATA_PLANE } from './eventbridge';
import { ControlPlane, ControlPlaneServiceKey } from './index';
import { LAMBDA_ROUTES } from './lambda';
import { Input } from './service';

const MAX_BODY_BYTES = 1024 * 1024;

type Protocol = 'json1.0' | 'json1.1' | 'lambda' | 'rest';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ControlPlaneError('SerializationException', 'Request body too large.', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): Input {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Input;
  } catch {
    // answered below
  }
  throw new ControlPlaneError('SerializationException', 'Start of structure or map found where not expected.');
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(body);
}

function sendError(res: ServerResponse, protocol: Protocol, error: ControlPlaneError, typePrefix = ''): void {
  const headers = { 'x-amzn-errortype': error.code };
  switch (protocol) {
    case 'json1.0':
    case 'json1.1':
      return send(
        res,
        error.statusCode,
        `application/x-amz-json-${protocol.slice(4)}`,
        JSON.stringify({ __type: `${typePrefix}${error.code}`, message: error.message }),
        headers,
      );
    case 'lambda':
      // Lambda's REST errors: `{"Type": "User", "Message": …}` (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html).
      return send(
        res,
        error.statusCode,
        'application/json',
        JSON.stringify({ Type: error.statusCode < 500 ? 'User' : 'Service', Message: error.message }),
        headers,
      );
    case 'rest':
      return send(res, error.statusCode, 'application/json', JSON.stringify({ message: error.message }), headers);
  }
}

function asControlPlaneError(error: unknown): ControlPlaneError {
  if (error instanceof ControlPlaneError) return error;
  if (error instanceof LocalCloudError) return new ControlPlaneError(error.code, error.message, error.statusCode);
  return new ControlPlaneError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
}

function answer(res: ServerResponse, protocol: Protocol, run: () => unknown, typePrefix = ''): void {
  try {
    const output = run();
    const contentType =
      protocol === 'json1.0' || protocol === 'json1.1'
        ? `application/x-amz-json-${protocol.slice(4)}`
        : 'application/json';
    send(res, 200, contentType, JSON.stringify(output));
  } catch (error) {
    sendError(res, protocol, asControlPlaneError(error), typePrefix);
  }
}

/** `/2015-03-31/functions/{FunctionName}` against a path → the path members, or undefined. */
function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const member = /^\{(\w+)\}$/.exec(want[i]);
    if (member) params[member[1]] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** Query string members, with the REST names the APIs use (`maxResults` → MaxResults). */
function queryInput(url: URL): Input {
  const input: Input = {};
  for (const [key, value] of url.searchParams) input[key.charAt(0).toUpperCase() + key.slice(1)] = value;
  return input;
}

interface RestCall {
  key: ControlPlaneServiceKey;
  protocol: Protocol;
  operation: string;
  input: Input;
}

/** Which service and operation a REST request is, or undefined when it is not the control plane's. */
export function restCall(method: string, rawUrl: string): RestCall | undefined {
  const url = new URL(rawUrl, 'http://edge');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  // Lambda's paths start with the API's date; Invoke (…/invocations) is the edge's data plane.
  if (/^\/20\d\d-\d\d-\d\d\//.test(path)) {
    if (/\/invocations$|\/invoke-async$/.test(path)) return undefined;
    for (const route of LAMBDA_ROUTES) {
      const params = route.method === method ? matchPath(route.path, path) : undefined;
      if (params)
        return {
          key: 'lambda',
          protocol: 'lambda',
          operation: route.operation,
          input: { ...queryInput(url), ...params },
        };
    }
    return { key: 'lambda', protocol: 'lambda', operation: `${method} ${path}`, input: {} };
  }
  if (path === '/v1/pipes' || path.startsWith('/v1/pipes/')) {
    const [name, action] = path.split('/').slice(3).map(decodeURIComponent);
    const operation =
      name === undefined
        ? method === 'GET'
          ? 'ListPipes'
          : `${method} ${path}`
        : action === 'start'
          ? 'StartPipe'
          : action === 'stop'
            ? 'StopPipe'
            : ((
                { GET: 'DescribePipe', POST: 'CreatePipe', PUT: 'UpdatePipe', DELETE: 'DeletePipe' } as Record<
                  string,
                  string
                >
              )[method] ?? `${method} ${path}`);
    return {
      key: 'pipes',
      protocol: 'rest',
      operation,
      input: { ...queryInput(url), ...(name !== undefined ? { Name: name } : {}) },
    };
  }
  if (path.startsWith('/v2/')) {
    const route = apiGatewayRoute(method, path);
    if (route)
      return {
        key: 'apigatewayv2',
        protocol: 'rest',
        operation: route.operation,
        input: { ...queryInput(url), ...route.params },
      };
  }
  return undefined;
}

/**
 * Answers the request when it is a control-plane call (served, refused or unknown for a control-plane service)
 * and resolves true; resolves false, without touching the request, when it is not.
 */
export async function handleControlPlane(
  controlPlane: ControlPlane,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const header = req.headers['x-amz-target'];
  const target = Array.isArray(header) ? header[0] : header;
  if (target) {
    const [prefix, operation = ''] = target.split('.', 2);
    let key: ControlPlaneServiceKey;
    let protocol: Protocol;
    let typePrefix = '';
    if (prefix === 'AWSEvents' && !EVENTBRIDGE_DATA_PLANE.includes(operation)) {
      key = 'events';
      protocol = 'json1.1';
    } else if (prefix === 'AmazonSQS' && controlPlane.handles('sqs', operation)) {
      key = 'sqs';
      protocol = 'json1.0';
      // SQS's JSON errors carry the shape id (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html).
      typePrefix = 'com.amazonaws.sqs#';
    } else {
      return false;
    }
    try {
      const input = parseJson(await readBody(req));
      // Member types first, from the edge's one table of input shapes (a wrong type is AWS's 400, not a 500).
      checkOperationInput(key === 'events' ? EVENTBRIDGE_SHAPES : SQS_SHAPES, operation, input);
      answer(res, protocol, () => controlPlane.call(key, operation, input), typePrefix);
    } catch (error) {
      sendError(res, protocol, asControlPlaneError(error), typePrefix);
    }
    return true;
  }
  const call = restCall(req.method ?? 'GET', req.url ?? '/');
  if (!call) return false;
  req.resume();
  answer(res, call.protocol, () => controlPlane.call(call.key, call.operation, call.input));
  return true;
}

const IAM_VERSION = '2010-05-08';
const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** Is this query-protocol request IAM's (rather than SQS's)? By its API version, else by its signature's scope. */
export function isIamQuery(params: URLSearchParams, req: IncomingMessage): boolean {
  if (params.get('Version') === IAM_VERSION) return true;
  const authorization = String(req.headers.authorization ?? '');
  return /Credential=[^/]+\/\d{8}\/[^/]+\/iam\/aws4_request/.test(authorization);
}

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

/** Query-protocol XML: members as elements, lists as `<member>` items (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html). */
export function toQueryXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toQueryXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toQueryXml(v)}</${k}>`)
      .join('');
  }
  return esc(String(value));
}

/** Query form → input members (`RoleName`, `MaxItems`…; IAM's read operations take no nested members). */
function queryFormInput(params: URLSearchParams): Input {
  const input: Input = {};
  for (const [key, value] of params) if (key !== 'Action' && key !== 'Version') input[key] = value;
  return input;
}

/** Answers an IAM query-protocol request (served, refused or unknown). */
export function handleIamQuery(controlPlane: ControlPlane, params: URLSearchParams, res: ServerResponse): void {
  const action = params.get('Action') ?? '';
  const requestId = randomUUID();
  const xml = (status: number, body: string) =>
    send(res, status, 'text/xml', `<?xml version="1.0" encoding="UTF-8"?>\n${body}`, { 'x-amzn-requestid': requestId });
  try {
    const output = controlPlane.call('iam', action, queryFormInput(params));
    xml(
      200,
      `<${action}Response xmlns="${IAM_XMLNS}"><${action}Result>${toQueryXml(output)}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  } catch (error) {
    const e = asControlPlaneError(error);
    // https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html: <ErrorResponse><Error><Type><Code><Message>…
    xml(
      e.statusCode,
      `<ErrorResponse xmlns="${IAM_XMLNS}"><Error><Type>${e.statusCode < 500 ? 'Sender' : 'Receiver'}</Type><Code>${esc(e.code)}</Code><Message>${esc(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}
