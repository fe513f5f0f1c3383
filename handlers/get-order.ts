import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import { isOrderId } from './order-id';
import { jsonResponse } from './http';
import { logger } from './logger';
import { toOrderView } from './order-model';
import { createDocumentClient, OrdersRepository } from './orders';

/**
 * GET /orders/{id} (HTTP API, Lambda proxy, payload 2.0, behind the customers' JWT authorizer). The id may be an
 * order's own id or the event id of a repeated upload that became its alias; either shows the one order. Ids are
 * EventBridge event ids (UUIDs), so anything else is a 400 and can never reach a bookkeeping item of the table.
 * Only the order's owner (the token's `sub`, from the authorizer's claims) sees it: anyone else gets the same 404
 * as for an order that does not exist, so an answer never confirms that someone else's order exists.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */

const config = loadTableConfig();
const orders = new OrdersRepository(createDocumentClient(), config.ordersTableName);

export const handler = async (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  if (context !== undefined) logger.addContext(context);
  const id = event.pathParameters?.id;
  if (!isOrderId(id)) {
    return jsonResponse(400, { message: 'Order id must be a UUID' });
  }
  const subject = event.requestContext?.authorizer?.jwt?.claims?.sub;
  if (typeof subject !== 'string' || subject === '') {
    // The route is not behind the JWT authorizer (a wiring fault): answer as for anyone who owns nothing.
    logger.error('No token subject in the request context; is the route behind the JWT authorizer?', {
      routeKey: event.routeKey,
    });
  }
  const found = await orders.findOrder(id);
  if (found === undefined || typeof subject !== 'string' || subject === '' || found.order.ownerId !== subject) {
    return jsonResponse(404, { message: `Order ${id} not found` });
  }
  if (found.aliasId !== undefined) logger.debug('Followed alias', { aliasId: id, orderId: found.order.id });
  return jsonResponse(200, toOrderView(found.order));
};
