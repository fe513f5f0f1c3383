/**
 * The stack's event templates: pure data, no Pulumi.
 *
 * - the pipe's input template (one DynamoDB stream record → an `Order Changed` detail),
 * - the rule targets' input transformers (confirm-shipment input, carrier payload, chat message),
 * - the HTTP API's PutEvents request parameter mappings (for customer routes, with the token's subject).
 *
 * Quoting rules (EventBridge and Pipes alike): a bare placeholder inserts a JSON value (a string gets quotes, an
 * object stays an object, a missing path gives ""), a placeholder inside quotes inserts the raw text. Neither
 * escapes the value: a `"` inside a string breaks the rendered JSON and the event is not delivered.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html
 * So every value is placed bare (a missing one still renders valid JSON), and the only free text that travels
 * through them, the order's reason, is made template-safe by the handlers when they write it
 * (handlers/order-model.ts, templateSafeText).
 */
import type { ConfirmShipmentInput, OrderChangedDetail } from '../handlers/contract';

/** The shape of `aws.cloudwatch.EventTarget`'s `inputTransformer` (Pulumi input names). */
export interface InputTransformer {
  inputPaths: Record<string, string>;
  inputTemplate: string;
}

/** Builds a JSON object template whose every value is a bare placeholder; keys are typed against `T`. */
function bareObjectTemplate<T>(placeholders: Record<keyof T & string, string>): string {
  const fields = Object.entries(placeholders).map(([key, placeholder]) => `${JSON.stringify(key)}: <${placeholder}>`);
  return `{${fields.join(', ')}}`;
}

/**
 * The pipe's target input template: renders an `OrderChangedDetail` from a stream record. The NewImage's attribute
 * value wrappers (`{"S": ...}`) are read through, so the detail is plain JSON. Pipes templates take JSON paths
 * inline (no InputPathsMap).
 */
export const orderChangedPipeTemplate: string = bareObjectTemplate<OrderChangedDetail>({
  orderId: '$.dynamodb.NewImage.id.S',
  state: '$.dynamodb.NewImage.state.S',
  reason: '$.dynamodb.NewImage.reason.S',
  change: '$.eventName',
  updatedAt: '$.dynamodb.NewImage.updatedAt.S',
  changeId: '$.eventID',
});

/** `Shipment Confirmed` (the carrier's wire format) → `ConfirmShipmentInput` for the confirm-shipment Lambda. */
export const confirmShipmentTransformer: InputTransformer = {
  inputPaths: {
    orderId: '$.detail.order_id',
    trackingNumber: '$.detail.tracking_number',
    shippedAt: '$.detail.shipped_at',
    confirmedAt: '$.time',
    confirmationId: '$.id',
  },
  inputTemplate: bareObjectTemplate<ConfirmShipmentInput>({
    orderId: 'orderId',
    trackingNumber: 'trackingNumber',
    shippedAt: 'shippedAt',
    confirmedAt: 'confirmedAt',
    confirmationId: 'confirmationId',
  }),
};

/** What the carrier receives for an order change: its own snake_case payload. */
export interface CarrierOrderPayload {
  order_id: string;
  state: string;
  reason: string;
}

/** `Order Changed` → the carrier's payload. */
export const carrierPayloadTransformer: InputTransformer = {
  inputPaths: { orderId: '$.detail.orderId', state: '$.detail.state', reason: '$.detail.reason' },
  inputTemplate: bareObjectTemplate<CarrierOrderPayload>({ order_id: 'orderId', state: 'state', reason: 'reason' }),
};

/**
 * API destination HTTP parameters for the carrier: the state change's id (the stream record's eventID) as
 * Idempotency-Key, resolved by EventBridge from the original event (a whole-value JSON path). A key per state change,
 * not per order: a carrier that honours the header replays its first answer for a repeated key, so a cancellation
 * sent under the creation's key would be answered as the creation (IETF httpapi Idempotency-Key header draft,
 * https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/). The order id stays in the payload.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_HttpParameters.html
 */
export const carrierHeaderParameters: Record<string, string> = { 'Idempotency-Key': '$.detail.changeId' };

/**
 * `Order Changed` → a Slack incoming-webhook message (`{"text": ...}`). The order id (a UUID) and the state (an
 * enum) are safe inside the quoted text; the reason goes bare into an attachment, so a missing reason still renders
 * valid JSON.
 */
export const chatMessageTransformer: InputTransformer = {
  inputPaths: { orderId: '$.detail.orderId', state: '$.detail.state', reason: '$.detail.reason' },
  inputTemplate: '{"text": "Order <orderId> is now <state>", "attachments": [{"text": <reason>}]}',
};

/** The shape the chat transformer renders. */
export interface ChatMessage {
  text: string;
  attachments: { text: string }[];
}

/**
 * Request parameters of an HTTP API `EventBridge-PutEvents` integration. Source and detail type are static so a
 * client cannot choose the event type; the raw body becomes the detail.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html
 */
export function putEventsRequestParameters(
  busName: string,
  source: string,
  detailType: string,
): Record<string, string> {
  for (const [label, value] of Object.entries({ busName, source, detailType })) {
    if (value.startsWith('$')) throw new Error(`${label} must be a static value, got the mapping expression ${value}`);
  }
  return { EventBusName: busName, Source: source, DetailType: detailType, Detail: '$request.body' };
}

/**
 * The verified token's subject as HTTP API parameter mapping gives it: a JWT authorizer's claims are context
 * variables, `$context.authorizer.claims.<claim>`, and the bracketed form `${...}` may sit inside static text.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 * HTTP APIs hand JWT claims on as strings (payload 2.0's `requestContext.authorizer.jwt.claims`), so the subject is
 * quoted here. (The REST API JWT authorizer documents JSON text instead; this template is for HTTP APIs only.)
 */
export const SUBJECT_CLAIM_MAPPING = '${context.authorizer.claims.sub}';

/**
 * Request parameters of a customer route's `EventBridge-PutEvents` integration: the detail is the client's body
 * wrapped with the customer id API Gateway itself took from the verified token, so no Lambda stands in front of the
 * bus and no client can name the customer:
 *
 *   {"customerId":"<sub>","body":<the raw request body>,"customerIdRepeated":"<sub>"}
 *
 * Why the subject twice: the body is inserted as raw text, so a body that is not one JSON value (say
 * `1,"customerId":"someone-else"`) could add members of its own beside `body`. Every member it adds sits between
 * the two copies, and JSON parsers disagree on which duplicate key wins (first or last), so whichever way the bus
 * and the handler read the detail, a forged `customerId` leaves the two copies different, and the handler refuses
 * any event whose copies differ. A body that is one JSON value (the only kind a client is meant to send) cannot add
 * members at all; a body that is not JSON still fails as MalformedDetail, as without the wrapper.
 */
export function customerPutEventsRequestParameters(
  busName: string,
  source: string,
  detailType: string,
): Record<string, string> {
  const parameters = putEventsRequestParameters(busName, source, detailType);
  const subject = `"${SUBJECT_CLAIM_MAPPING}"`;
  return { ...parameters, Detail: `{"customerId":${subject},"body":\${request.body},"customerIdRepeated":${subject}}` };
}
