/**
 * API destination targets: an HTTP call to a configured endpoint with the connection's authorization.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html
 * - the request shape: api-destinations/http-request.ts;
 * - a per-destination token bucket that queues invocations; an event that ages out in the queue is dead-lettered
 *   with EXHAUSTED_RETRY_CONDITION MaximumEventAgeInSeconds;
 * - 5 s timeout (retried); 2xx success; 429 and 5xx retried honouring Retry-After; other 1xx/3xx/4xx not retried;
 *   a connection failure is retried and finally reported as CONNECTION_FAILURE; a DNS failure or invalid URL is
 *   "the target cannot be found" and skips retries (eb-rule-dlq.html);
 * - OAuth: the token is refreshed when the endpoint answers 401 or 407 (eb-target-connection-auth.html), and that
 *   invocation is retried.
 * ERROR_CODE / ERROR_MESSAGE texts for HTTP failures are not documented; ours are marked [I].
 */
import { ApiDestinationDefinition, ConnectionDefinition, EventEnvelope } from '../types';
import {
  HttpConnectionError,
  HttpRequest,
  HttpResponse,
  HttpTimeoutError,
  sendHttpRequest,
} from '../api-destinations/http-client';
import { buildApiDestinationRequest, staticAuthorization } from '../api-destinations/http-request';
import { OAuthTokenCache } from '../api-destinations/oauth';
import { TokenBucket } from '../api-destinations/rate-limiter';
import { parseRetryAfter } from '../retry-policy';
import {
  AttemptContext,
  DeliveryTarget,
  SenderEnvironment,
  SendFailure,
  SendResult,
  TargetSender,
} from './target-sender';
import { TargetDefinition } from '../types';
import { errorMessage } from '../../kernel/errors';

/** AWS's invocation timeout for API destinations (eb-api-destinations.html). */
export const API_DESTINATION_TIMEOUT_MS = 5_000;

/** What the sender needs about its destination; looked up per attempt so resources can be registered in any order. */
export interface ResolvedApiDestination {
  destination: ApiDestinationDefinition;
  connection?: ConnectionDefinition;
  rateLimiter: TokenBucket;
  oauth?: OAuthTokenCache;
}

export interface ApiDestinationSenderOptions {
  lookup: () => ResolvedApiDestination | undefined;
  httpTarget?: TargetDefinition['httpTarget'];
  /** maps real AWS URLs (e.g. a Function URL) to local ones; default identity */
  resolveUrl?: (url: string) => string;
  /** real ms; default 5000 */
  timeoutMs?: number;
  /** injectable HTTP client (default node:http) */
  send?: (request: HttpRequest, timeoutMs: number, signal?: AbortSignal) => Promise<HttpResponse>;
}

export class ApiDestinationSender extends TargetSender {
  private readonly resolveUrl: (url: string) => string;
  private readonly timeoutMs: number;
  private readonly http: (request: HttpRequest, timeoutMs: number, signal?: AbortSignal) => Promise<HttpResponse>;

  constructor(
    target: DeliveryTarget,
    env: SenderEnvironment,
    private readonly options: ApiDestinationSenderOptions,
  ) {
    super(target, env);
    this.resolveUrl = options.resolveUrl ?? ((url) => url);
    this.timeoutMs = options.timeoutMs ?? API_DESTINATION_TIMEOUT_MS;
    this.http = options.send ?? sendHttpRequest;
  }

  /** Waits for a rate-limit token; the event may age out while queued. */
  protected override async beforeAttempt(
    _event: EventEnvelope,
    attempt: AttemptContext,
  ): Promise<SendFailure | undefined> {
    const resolved = this.options.lookup();
    if (resolved === undefined) return undefined; // send() reports the missing destination
    const remainingMs = this.target.retryPolicy.maximumEventAgeInSeconds * 1000 - attempt.ageMs;
    const granted = await resolved.rateLimiter.acquire(Date.now() + Math.max(0, remainingMs), this.env.signal);
    if (granted || this.env.signal.aborted) return undefined;
    return {
      ok: false,
      errorCode: 'THROTTLING',
      errorMessage: `Event expired while waiting for the invocation rate limit of ${resolved.destination.name}.`, // [I]
      retryable: false,
      exhausted: 'MaximumEventAgeInSeconds',
    };
  }

  protected async send(payload: string, event: EventEnvelope, attempt: AttemptContext): Promise<SendResult> {
    const resolved = this.options.lookup();
    if (resolved === undefined) {
      return {
        ok: false,
        errorCode: 'NO_RESOURCE',
        errorMessage: `API destination ${this.target.arn} does not exist.`,
        retryable: false,
      };
    }
    if (resolved.connection === undefined) {
      // An API destination is only ACTIVE with an AUTHORIZED connection (eb-api-destinations.html).
      return {
        ok: false,
        errorCode: 'NO_RESOURCE',
        errorMessage: `Connection ${resolved.destination.connectionArn} of API destination ${resolved.destination.name} does not exist.`,
        retryable: false,
      };
    }
    let authorization = staticAuthorization(resolved.connection);
    if (resolved.oauth !== undefined) {
      try {
        authorization = { name: 'Authorization', value: `Bearer ${await resolved.oauth.getToken()}` };
      } catch (err) {
        // The connection cannot authorize: retried, as the token endpoint may recover [I].
        return { ok: false, errorCode: 'SDK_CLIENT_ERROR', errorMessage: errorMessage(err), retryable: true };
      }
    }
    const built = buildApiDestinationRequest({
      destination: resolved.destination,
      connection: resolved.connection,
      httpTarget: this.options.httpTarget,
      event,
      payload,
      authorization,
      traceHeader: attempt.traceHeader,
    });
    const request: HttpRequest = { ...built, url: this.resolveUrl(built.url) };

    let response: HttpResponse;
    try {
      response = await this.http(request, this.timeoutMs, this.env.signal);
    } catch (err) {
      return connectionFailure(err);
    }
    return this.classifyResponse(response, resolved);
  }

  private classifyResponse(response: HttpResponse, resolved: ResolvedApiDestination): SendResult {
    const status = response.status;
    if (status >= 200 && status < 300) return { ok: true };
    const failure = (retryable: boolean): SendFailure => ({
      ok: false,
      // [I] AWS reports failed API destination calls with the status in the message.
      errorCode: status === 429 ? 'THROTTLING' : 'SDK_CLIENT_ERROR',
      errorMessage: `Unable to invoke ApiDestination endpoint: The endpoint responded with HTTP status code ${status}.`,
      retryable,
    });
    if ((status === 401 || status === 407) && resolved.oauth !== undefined) {
      resolved.oauth.invalidate();
      return failure(true);
    }
    if (status === 429 || status >= 500) {
      const header = response.headers['retry-after'];
      const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, new Date());
      return { ...failure(true), retryAfterMs };
    }
    return failure(false);
  }
}

function connectionFailure(err: unknown): SendFailure {
  if (err instanceof HttpTimeoutError) {
    return { ok: false, errorCode: 'TIMEOUT', errorMessage: err.message, retryable: true };
  }
  if (err instanceof HttpConnectionError && (err.systemCode === 'ENOTFOUND' || err.systemCode === 'ERR_INVALID_URL')) {
    // "the target cannot be found because the address is invalid or a DNS lookup failed": no retries.
    return { ok: false, errorCode: 'CONNECTION_FAILURE', errorMessage: err.message, retryable: false };
  }
  return { ok: false, errorCode: 'CONNECTION_FAILURE', errorMessage: errorMessage(err), retryable: true };
}
