/**
 * Lambda Function URLs, served locally. Each aws:lambda/functionUrl:FunctionUrl of the graph gets its own HTTP
 * server on 127.0.0.1 (a free port), so that, as on AWS, the function sees paths from the root and no prefix of
 * ours: `https://<url-id>.lambda-url.<region>.on.aws/x` becomes `http://127.0.0.1:<port>/x`.
 *
 * The event is payload format 2.0 with the Function URL differences (routeKey and stage `$default`, no path
 * parameters or stage variables); response inference is the HTTP API's.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
import { SyncInvoker } from '../http-api';
import type { IamGate } from '../iam';
import {
  buildV2Event,
  HttpResponse,
  IncomingHttpRequest,
  interpretLambdaResponse,
  jsonMessage,
} from '../http-api/payload';
import { LocalHttpServer } from '../http-api/server';
import { errorMessage } from '../kernel/errors';
import type { FunctionUrlDefinition } from './definition';

export { FUNCTION_URL_TYPE, readFunctionUrls, type FunctionUrlDefinition } from './definition';

export interface FunctionUrlOptions {
  definition: FunctionUrlDefinition;
  accountId: string;
  region: string;
  lambda: SyncInvoker;
  log?: (message: string) => void;
  /** Requests that arrive before this settles wait for it (the rest of the cloud is still being wired). */
  ready?: Promise<void>;
  /** IAM enforcement of the function's resource policy for auth type NONE (default: allowed). */
  iam?: Pick<IamGate, 'functionUrl'>;
}

export class FunctionUrlService {
  private server?: LocalHttpServer;
  private baseUrl?: string;

  constructor(private readonly options: FunctionUrlOptions) {}

  get definition(): FunctionUrlDefinition {
    return this.options.definition;
  }

  /** The local base URL, with a trailing slash like the AWS one. */
  get url(): string | undefined {
    return this.baseUrl === undefined ? undefined : `${this.baseUrl}/`;
  }

  async start(port = 0): Promise<string> {
    this.server = new LocalHttpServer(
      (request) => this.handle(request),
      (error) => this.options.log?.(`[function url ${this.options.definition.name}] ${errorMessage(error)}`),
    );
    this.baseUrl = await this.server.start(port);
    return `${this.baseUrl}/`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  async handle(request: IncomingHttpRequest): Promise<HttpResponse> {
    await this.options.ready;
    const { definition } = this.options;
    // AWS_IAM URLs need a SigV4-signed request. Signatures are not verified locally (there is no IAM);
    // an unsigned request is refused as AWS would.
    // Auth type NONE: only the function's resource policy can allow the anonymous caller, and since October 2025 it
    // must allow both lambda:InvokeFunctionUrl and lambda:InvokeFunction; otherwise 403
    // (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
    const denied =
      definition.authorizationType === 'NONE' ? this.options.iam?.functionUrl(definition.functionArn) : undefined;
    if (denied)
      return {
        statusCode: 403,
        headers: { 'content-type': 'application/json' },
        cookies: [],
        body: Buffer.from('{"Message":"Forbidden"}'),
      };
    if (definition.authorizationType === 'AWS_IAM' && !hasSigV4(request.rawHeaders)) {
      return {
        statusCode: 403,
        headers: { 'content-type': 'application/json' },
        cookies: [],
        body: Buffer.from('{"Message":"Forbidden"}'),
      };
    }
    const event = buildV2Event(request, {
      accountId: this.options.accountId,
      apiId: definition.urlId,
      domainName: `${definition.urlId}.lambda-url.${this.options.region}.on.aws`,
      routeKey: '$default',
      stage: '$default',
    });
    try {
      const result = await this.options.lambda.invoke(definition.functionArn, event);
      if (result.functionError) {
        this.options.log?.(
          `[function url ${definition.name}] function error ${result.errorType ?? ''}: ${result.errorMessage ?? ''}`,
        );
        return jsonMessage(502, 'Internal Server Error');
      }
      return interpretLambdaResponse(result.payload);
    } catch (error) {
      this.options.log?.(`[function url ${definition.name}] ${errorMessage(error)}`);
      return jsonMessage(502, 'Internal Server Error');
    }
  }
}

function hasSigV4(rawHeaders: string[]): boolean {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'authorization' && rawHeaders[i + 1].startsWith('AWS4-HMAC-SHA256'))
      return true;
  }
  return false;
}
