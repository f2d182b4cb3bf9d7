// Access tokens from the client-credentials grant expire (about a day), and every worker calling a
// store needs one. They are cached per store in Redis so workers share one token instead of each
// fetching its own. The entry's TTL ends when the token should be refreshed, not when it expires,
// so a reader never gets a token about to die mid-call.
import type { Redis } from 'ioredis';

/** `credentialsDigest`: which client id and secret fetched the token (a digest, never the secret). */
export type CachedToken = { accessToken: string; expiresAt: number; credentialsDigest?: string };

export type TokenCache = {
  get(key: string): Promise<CachedToken | null>;
  /** Stores the token until `ttlMs` from now. */
  set(key: string, token: CachedToken, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
};

export function createRedisTokenCache(options: { redis: Redis; keyPrefix: string }): TokenCache {
  const { redis, keyPrefix } = options;
  const keyOf = (key: string) => `${keyPrefix}${key}`;
  return {
    async get(key) {
      const raw = await redis.get(keyOf(key));
      if (!raw) return null;
      try {
        const parsed = JSON.parse(raw) as Partial<CachedToken>;
        if (typeof parsed.accessToken !== 'string' || typeof parsed.expiresAt !== 'number') return null;
        return {
          accessToken: parsed.accessToken,
          expiresAt: parsed.expiresAt,
          ...(typeof parsed.credentialsDigest === 'string' ? { credentialsDigest: parsed.credentialsDigest } : {}),
        };
      } catch {
        // A corrupt entry is treated as a miss: the caller fetches a fresh token and overwrites it.
        return null;
      }
    },
    async set(key, token, ttlMs) {
      if (ttlMs <= 0) return;
      await redis.set(keyOf(key), JSON.stringify(token), 'PX', Math.ceil(ttlMs));
    },
    async delete(key) {
      await redis.del(keyOf(key));
    },
  };
}

/** An in-process cache, for the CLI and tests that have no Redis. */
export function createMemoryTokenCache(now: () => number = Date.now): TokenCache {
  const entries = new Map<string, { token: CachedToken; until: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry || entry.until <= now()) return null;
      return entry.token;
    },
    async set(key, token, ttlMs) {
      if (ttlMs > 0) entries.set(key, { token, until: now() + ttlMs });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
