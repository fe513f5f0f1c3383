/**
 * order-event-gateway: the composition root. Typed config → components → stack outputs; no resource is declared
 * here directly. Read it top to bottom as the order flow: table, bus, handlers, HTTP API, pipe, carrier, rules.
 */
import * as pulumi from '@pulumi/pulumi';
import { DetailTypes, EventSources, OrderStreamFilter, RulePatterns } from './handlers/contract';
import { AlertTopic } from './infra/alert-topic';
import { CarrierCredential } from './infra/carrier-credential';
import { CarrierDestination } from './infra/carrier-destination';
import { CarrierMock } from './infra/carrier-mock';
import { ChatNotifier } from './infra/chat-notifier';
import { loadStackConfig } from './infra/config';
import { CustomerIdentity, type CustomerTokenIssuer } from './infra/customer-identity';
import type { DeadLetterQueue } from './infra/dead-letter-queue';
import { HandlerFunction } from './infra/handler-function';
import { EventBus } from './infra/event-bus';
import { OperationsAlarms } from './infra/operations-alarms';
import { OperationsDashboard } from './infra/operations-dashboard';
import { OrderStreamPipe } from './infra/order-stream-pipe';
import { OrdersApi } from './infra/orders-api';
import { OrdersTable } from './infra/orders-table';
import { secretOrGenerated } from './infra/secrets';
import {
  carrierHeaderParameters,
  carrierPayloadTransformer,
  confirmShipmentTransformer,
  orderChangedPipeTemplate,
} from './infra/templates';

const config = loadStackConfig();
const logRetentionDays = config.logRetentionDays;
// Alarms reach someone: the configured actions, or the stack's own topic (with an optional e-mail subscription).
const alerts = config.alarmActions.length > 0 ? undefined : new AlertTopic('alerts', { email: config.alarmEmail });
const alarmActions = alerts ? [alerts.arn] : config.alarmActions;

// Storage and the bus.
const table = new OrdersTable('orders');
const events = new EventBus('orders', {
  archiveRetentionDays: config.archiveRetentionDays,
  logRetentionDays,
  alarmActions,
});

// Handlers. EventBridge invokes the first three asynchronously: Lambda retries twice, then the event goes to the
// function's own DLQ. Six hours covers Lambda's own throttling retries.
const asyncInvocation = { maximumEventAgeInSeconds: 6 * 60 * 60 };
const tableEnv = { ORDERS_TABLE_NAME: table.name };
const captureOrder = new HandlerFunction('capture-order', {
  handler: 'capture-order',
  logRetentionDays,
  environment: tableEnv,
  // Its upload transaction is two Puts; IAM authorises a transaction by its parts (infra/policies.ts).
  grants: [table.grant(['GetItem', 'PutItem'])],
  asyncInvocation,
  alarmActions,
});
const cancelOrder = new HandlerFunction('cancel-order', {
  handler: 'cancel-order',
  logRetentionDays,
  environment: tableEnv,
  // A refused cancellation is recorded as an item of its own (PutItem); the local cloud's IAM enforcement found
  // this call denied when the grant had only GetItem and UpdateItem.
  grants: [table.grant(['GetItem', 'PutItem', 'UpdateItem'])],
  asyncInvocation,
  alarmActions,
});
const confirmShipment = new HandlerFunction('confirm-shipment', {
  handler: 'confirm-shipment',
  logRetentionDays,
  environment: tableEnv,
  // An invalid confirmation of a known order is recorded as an item of its own (PutItem).
  grants: [table.grant(['GetItem', 'PutItem', 'UpdateItem'])],
  asyncInvocation,
  alarmActions,
});
const getOrder = new HandlerFunction('get-order', {
  handler: 'get-order',
  logRetentionDays,
  environment: tableEnv,
  grants: [table.grant(['GetItem'])],
});
const callbackSecret = secretOrGenerated('callback-token', config.callbackToken);
const authorizeCarrier = new HandlerFunction('authorize-carrier', {
  handler: 'authorize-carrier',
  logRetentionDays,
  // API Gateway waits at most 10 s for an authorizer.
  timeout: 5,
  environment: { CALLBACK_TOKEN: callbackSecret },
});

// Customers: the configured token issuer, or a Cognito user pool of the stack's own.
const customers: CustomerTokenIssuer = config.customerJwt ?? new CustomerIdentity('customers');

// The HTTP API: three PutEvents routes (no Lambda in front of the bus) and the order lookup. The customer routes
// are guarded by the customers' JWT authorizer; the carrier's callback by its Lambda authorizer.
const api = new OrdersApi('orders-api', {
  busName: events.name,
  busArn: events.arn,
  ingestRoutes: [
    { routeKey: 'POST /uploads', source: EventSources.api, detailType: DetailTypes.orderUploaded, customer: true },
    {
      routeKey: 'POST /cancellations',
      source: EventSources.api,
      detailType: DetailTypes.cancellationRequested,
      customer: true,
    },
    {
      routeKey: 'POST /confirm-shipment',
      source: EventSources.carrier,
      detailType: DetailTypes.shipmentConfirmed,
      authorized: true,
    },
  ],
  lambdaRoutes: [{ routeKey: 'GET /orders/{id}', handler: getOrder, customer: true }],
  authorizer: authorizeCarrier,
  customerAuthorizer: { issuer: customers.issuer, audience: customers.audience, scopes: config.customerJwtScopes },
  throttlingBurstLimit: config.throttlingBurstLimit,
  throttlingRateLimit: config.throttlingRateLimit,
  logRetentionDays,
});

// The table's changes back onto the bus as plain order-change events.
const pipe = new OrderStreamPipe('order-changes', {
  streamArn: table.streamArn,
  busArn: events.arn,
  filters: [OrderStreamFilter],
  inputTemplate: orderChangedPipeTemplate,
  source: EventSources.ordersTable,
  detailType: DetailTypes.orderChanged,
  logRetentionDays,
  alarmActions,
});

// The carrier: the configured endpoint, or the mock that confirms every order through the API.
const carrierCredential = new CarrierCredential(
  'carrier',
  config.carrierAuthType === 'API_KEY'
    ? { authType: 'API_KEY', apiKeyName: config.carrierApiKeyName, apiKey: config.carrierApiKey }
    : { authType: 'BASIC', username: config.carrierUsername, password: config.carrierPassword },
);
const carrierMock = config.carrierEndpoint
  ? undefined
  : new CarrierMock('carrier-mock', {
      callbackUrl: pulumi.interpolate`${api.url}confirm-shipment`,
      callbackToken: callbackSecret,
      authHeaderName: carrierCredential.headerName,
      authHeaderValue: carrierCredential.headerValue,
      logRetentionDays,
    });
const carrier = new CarrierDestination('carrier', {
  endpoint: config.carrierEndpoint ?? (carrierMock as CarrierMock).url,
  credential: carrierCredential,
  invocationRateLimitPerSecond: config.carrierRateLimitPerSecond,
});

// Rules: each pattern is the contract's object, deployed as is.
events.subscribe('order-uploaded', {
  description: 'Uploads to capture-order',
  pattern: RulePatterns.orderUploaded,
  target: { kind: 'lambda', functionArn: captureOrder.arn, functionName: captureOrder.name },
});
events.subscribe('cancellation-requested', {
  description: 'Cancellation requests to cancel-order',
  pattern: RulePatterns.cancellationRequested,
  target: { kind: 'lambda', functionArn: cancelOrder.arn, functionName: cancelOrder.name },
});
events.subscribe('shipment-confirmed', {
  description: "The carrier's confirmations to confirm-shipment, reshaped to its input",
  pattern: RulePatterns.shipmentConfirmed,
  target: { kind: 'lambda', functionArn: confirmShipment.arn, functionName: confirmShipment.name },
  inputTransformer: confirmShipmentTransformer,
});
const carrierSubscriptions = [
  events.subscribe('order-created', {
    description: 'New pending orders to the carrier',
    pattern: RulePatterns.orderCreated,
    target: { kind: 'apiDestination', destinationArn: carrier.arn },
    inputTransformer: carrierPayloadTransformer,
    httpTarget: { headerParameters: carrierHeaderParameters },
  }),
  events.subscribe('order-cancelled', {
    description: 'Cancelled orders to the carrier',
    pattern: RulePatterns.orderCancelled,
    target: { kind: 'apiDestination', destinationArn: carrier.arn },
    inputTransformer: carrierPayloadTransformer,
    httpTarget: { headerParameters: carrierHeaderParameters },
  }),
];
if (config.chatWebhookUrl) {
  new ChatNotifier('chat', { webhookUrl: config.chatWebhookUrl, events, pattern: RulePatterns.orderStateChanged });
}

const deadLetterQueues: DeadLetterQueue[] = [
  ...events.deadLetterQueues,
  ...[captureOrder, cancelOrder, confirmShipment].flatMap((fn) => (fn.deadLetterQueue ? [fn.deadLetterQueue] : [])),
  pipe.deadLetterQueue,
];

// Operations: a dashboard of the whole pipeline and the alarms that mean something (DLQ alarms are above).
const functions = [
  captureOrder,
  cancelOrder,
  confirmShipment,
  getOrder,
  authorizeCarrier,
  ...(carrierMock ? [carrierMock.handler] : []),
];
const dashboard = new OperationsDashboard('operations', {
  api,
  bus: events,
  carrierSubscriptions,
  functions,
  pipe,
  deadLetterQueues,
});
new OperationsAlarms('operations-alarms', {
  busName: events.name,
  carrierSubscriptions,
  functions,
  pipe,
  alarmActions,
  shipmentAlarmHours: config.shipmentAlarmHours,
});

/** The HTTP API's base URL (ends in `/`): `${apiUrl}uploads`. */
export const apiUrl = api.url;
export const busName = events.name;
export const tableName = table.name;
/** Every dead-letter queue's URL, by its logical name. */
export const deadLetterQueueUrls = pulumi.output(
  Object.fromEntries(deadLetterQueues.map((q) => [q.logicalName, q.url])),
);
/** Where order changes are POSTed: the configured carrier or the mock's function URL. */
export const carrierEndpoint = carrier.endpoint;
/** The CloudWatch dashboard of the pipeline. */
export const dashboardName = dashboard.dashboardName;
/** Where alarms are sent: the stack's own SNS topic, when no alarmActions are configured. */
export const alertTopicArn = alerts?.arn;
/**
 * The carrier's credential for `POST /confirm-shipment` (`Authorization: Bearer <callbackToken>`), a secret output
 * so a generated one can be read and handed to the carrier: `pulumi stack output callbackToken --show-secrets`.
 */
export const callbackToken = pulumi.secret(callbackSecret);
/** The header the API destination sends the carrier (`{ name, value }`), secret: the carrier checks it. */
export const carrierAuthHeader = pulumi.secret(
  pulumi.all([carrierCredential.headerName, carrierCredential.headerValue]).apply(([name, value]) => ({ name, value })),
);
/** The customers' token issuer and the audiences (app client ids) the API accepts. */
export const customerTokenIssuer = pulumi.output(customers.issuer);
export const customerTokenAudience = pulumi.output(customers.audience);
/** The stack's own user pool (where accounts are created), when it has one. */
export const customerUserPoolId = customers instanceof CustomerIdentity ? customers.userPool.id : undefined;
