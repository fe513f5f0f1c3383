import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { loadTableConfig } from './config';
import { isOrderId } from './order-id';
import { jsonResponse } from './http';
import { logger } from './logger';
import { toOrderView } from './order-model';
import { createDocumentClient, OrdersRepository } from './orders';

/**
 * GET /orders/{id} (HTTP API, Lambda proxy, payload 2.0). The id may be an order's own id or the event id of a
 * repeated upload that became its alias; either shows the one order. Ids are EventBridge event ids (UUIDs), so
 * anything else is a 400 and can never reach a bookkeeping item of the table.
 */

const config = loadTableConfig();
const orders = new OrdersRepository(createDocumentClient(), config.ordersTableName);

export const handler = async (
  event: APIGatewayProxyEventV2,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  if (context !== undefined) logger.addContext(context);
  const id = event.pathParameters?.id;
  if (!isOrderId(id)) {
    return jsonResponse(400, { message: 'Order id must be a UUID' });
  }
  const found = await orders.findOrder(id);
  if (found === undefined) {
    return jsonResponse(404, { message: `Order ${id} not found` });
  }
  if (found.aliasId !== undefined) logger.debug('Followed alias', { aliasId: id, orderId: found.order.id });
  return jsonResponse(200, toOrderView(found.order));
};
