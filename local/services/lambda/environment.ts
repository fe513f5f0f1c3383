/**
 * The environment a function's worker sees as `process.env`: the function's own variables plus the reserved
 * variables the Lambda runtime sets. Pure (no I/O).
 *
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 *
 * Differences from AWS: credentials are the function's own local ones (services/iam/credentials.ts): the edge maps
 * the access key id back to the function's execution role to authorize its calls, but does not check signatures; `LAMBDA_TASK_ROOT` names the
 * bundle's directory rather than /var/task, so that paths the code derives from it exist; `AWS_ENDPOINT_URL`
 * points every AWS SDK client at the local edge (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
import * as path from 'node:path';
import { functionCredentials } from '../iam/credentials';

export interface FunctionEnvironmentInput {
  name: string;
  bundlePath: string;
  handler: string;
  runtime: string;
  memoryMb: number;
  environment: Record<string, string>;
}

export interface RuntimeSettings {
  region: string;
  /** URL of the local AWS edge, given to the SDK as AWS_ENDPOINT_URL. */
  endpointUrl?: string;
}

/** Names the runtime owns; a function's own variable of the same name is overridden, as Lambda refuses them. */
export const RESERVED_VARIABLES = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

/** `2024/01/31/[$LATEST]<32 hex>`: the shape of a Lambda log stream name. */
export function logStreamName(now: Date, instanceId: string): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${instanceId}`;
}

/** `nodejs20.x` → `AWS_Lambda_nodejs20.x` */
export function executionEnv(runtime: string): string {
  return `AWS_Lambda_${runtime}`;
}

export function buildFunctionEnvironment(
  fn: FunctionEnvironmentInput,
  settings: RuntimeSettings,
  streamName: string,
): Record<string, string> {
  const env: Record<string, string> = { ...fn.environment };
  const credentials = functionCredentials(fn.name);
  const reserved: Record<string, string> = {
    _HANDLER: fn.handler,
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_EXECUTION_ENV: executionEnv(fn.runtime),
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: streamName,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    LAMBDA_TASK_ROOT: path.dirname(fn.bundlePath),
    LAMBDA_RUNTIME_DIR: path.dirname(fn.bundlePath),
    TZ: 'UTC',
    // The Node runtime sets this so bundled code that relies on NODE_PATH-style lookups still works.
    NODE_PATH: path.dirname(fn.bundlePath),
  };
  if (settings.endpointUrl) reserved.AWS_ENDPOINT_URL = settings.endpointUrl;
  // The worker runs on this machine's Node, not the function's declared runtime, so the AWS SDK's warning about
  // the host's Node version says nothing about the function: silence it rather than log it on every cold start.
  reserved.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  for (const [k, v] of Object.entries(reserved)) env[k] = v;
  // Keep PATH/HOME so child processes a function might spawn still resolve (Lambda has its own PATH too).
  if (process.env.PATH !== undefined && env.PATH === undefined) env.PATH = process.env.PATH;
  return env;
}
