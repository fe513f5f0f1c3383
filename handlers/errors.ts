/**
 * The handlers' error classes. One base class, so a caller (or a log query) can tell our own failures from the
 * SDK's and the runtime's, and every subclass carries a stable `name` that survives bundling and minification.
 */

/** Base class of every error the handlers raise on purpose. */
export class OrderGatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderGatewayError';
  }
}

/**
 * A required environment variable is missing or empty. Thrown while the module loads, so a misconfigured function
 * fails its init phase loudly instead of misbehaving on the first event.
 */
export class ConfigurationError extends OrderGatewayError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * An event does not have the envelope its handler was wired for (for example an EventBridge event without `id`).
 * That is a wiring fault, not bad user input: it is thrown, so Lambda's retries and the on-failure destination
 * keep the event for someone to look at.
 */
export class InvalidEventError extends OrderGatewayError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * The orders table holds something that contradicts what a write just reported, e.g. an idempotency claim that a
 * transaction saw but a consistent read cannot find. Thrown so the event is retried rather than half-applied.
 */
export class InconsistentStateError extends OrderGatewayError {
  constructor(message: string) {
    super(message);
    this.name = 'InconsistentStateError';
  }
}

/** The carrier mock could not deliver its shipment confirmation to the callback URL. */
export class CallbackFailedError extends OrderGatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CallbackFailedError';
  }
}

/**
 * An authorized callback (a carrier's confirmation, a customer's cancellation) that cannot be applied and has no
 * order to be recorded on: its order id is invalid or unknown. Thrown so it is never only a log line: after
 * Lambda's asynchronous retries, the function's on-failure destination (its DLQ) keeps the event, where an operator
 * sees it and `npm run redrive` sends it back once the cause is fixed. The message names the reason, never the
 * body (a client may post customer data).
 */
export class UnplaceableCallbackError extends OrderGatewayError {
  constructor(message: string) {
    super(message);
    this.name = 'UnplaceableCallbackError';
  }
}
