/**
 * The AWS edge: one HTTP endpoint speaking the AWS wire protocols, so that any AWS SDK v3 client or the AWS CLI
 * pointed at it (`endpoint` / `--endpoint-url` / `AWS_ENDPOINT_URL`) works against the local cloud.
 *
 * Routing (https://docs.aws.amazon.com/general/latest/gr/api-retries.html is not involved: routing is by the
 * protocol's own operation selector):
 * - `X-Amz-Target: AWSEvents.<Op>` (AWS JSON 1.1) → EventBridge: PutEvents, TestEventPattern and the archive replay
 *   API (edge/eventbridge-json.ts)
 * - `X-Amz-Target: DynamoDB_20120810.<Op>` / `DynamoDBStreams_20120810.<Op>` (JSON 1.0) → DynamoDB Local, forwarded
 *   byte for byte (edge/dynamodb-proxy.ts)
 * - `X-Amz-Target: AmazonSQS.<Op>` (JSON 1.0) → SQS (edge/sqs-json.ts)
 * - `X-Amz-Target: Logs_20140328.<Op>` (JSON 1.1) → CloudWatch Logs' read API over the local logs (edge/logs-json.ts)
 * - form or query string with `Action=<Op>` (the SQS query protocol, XML answers) → SQS (edge/sqs-query.ts)
 * - `POST /2015-03-31/functions/<fn>/invocations` (REST JSON) → Lambda Invoke, when a Lambda service is given
 *   (edge/lambda-rest.ts)
 * - `GET /health` (also `GET /_local/health`) → `{"status":"ok"|"degraded","services":[...],"dependencies":{...}}`,
 *   200 when every dependency (DynamoDB Local) is up, 503 while one is down or restarting.
 *
 * IAM: a call signed with a function's own access key is authorized with the function's execution role before it
 * is routed (edge/iam.ts, docs/iam.md#enforcement); any other key is the account's own user.
 *
 * Queue URLs handed out are edge-local (`http://<host>/<account>/<name>`); see edge/queue-urls.ts for why.
 * Every JSON-protocol input is held to its operation's shape before a service sees it (edge/input-shapes.ts,
 * edge/operation-shapes.ts): a wrong JSON type is a 400 SerializationException, never a 500.
 * Nothing here knows the stack: services are injected.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { SqsService } from '../sqs';
import type { ControlPlane } from '../../control-plane';
import { forwardTranslated } from '../../control-plane/dynamodb-forward';
import { handleControlPlane, handleIamQuery, isIamQuery } from '../../control-plane/http';
import type { LogStore } from '../logs/store';
import type { IamGate } from '../iam';
import { accessKeyOf } from '../iam';
import { forwardToDynamoDb } from './dynamodb-proxy';
import { EdgeEventBridge, handleEventBridge } from './eventbridge-json';
import { AwsProtocolError, parseJsonObject, readBody, sendJsonError } from './http-util';
import { dynamoDbChecks, EdgeCheck, eventBridgeChecks, lambdaInvokeCheck, Scope, sqsChecks } from './iam';
import { EdgeLambda, handleLambdaInvoke, isLambdaInvoke } from './lambda-rest';
import { handleLogsJson } from './logs-json';
import { handleSqsJson } from './sqs-json';
import { handleSqsQuery, readQueryParams } from './sqs-query';

export type { EdgeEventBridge } from './eventbridge-json';
export type { EdgeLambda } from './lambda-rest';
export { edgeQueueUrl, toEdgeQueueUrl } from './queue-urls';

export const DEFAULT_EDGE_PORT = 4566;

/** The edge's port from `AWS_EDGE_PORT`, else 4566. */
export function edgePortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AWS_EDGE_PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_EDGE_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`AWS_EDGE_PORT must be a port number, got "${raw}"`);
  return port;
}

export interface EdgeOptions {
  /** Port to listen on; default AWS_EDGE_PORT or 4566; 0 picks a free one. */
  port?: number;
  host?: string;
  eventBridge: EdgeEventBridge;
  sqs: SqsService;
  /** DynamoDB Local's endpoint, e.g. `http://127.0.0.1:8000`. */
  dynamoDbEndpoint: string;
  /** Optional: serves Lambda Invoke (`POST /2015-03-31/functions/<fn>/invocations`). */
  lambda?: EdgeLambda;
  /** Optional: the read-only control-plane APIs answered from the graph (local/control-plane). */
  controlPlane?: ControlPlane;
  /** Optional: serves CloudWatch Logs' read API (DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents). */
  logs?: LogStore;
  /**
   * Optional: IAM enforcement. A call signed with a function's access key is authorized with the function's role
   * before it reaches the service (edge/iam.ts); any other key is the account's own user, allowed.
   */
  iam?: { gate: IamGate; scope: Scope };
  /** Optional: the state of each supervised dependency by name (`dynamodb`), for health and fast failures. */
  dependencies?: () => Record<string, { status: string }>;
}

export interface EdgeHandle {
  /** `http://<host>:<port>` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const SERVICES = [
  'events (PutEvents, TestEventPattern, StartReplay, DescribeReplay, ListReplays, CancelReplay)',
  'dynamodb',
  'dynamodb-streams',
  'sqs (json + query)',
  'lambda (Invoke)',
  'logs (DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents)',
];

export async function startEdge(options: EdgeOptions): Promise<EdgeHandle> {
  const host = options.host ?? '127.0.0.1';
  const stopping = new AbortController();
  let baseUrl = '';

  const server = http.createServer((req, res) => {
    void route(req, res).catch((error: Error) => {
      if (!res.headersSent)
        sendJsonError(res, 'application/x-amz-json-1.0', new AwsProtocolError('InternalFailure', error.message, 500));
      else res.destroy(error);
    });
  });

  async function route(incoming: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const req = await authorized(incoming, res);
    if (!req) return;
    if (options.controlPlane && (await handleControlPlane(options.controlPlane, req, res))) return;
    const target = headerValue(req.headers['x-amz-target']);
    if (target) {
      const dot = target.indexOf('.');
      const prefix = dot >= 0 ? target.slice(0, dot) : target;
      const operation = dot >= 0 ? target.slice(dot + 1) : '';
      switch (prefix) {
        case 'AWSEvents':
          return handleEventBridge(operation, req, res, options.eventBridge);
        case 'DynamoDB_20120810':
        case 'DynamoDBStreams_20120810':
          if (dynamoDbDown(req, res)) return;
          if (options.controlPlane?.dynamoDbArns.translates(target))
            return forwardTranslated(req, res, options.dynamoDbEndpoint, options.controlPlane.dynamoDbArns);
          return forwardToDynamoDb(req, res, options.dynamoDbEndpoint, bodies.get(req));
        case 'Logs_20140328':
          return handleLogsJson(operation, req, res, options.logs);
        case 'AmazonSQS':
          return handleSqsJson(operation, req, res, options.sqs, callContext(req, res));
        default:
          req.resume();
          return sendJsonError(
            res,
            headerValue(req.headers['content-type']) ?? 'application/x-amz-json-1.0',
            new AwsProtocolError(
              'UnknownOperationException',
              `X-Amz-Target ${target} is not served by the local edge (it serves: ${SERVICES.join(', ')})`,
            ),
          );
      }
    }
    if (isLambdaInvoke(req)) return handleLambdaInvoke(req, res, options.lambda);
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/_local/health')) {
      const dependencies = options.dependencies?.() ?? {};
      const ok = Object.values(dependencies).every((d) => d.status === 'up');
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', services: SERVICES, dependencies }));
      return;
    }
    const params = await readQueryParams(req);
    if (params && options.controlPlane && isIamQuery(params, req))
      return handleIamQuery(options.controlPlane, params, res);
    if (params) return handleSqsQuery(params, res, options.sqs, callContext(req, res));
    sendJsonError(
      res,
      'application/json',
      new AwsProtocolError(
        'UnknownOperationException',
        `The local edge routes by X-Amz-Target (AWS JSON) or Action (SQS query); this ${req.method} ${req.url} request has neither. It serves: ${SERVICES.join(', ')}`,
      ),
    );
  }

  /**
   * A function's call, authorized before it is served: the body is read once, asked of IAM, and replayed to the
   * service. A denial is answered here with AWS's AccessDeniedException (HTTP 400, the common error of every AWS
   * API: https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html); undefined = answered.
   */
  async function authorized(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<http.IncomingMessage | undefined> {
    const iam = options.iam;
    const key = accessKeyOf(headerValue(req.headers.authorization));
    if (!iam || !iam.gate.knowsKey(key)) return req;
    const body = await readBody(req);
    const target = headerValue(req.headers['x-amz-target']) ?? '';
    const [prefix, operation = ''] = target.split('.');
    let checks: EdgeCheck[] = [];
    try {
      const input = () => parseJsonObject(body);
      if (prefix === 'DynamoDB_20120810') checks = dynamoDbChecks(operation, input(), iam.scope);
      else if (prefix === 'AWSEvents') checks = eventBridgeChecks(operation, input(), iam.scope);
      else if (prefix === 'AmazonSQS') checks = sqsChecks(operation, input(), iam.scope);
      else if (!target && isLambdaInvoke(req))
        checks = [
          lambdaInvokeCheck(decodeURIComponent(/functions\/([^/?]+)\//.exec(req.url ?? '')?.[1] ?? ''), iam.scope),
        ];
    } catch {
      checks = []; // unparsable input: the service answers it with its own error
    }
    for (const check of checks) {
      const denied = iam.gate.sdkCall(key, check.action, check.resource);
      if (!denied) continue;
      const error = new AwsProtocolError('AccessDeniedException', denied.message ?? 'Access denied', 400);
      if (!target) sendJsonError(res, 'application/json', error);
      else
        sendJsonError(
          res,
          prefix === 'AWSEvents' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
          error,
          prefix === 'AmazonSQS' ? 'com.amazonaws.sqs#' : '',
        );
      return undefined;
    }
    return replay(req, body);
  }

  /**
   * While DynamoDB Local restarts: 503 ServiceUnavailable at once, as DynamoDB answers a temporary failure (the SDKs
   * retry it; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
   */
  function dynamoDbDown(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const status = options.dependencies?.().dynamodb?.status;
    if (status === undefined || status === 'up') return false;
    req.resume();
    sendJsonError(
      res,
      'application/x-amz-json-1.0',
      new AwsProtocolError('ServiceUnavailable', `DynamoDB Local is ${status}; retry shortly`, 503),
      'com.amazonaws.dynamodb.v20120810#',
    );
    return true;
  }

  function callContext(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): { edgeBaseUrl: string; signal: AbortSignal } {
    const gone = new AbortController();
    // The client hung up (or the edge is stopping): end its long poll.
    res.on('close', () => gone.abort());
    const onStop = (): void => gone.abort();
    stopping.signal.addEventListener('abort', onStop, { once: true });
    res.on('close', () => stopping.signal.removeEventListener('abort', onStop));
    const hostHeader = headerValue(req.headers.host);
    return { edgeBaseUrl: hostHeader ? `http://${hostHeader}` : baseUrl, signal: gone.signal };
  }

  const port = options.port ?? edgePortFromEnv();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${actualPort}`;
  return {
    url: baseUrl,
    port: actualPort,
    stop: async () => {
      stopping.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The bodies the edge read to authorize a call, by the replayed request: DynamoDB sends them on as they are. */
const bodies = new WeakMap<http.IncomingMessage, Buffer>();

/** The request again, its body already read: what the services read from. */
function replay(req: http.IncomingMessage, body: Buffer): http.IncomingMessage {
  const stream = new PassThrough();
  stream.end(body);
  const replayed = Object.assign(stream, {
    headers: req.headers,
    method: req.method,
    url: req.url,
    rawHeaders: req.rawHeaders,
  }) as unknown as http.IncomingMessage;
  bodies.set(replayed, body);
  return replayed;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
