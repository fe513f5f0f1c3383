/**
 * The stack's event templates: pure data, no Pulumi.
 *
 * - the pipe's input template (one DynamoDB stream record → an `Order Changed` detail),
 * - the rule targets' input transformers (confirm-shipment input, carrier payload, chat message),
 * - the HTTP API's PutEvents request parameter mappings.
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
export function putEventsRequestParameters(busName: string, source: string, detailType: string): Record<string, string> {
  for (const [label, value] of Object.entries({ busName, source, detailType })) {
    if (value.startsWith('$')) throw new Error(`${label} must be a static value, got the mapping expression ${value}`);
  }
  return { EventBusName: busName, Source: source, DetailType: detailType, Detail: '$request.body' };
}
