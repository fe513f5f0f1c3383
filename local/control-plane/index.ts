/**
 * The read-only control plane of the local stack: the AWS "describe and list" operations (EventBridge, Pipes,
 * Lambda, API Gateway v2, IAM, SQS ListQueueTags) answered from the resource graph, with AWS's shapes, pagination
 * and errors, and the stack's own names, ARNs, account and region. Calls that would change the stack are refused
 * (see errors.ts). Pure: http.ts speaks the wire protocols, the edge routes to it.
 */
import { APIGATEWAYV2 } from './apigatewayv2';
import { DynamoDbArnTranslator } from './dynamodb-arns';
import { ControlPlaneError, refusal, unknownOperation } from './errors';
import { EVENTBRIDGE, EVENTBRIDGE_DATA_PLANE } from './eventbridge';
import { IAM } from './iam';
import { LAMBDA } from './lambda';
import { PIPES } from './pipes';
import { Input, Output, ServiceDefinition } from './service';
import { SQS } from './sqs';
import { ControlPlaneStack, redactSecrets, stackOf, StackGraphLike } from './stack';

export { ControlPlaneError } from './errors';
export type { ControlPlaneStack, StackGraphLike } from './stack';
export { DynamoDbArnTranslator } from './dynamodb-arns';

/** The services, by the key the protocol adapter uses. */
export const CONTROL_PLANE_SERVICES = {
  events: EVENTBRIDGE,
  pipes: PIPES,
  lambda: LAMBDA,
  apigatewayv2: APIGATEWAYV2,
  iam: IAM,
  sqs: SQS,
} as const;
export type ControlPlaneServiceKey = keyof typeof CONTROL_PLANE_SERVICES;

/** Operations each service serves here, for the start-up banner and for error messages. */
export function servedOperations(): Record<ControlPlaneServiceKey, string[]> {
  return Object.fromEntries(
    Object.entries(CONTROL_PLANE_SERVICES).map(([key, service]) => [key, Object.keys(service.operations)]),
  ) as Record<ControlPlaneServiceKey, string[]>;
}

/** The start-up banner's lines: the control-plane operations the edge serves, per service. */
export function controlPlaneBanner(): string[] {
  const served = servedOperations();
  const width = Math.max(...Object.keys(served).map((k) => k.length));
  return [
    'Control plane on the AWS edge (read-only, from the graph; changes are refused):',
    ...Object.entries(served).flatMap(([service, operations]) =>
      wrap(operations, 118 - width - 4).map((line, i) => `  ${(i === 0 ? service : '').padEnd(width)}  ${line}`),
    ),
  ];
}

/** Comma-separated names in lines of at most `width` characters. */
function wrap(names: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const name of names) {
    const next = line === '' ? name : `${line}, ${name}`;
    if (next.length > width && line !== '') {
      lines.push(`${line},`);
      line = name;
    } else {
      line = next;
    }
  }
  return line === '' ? lines : [...lines, line];
}

export class ControlPlane {
  readonly stack: ControlPlaneStack;
  /** DynamoDB Local's ARNs ↔ the stack's, for the DynamoDB and DynamoDB Streams traffic the edge forwards. */
  readonly dynamoDbArns: DynamoDbArnTranslator;

  constructor(graph: StackGraphLike, startedAt = new Date()) {
    this.stack = stackOf(graph, startedAt);
    this.dynamoDbArns = DynamoDbArnTranslator.forGraph(graph);
  }

  /** Does the control plane answer (serve or refuse) this operation? Others go to the data plane or are unknown. */
  handles(key: ControlPlaneServiceKey, operation: string): boolean {
    const service: ServiceDefinition = CONTROL_PLANE_SERVICES[key];
    return operation in service.operations || service.refuses(operation);
  }

  /** Answers one operation, or throws a ControlPlaneError (not found, validation, refusal, unknown operation). */
  call(key: ControlPlaneServiceKey, operation: string, input: Input): Output {
    const service: ServiceDefinition = CONTROL_PLANE_SERVICES[key];
    const handler = Object.prototype.hasOwnProperty.call(service.operations, operation)
      ? service.operations[operation]
      : undefined;
    if (handler) return redactSecrets(this.stack, handler(this.stack, input));
    if (service.refuses(operation)) throw refusal(service.name, operation, service.refusalCode);
    const dataPlane = key === 'events' ? EVENTBRIDGE_DATA_PLANE : [];
    throw unknownOperation(service.name, operation, [...Object.keys(service.operations), ...dataPlane]);
  }
}

export function isControlPlaneError(error: unknown): error is ControlPlaneError {
  return error instanceof ControlPlaneError;
}
