import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  callbackFailure,
  CarrierNotificationSchema,
  IdempotencyKeyHeaderSchema,
  shipmentConfirmation,
} from './carrier';
import { loadCarrierMockConfig } from './config';
import { constantTimeEquals } from './credentials';
import { CallbackFailedError } from './errors';
import { describeIssues } from './event-schemas';
import { bodyText, headerValue, jsonResponse } from './http';
import { HttpAnswer, postJson } from './http-client';
import { logger } from './logger';

/**
 * The external carrier, played by a Lambda behind a Function URL in the dev stack. The orders bus reaches it
 * through an API destination; it checks the connection's credential header, and for a new (pending) order it
 * "ships" at once by calling our POST /confirm-shipment with the callback token, as the real carrier would.
 * A failed callback answers 502, which the API destination retries (it retries 429 and 5xx only).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
 */

const config = loadCarrierMockConfig();

/** Below the API destination's own 5-second timeout, so a slow callback still gets a 502 back to EventBridge. */
export const CALLBACK_TIMEOUT_MS = 3000;

export const handler = async (
  event: APIGatewayProxyEventV2,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  if (context !== undefined) logger.addContext(context);

  const credential = headerValue(event.headers, config.authHeaderName);
  if (credential === undefined || !constantTimeEquals(credential, config.authHeaderValue)) {
    logger.warn('Carrier notification with a missing or wrong credential', { header: config.authHeaderName });
    return jsonResponse(401, { message: 'Unauthorized' });
  }

  const idempotencyKey = IdempotencyKeyHeaderSchema.safeParse(headerValue(event.headers, 'idempotency-key'));
  if (!idempotencyKey.success) {
    return badRequest(describeIssues(idempotencyKey.error).map((issue) => `Idempotency-Key header ${issue}`));
  }
  let payload: unknown;
  try {
    payload = JSON.parse(bodyText(event) ?? '');
  } catch {
    return badRequest(['body: must be JSON']);
  }
  const notification = CarrierNotificationSchema.safeParse(payload);
  if (!notification.success) return badRequest(describeIssues(notification.error));

  const { order_id: orderId, state } = notification.data;
  logger.info('Carrier notified', { orderId, state, idempotencyKey: idempotencyKey.data });

  if (state === 'cancelled') {
    return jsonResponse(200, { message: 'Cancellation acknowledged', order_id: orderId });
  }

  const confirmation = shipmentConfirmation(orderId, new Date());
  try {
    await confirmShipment(confirmation);
  } catch (error) {
    logger.error('Shipment confirmation callback failed', { orderId, error: error as Error });
    return jsonResponse(502, { message: 'Shipment confirmation callback failed' });
  }
  logger.info('Shipment confirmed', { orderId, trackingNumber: confirmation.tracking_number });
  return jsonResponse(202, {
    message: 'Shipment confirmed',
    order_id: orderId,
    tracking_number: confirmation.tracking_number,
  });
};

function badRequest(issues: string[]): APIGatewayProxyStructuredResultV2 {
  logger.warn('Malformed carrier notification', { issues });
  return jsonResponse(400, { message: 'Malformed notification', issues });
}

async function confirmShipment(confirmation: object): Promise<void> {
  let answer: HttpAnswer;
  try {
    answer = await postJson({
      url: config.callbackUrl,
      headers: { authorization: `Bearer ${config.callbackToken}` },
      body: JSON.stringify(confirmation),
      timeoutMs: CALLBACK_TIMEOUT_MS,
    });
  } catch (error) {
    throw new CallbackFailedError(`callback request failed: ${(error as Error).message}`, { cause: error });
  }
  const failure = callbackFailure(answer.status, answer.text);
  if (failure !== undefined) throw new CallbackFailedError(failure);
}
