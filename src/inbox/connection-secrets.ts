// What a webhook route needs to know about a connection: its kind, whether it is paused, the shop
// domain and the webhook secret (decrypted). Cached in memory for a short TTL: at thousands of
// deliveries a second a SELECT plus an AES-GCM decryption per request would dominate the route.
// Concurrent misses share one query, unknown ids are cached too (a flood of made-up ids must not
// become a flood of queries), the cache is bounded, and invalidate() drops entries at once when a
// connection is paused, edited or deleted in this process (other processes catch up within the TTL).
import { createSecretKey, type KeyObject } from 'node:crypto';
import type pg from 'pg';
import { webhookSecretOf } from '../connections/types.js';
import type { CredentialsCipher } from '../crypto/credentials-cipher.js';

export type WebhookSource = 'shopify' | 'woocommerce' | 'erp';

export type WebhookConnection = {
  id: string;
  kind: WebhookSource;
  paused: boolean;
  /** Shopify only, lower-cased. */
  shopDomain: string | undefined;
  /** Undefined when the connection has no webhook secret: nothing it receives can be verified. */
  secret: KeyObject | undefined;
};

export type ConnectionSecrets = {
  /** The live (not deleted) connection, or null. Throws when the database cannot answer. */
  get(connectionId: string): Promise<WebhookConnection | null>;
  /** Forgets one connection, or all of them. */
  invalidate(connectionId?: string): void;
};

/** The connection exists but its credentials cannot be decrypted (unknown key id, corrupt blob). */
export class ConnectionSecretError extends Error {
  readonly code = 'CREDENTIALS_UNREADABLE';
  constructor(connectionId: string, options: { cause: unknown }) {
    super(`the credentials of connection ${connectionId} cannot be decrypted`, options);
    this.name = 'ConnectionSecretError';
  }
}

type Entry = { value: WebhookConnection | null; expiresAt: number };

type ConnectionRow = {
  kind: WebhookSource;
  shop_domain: string | null;
  paused: boolean;
  credentials: Buffer;
  credentials_key_id: string;
};

const SELECT_CONNECTION = `
  -- $1: connection id. One row when the connection exists and is not deleted.
  select kind::text as kind, settings->>'shopDomain' as shop_domain, paused, credentials, credentials_key_id
  from connections where id = $1 and deleted_at is null`;

export function createConnectionSecrets(options: {
  pool: pg.Pool;
  cipher: CredentialsCipher;
  ttlMs: number;
  maxEntries?: number;
  clock?: () => number;
}): ConnectionSecrets {
  const clock = options.clock ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, Entry>();
  const loading = new Map<string, Promise<WebhookConnection | null>>();
  let generation = 0;

  const load = async (connectionId: string): Promise<WebhookConnection | null> => {
    const result = await options.pool.query<ConnectionRow>({ name: 'inbox-connection', text: SELECT_CONNECTION, values: [connectionId] });
    const row = result.rows[0];
    if (!row) return null;
    let secret: string | undefined;
    try {
      const credentials = options.cipher.decrypt<Parameters<typeof webhookSecretOf>[1]>({
        ciphertext: row.credentials,
        keyId: row.credentials_key_id,
      });
      secret = webhookSecretOf(row.kind, credentials);
    } catch (error) {
      throw new ConnectionSecretError(connectionId, { cause: error });
    }
    return {
      id: connectionId,
      kind: row.kind,
      paused: row.paused,
      shopDomain: row.shop_domain?.toLowerCase() ?? undefined,
      secret: secret ? createSecretKey(Buffer.from(secret, 'utf8')) : undefined,
    };
  };

  const remember = (connectionId: string, value: WebhookConnection | null) => {
    if (cache.size >= maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(connectionId, { value, expiresAt: clock() + options.ttlMs });
  };

  return {
    get(connectionId) {
      const cached = cache.get(connectionId);
      if (cached && cached.expiresAt > clock()) return Promise.resolve(cached.value);
      const pending = loading.get(connectionId);
      if (pending) return pending;
      const startedIn = generation;
      const promise = load(connectionId)
        .then((value) => {
          // An invalidation that happened while this query ran wins: do not cache what it read.
          if (startedIn === generation) remember(connectionId, value);
          return value;
        })
        .finally(() => {
          if (loading.get(connectionId) === promise) loading.delete(connectionId);
        });
      loading.set(connectionId, promise);
      return promise;
    },
    invalidate(connectionId) {
      generation++;
      if (connectionId === undefined) {
        cache.clear();
        loading.clear();
      } else {
        cache.delete(connectionId);
        loading.delete(connectionId);
      }
    },
  };
}
