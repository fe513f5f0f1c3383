import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured JSON logger of all handlers. Powertools reads POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_LOG_LEVEL itself when it is constructed (at module load), so each function's environment decides its
 * service name and verbosity. Handlers call `logger.addContext(context)` to stamp records with the request id.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/
 */
export const logger = new Logger();
