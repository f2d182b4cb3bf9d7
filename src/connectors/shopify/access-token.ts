// Where the Admin API access token comes from. Custom apps made in the admin before 2026 have a
// static token. Apps made since then use the client-credentials grant: POST client id and secret to
// https://{shop}/admin/oauth/access_token for a token that expires (expires_in seconds), cached per
// store in Redis and refreshed at 80% of its lifetime so no call starts with a dying token.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ShopifyCredentials } from '../../connections/types.js';
import { errorForStatus, PermanentError, RetryableError } from '../errors.js';
import type { CachedToken, TokenCache } from './token-cache.js';
import { parseRetryAfterMs, type Transport } from './transport.js';

export type AccessTokenSource = {
  get(): Promise<string>;
  /** After a 401 with `rejected`: forget it. True when fetching a new token may help. */
  invalidate(rejected: string): Promise<boolean>;
};

export type AccessTokenOptions = {
  shopDomain: string;
  credentials: ShopifyCredentials;
  tokenCache: TokenCache;
  transport: Transport;
  log: Logger;
  now?: () => number;
  /** Share of the token's lifetime after which it is refreshed. */
  refreshAtLifetimeShare?: number;
};

type TokenResponse = { access_token?: unknown; expires_in?: unknown };

export function createAccessTokenSource(options: AccessTokenOptions): AccessTokenSource {
  const { credentials } = options;
  if (credentials.kind === 'static') {
    return { get: async () => credentials.accessToken, invalidate: async () => false };
  }
  const { clientId, clientSecret } = credentials;
  const now = options.now ?? Date.now;
  const share = options.refreshAtLifetimeShare ?? 0.8;
  // The cache key names the store and app, never the secret.
  const cacheKey = `${options.shopDomain}:${clientId}`;
  // A cached token is used only by the credentials that fetched it: otherwise a connection saved
  // with the right client id but a wrong (or revoked) secret borrowed another connection's token
  // and passed its connection test.
  const credentialsDigest = createHash('sha256').update(`${clientId}\u0000${clientSecret}`).digest('base64url');
  let memo: { accessToken: string; refreshAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  async function readCache(): Promise<CachedToken | null> {
    try {
      const cached = await options.tokenCache.get(cacheKey);
      return cached && cached.expiresAt > now() && cached.credentialsDigest === credentialsDigest ? cached : null;
    } catch (error) {
      options.log.warn({ err: (error as Error).message }, 'token cache unreadable: fetching a token');
      return null;
    }
  }

  async function fetchToken(): Promise<string> {
    const started = now();
    const response = await options.transport.fetch(`https://${options.shopDomain}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }),
    });
    const text = await response.text().catch(() => '');
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (!response.ok) throw tokenError(response, text, requestId);
    let body: TokenResponse;
    try {
      body = JSON.parse(text) as TokenResponse;
    } catch {
      throw new RetryableError('Shopify answered the token request with something other than JSON', {
        code: 'SHOPIFY_INVALID_RESPONSE',
        requestId,
      });
    }
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
      throw new RetryableError('Shopify answered the token request without an access token', {
        code: 'SHOPIFY_INVALID_RESPONSE',
        requestId,
      });
    }
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 3_600_000;
    const refreshAt = started + lifetimeMs * share;
    memo = { accessToken: body.access_token, refreshAt };
    try {
      await options.tokenCache.set(
        cacheKey,
        { accessToken: body.access_token, expiresAt: started + lifetimeMs, credentialsDigest },
        refreshAt - now(),
      );
    } catch (error) {
      options.log.warn({ err: (error as Error).message }, 'token cache unwritable: token kept in process only');
    }
    options.log.info({ lifetimeMs }, 'fetched a Shopify access token (client credentials)');
    return body.access_token;
  }

  async function load(): Promise<string> {
    const cached = await readCache();
    if (cached) {
      // Another worker fetched it; the cache entry itself vanishes at the refresh point, so look again soon.
      memo = { accessToken: cached.accessToken, refreshAt: Math.min(now() + 30_000, cached.expiresAt) };
      return cached.accessToken;
    }
    return fetchToken();
  }

  return {
    async get() {
      if (memo && memo.refreshAt > now()) return memo.accessToken;
      // One fetch per process at a time; concurrent callers share it.
      inFlight ??= load().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    async invalidate(rejected) {
      if (memo?.accessToken === rejected) memo = null;
      try {
        const cached = await options.tokenCache.get(cacheKey);
        if (cached?.accessToken === rejected) await options.tokenCache.delete(cacheKey);
      } catch (error) {
        options.log.warn({ err: (error as Error).message }, 'token cache unreachable while dropping a rejected token');
      }
      return true;
    },
  };
}

function tokenError(response: Response, text: string, requestId: string | undefined) {
  const status = response.status;
  // Shopify answers a bad client id or secret with 400/401 and an OAuth error body.
  const detail = text.slice(0, 200).replace(/\s+/g, ' ');
  if (status === 400 || status === 401) {
    return new PermanentError(`Shopify refused the client id and secret (HTTP ${status}): ${detail}`, {
      code: 'SHOPIFY_AUTH_FAILED',
      status,
      requestId,
    });
  }
  const code =
    status === 404
      ? 'SHOPIFY_NOT_FOUND'
      : status === 403
        ? 'SHOPIFY_FORBIDDEN'
        : status >= 500
          ? 'SHOPIFY_HTTP_5XX'
          : `SHOPIFY_HTTP_${status}`;
  return errorForStatus(status, `Shopify token request failed (HTTP ${status})`, {
    code,
    requestId,
    retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')),
  });
}
