/**
 * OAuth client-credentials tokens of a connection (authorizationType OAUTH_CLIENT_CREDENTIALS).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html : EventBridge exchanges the
 * client ID and secret for an access token, caches it, and refreshes it on a 401/407 answer or when it is about to
 * expire. The request is the connection's HttpMethod to AuthorizationEndpoint with the OAuthHttpParameters; the
 * exact encoding of the credentials is not documented, so we send them as an RFC 6749 §2.3.1 form body
 * (client_id, client_secret plus the body parameters, typically grant_type=client_credentials) [I].
 */
import { ConnectionDefinition } from '../types';
import { parameterMap } from './http-request';
import { HttpRequest, HttpResponse } from './http-client';
import { LocalCloudError } from '../../kernel/errors';

export class OAuthTokenError extends LocalCloudError {}

type Send = (request: HttpRequest) => Promise<HttpResponse>;

/** Refresh this long before the token's stated expiry [I]. */
const EXPIRY_MARGIN_MS = 30_000;

export class OAuthTokenCache {
  private token: { value: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly connection: ConnectionDefinition,
    private readonly send: Send,
    private readonly resolveUrl: (url: string) => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token; concurrent callers share one token request. */
  async getToken(): Promise<string> {
    if (this.token !== undefined && this.token.expiresAt > this.now()) return this.token.value;
    if (this.pending === undefined) {
      this.pending = this.fetchToken().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** Forget the token (the endpoint answered 401 or 407). */
  invalidate(): void {
    this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const oauth = this.connection.authParameters.oauth;
    if (oauth === undefined) throw new OAuthTokenError(`Connection ${this.connection.name} has no OAuth parameters`);
    const http = oauth.oauthHttpParameters;
    const url = new URL(this.resolveUrl(oauth.authorizationEndpoint));
    for (const [key, value] of Object.entries(parameterMap(http?.queryStrings))) url.searchParams.set(key, value);
    const form = new URLSearchParams();
    if (oauth.clientParameters) {
      form.set('client_id', oauth.clientParameters.clientId);
      form.set('client_secret', oauth.clientParameters.clientSecret);
    }
    for (const [key, value] of Object.entries(parameterMap(http?.bodies))) form.set(key, value);
    const method = oauth.httpMethod.toUpperCase();
    const request: HttpRequest = {
      method,
      url: url.toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        ...parameterMap(http?.headers),
      },
    };
    if (method === 'GET') {
      for (const [key, value] of form) url.searchParams.set(key, value);
      request.url = url.toString();
    } else {
      request.body = form.toString();
    }
    const response = await this.send(request);
    if (response.status < 200 || response.status >= 300) {
      throw new OAuthTokenError(
        `OAuth token request to ${oauth.authorizationEndpoint} answered HTTP ${response.status}`,
      );
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(response.body) as typeof parsed;
    } catch {
      throw new OAuthTokenError('OAuth token response is not JSON');
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
      throw new OAuthTokenError('OAuth token response has no access_token');
    }
    const lifetimeMs =
      typeof parsed.expires_in === 'number' ? parsed.expires_in * 1000 : Number(parsed.expires_in) * 1000;
    const expiresAt =
      Number.isFinite(lifetimeMs) && lifetimeMs > 0
        ? this.now() + Math.max(lifetimeMs / 2, lifetimeMs - EXPIRY_MARGIN_MS)
        : Number.POSITIVE_INFINITY;
    this.token = { value: parsed.access_token, expiresAt };
    return parsed.access_token;
  }
}
