import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult, Context } from 'aws-lambda';
import { loadAuthorizerConfig } from './config';
import { bearerToken, constantTimeEquals } from './credentials';
import { headerValue } from './http';
import { logger } from './logger';
import { recordCallbackRefused } from './metrics';

/**
 * Lambda authorizer (REQUEST, payload 2.0, simple responses) of the carrier's callback route. The identity source
 * is the `authorization` header; the carrier must present `Bearer <CALLBACK_TOKEN>`. The token is compared in
 * constant time. The header value is never logged.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */

const config = loadAuthorizerConfig();

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
  context?: Context,
): Promise<APIGatewaySimpleAuthorizerResult> => {
  if (context !== undefined) logger.addContext(context);
  // The header itself, else the configured identity source's value (API Gateway passes it in identitySource).
  const header = headerValue(event.headers, 'authorization') ?? event.identitySource?.[0];
  const token = bearerToken(header);
  const isAuthorized = token !== undefined && constantTimeEquals(token, config.callbackToken);
  if (!isAuthorized) {
    logger.warn('Carrier callback denied', {
      routeArn: event.routeArn,
      credential: header === undefined ? 'missing' : token === undefined ? 'not a bearer token' : 'wrong token',
    });
    recordCallbackRefused();
  }
  return { isAuthorized };
};
