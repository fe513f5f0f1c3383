/**
 * The one event contract of order-event-gateway.
 *
 * Event sources, detail types, detail payload shapes and the rule patterns live here, and only here. The infra
 * deploys these pattern objects, the handlers read these payload types, and the tests and the local cloud match
 * events against the very same objects. Changing a name here changes it everywhere at once.
 */
import type { EventBridgeEvent } from 'aws-lambda';

/** Who puts events on the orders bus. Custom sources must not begin with `aws.` (PutEvents rejects them). */
export const EventSources = {
  /** The HTTP API's EventBridge-PutEvents integrations (uploads, cancellations). */
  api: 'order-event-gateway.api',
  /** The carrier's authorized callback, through the same kind of integration. */
  carrier: 'order-event-gateway.carrier',
  /** The EventBridge Pipe that turns the orders table's stream into order-change events. */
  ordersTable: 'order-event-gateway.orders-table',
} as const;

export const DetailTypes = {
  orderUploaded: 'Order Uploaded',
  cancellationRequested: 'Order Cancellation Requested',
  shipmentConfirmed: 'Shipment Confirmed',
  orderChanged: 'Order Changed',
} as const;

/** Orders move pending → shipped | cancelled, or are born rejected. */
export const OrderStates = ['pending', 'rejected', 'shipped', 'cancelled'] as const;
export type OrderState = (typeof OrderStates)[number];

/** The stream record's `eventName` as carried into an order-change event. */
export type OrderChangeKind = 'INSERT' | 'MODIFY';

/**
 * Detail of an event a customer route puts on the bus: the client's raw body, wrapped by API Gateway with the
 * subject of the verified token, once before and once after the body (see infra/templates.ts for why).
 * `Order Uploaded` carries the upload as `body`; `Order Cancellation Requested` a CancellationRequestedDetail.
 */
export interface CustomerRequestDetail<TBody = unknown> {
  customerId: string;
  body: TBody;
  customerIdRepeated: string;
}

/** The body of `POST /cancellations` (the `body` of the event's CustomerRequestDetail). */
export interface CancellationRequestedDetail {
  orderId: string;
  reason: string;
}

/** Detail of `Shipment Confirmed`: the raw body the carrier posts to `POST /confirm-shipment`. */
export interface ShipmentConfirmedDetail {
  order_id: string;
  tracking_number?: string;
  shipped_at?: string;
}

/**
 * What the confirm-shipment Lambda receives: the rule's input transformer reshapes the carrier's event into this,
 * so the handler never parses the carrier's wire format.
 */
export interface ConfirmShipmentInput {
  orderId: string;
  trackingNumber: string;
  /** The carrier's own timestamp when it sent one, else "" (a missing path renders as an empty string). */
  shippedAt: string;
  /** The EventBridge event's time: when the confirmation reached the bus. */
  confirmedAt: string;
  /** The EventBridge event id of the confirmation, for the logs. */
  confirmationId: string;
}

/** Detail of `Order Changed`: rendered by the pipe's input template from one stream record. Plain JSON. */
export interface OrderChangedDetail {
  orderId: string;
  state: OrderState;
  reason: string;
  change: OrderChangeKind;
  updatedAt: string;
  /**
   * The stream record's `eventID`: one id per state change of one order, the same on every redelivery of that
   * change. The carrier receives it as the Idempotency-Key, so a created and a cancelled notification of the same
   * order never share a key. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html
   */
  changeId: string;
}

/** The envelope of an EventBridge event as rules and targets receive it (the field's type, from @types/aws-lambda). */
export type BusEvent<TDetail = unknown> = EventBridgeEvent<string, TDetail>;

/**
 * Rule patterns. Each is the exact object the stack deploys (as JSON) and the one the tests and the local cloud
 * match. Every pattern names its source and detail type, so no producer can trigger a rule not meant for it.
 */
export const RulePatterns = {
  orderUploaded: {
    source: [EventSources.api],
    'detail-type': [DetailTypes.orderUploaded],
  },
  cancellationRequested: {
    source: [EventSources.api],
    'detail-type': [DetailTypes.cancellationRequested],
  },
  shipmentConfirmed: {
    source: [EventSources.carrier],
    'detail-type': [DetailTypes.shipmentConfirmed],
  },
  /** A new order that passed validation: the carrier must hear of it. */
  orderCreated: {
    source: [EventSources.ordersTable],
    'detail-type': [DetailTypes.orderChanged],
    detail: { change: ['INSERT'], state: ['pending'] },
  },
  /** An order the customer cancelled: the carrier must stop working on it. */
  orderCancelled: {
    source: [EventSources.ordersTable],
    'detail-type': [DetailTypes.orderChanged],
    detail: { state: ['cancelled'] },
  },
  /** Every state change, for the chat notification. */
  orderStateChanged: {
    source: [EventSources.ordersTable],
    'detail-type': [DetailTypes.orderChanged],
  },
  /**
   * Every event except the ones that carry customer data (uploads: email, name, address), for the catch-all log
   * group and the archive: customer data stays in the table. Every other event carries ids, states and reasons only.
   */
  everyEventWithoutCustomerData: {
    'detail-type': [{ 'anything-but': [DetailTypes.orderUploaded] }],
  },
} as const;

export type RuleName = keyof typeof RulePatterns;

/**
 * The pipe's filter on the orders table's stream: only inserts and updates of order items (items that carry a
 * `state`), so bookkeeping items (idempotency keys, aliases) and deletes never reach the bus. Pipes filters see
 * the raw record, so DynamoDB's attribute-value wrappers (`{"S": ...}`) stay in the pattern.
 */
export const OrderStreamFilter = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { NewImage: { state: { S: [...OrderStates] } } },
} as const;

/** The orders table's partition key attribute (a string: the order id). */
export const OrdersTableKey = 'id';

/**
 * The attributes of an order item that other parts of the stack read: the pipe's input template reads `id`,
 * `state`, `reason` and `updatedAt` from the stream's NewImage, and `GET /orders/{id}` returns them. The handlers'
 * domain module owns the full item (customer, document, shipping address, timestamps of each transition).
 */
export interface OrderSummary {
  id: string;
  state: OrderState;
  reason: string;
  createdAt: string;
  updatedAt: string;
}
