// The inbox: webhook deliveries in (record), jobs out (enqueue after commit, relay for what Redis
// missed, resume of paused events), and the stored events for support (list, get, replay).
import type pg from 'pg';
import type { CredentialsCipher } from '../crypto/credentials-cipher.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Queues } from '../queue/queues.js';
import { createConnectionSecrets } from './connection-secrets.js';
import { createInboxEnqueuer } from './inbox-enqueuer.js';
import { createInboxEvents } from './inbox-events.js';
import { createInboxWriter } from './inbox-writer.js';
import { createWebhookRecorder } from './record-webhook.js';
import { createInboxRelay } from './relay.js';

export type InboxOptions = {
  pool: pg.Pool;
  prisma: PrismaClient;
  queues: Queues;
  cipher: CredentialsCipher;
  metrics: Metrics;
  log: Logger;
  maxJsonDepth: number;
  /** A delivery answers 503 when its row is not committed within this (Shopify waits 5 s). */
  storeTimeoutMs: number;
  secretCacheTtlMs: number;
  /** Grouped inserts running at once; keep it below the pool size so lookups still get a client. */
  maxConcurrentInserts: number;
  /** Bound on one bulk add to Redis. */
  queueTimeoutMs: number;
  relayMinAgeMs: number;
};

export function createInbox(options: InboxOptions) {
  const log = options.log.child({ module: 'inbox' });
  const secrets = createConnectionSecrets({ pool: options.pool, cipher: options.cipher, ttlMs: options.secretCacheTtlMs });
  const enqueuer = createInboxEnqueuer({ queues: options.queues, pool: options.pool, log, timeoutMs: options.queueTimeoutMs });
  const writer = createInboxWriter({
    pool: options.pool,
    timeoutMs: options.storeTimeoutMs,
    maxInFlight: options.maxConcurrentInserts,
    onInserted: (rows) => {
      const ready = rows.filter((row) => row.status === 'received');
      if (ready.length > 0) enqueuer.enqueueSoon(ready.map((row) => ({ id: row.id, correlationId: row.correlationId })));
    },
    onBatch: (rows) => options.metrics.inboxBatchRows.observe(rows),
  });
  const recorder = createWebhookRecorder({
    secrets,
    writer,
    metrics: options.metrics,
    log,
    maxJsonDepth: options.maxJsonDepth,
    timeoutMs: options.storeTimeoutMs,
  });
  const relay = createInboxRelay({ pool: options.pool, enqueuer, metrics: options.metrics, minAgeMs: options.relayMinAgeMs });
  const events = createInboxEvents({ prisma: options.prisma, queues: options.queues, enqueuer, queueTimeoutMs: options.queueTimeoutMs });

  return {
    record: recorder.record,
    relay: relay.relay,
    /** For the connections API: call after a connection is resumed. */
    async enqueuePaused(connectionId: string) {
      secrets.invalidate(connectionId);
      return relay.enqueuePaused(connectionId);
    },
    /** For the connections API: call after a connection is paused, edited or deleted. */
    invalidateConnection: (connectionId?: string) => secrets.invalidate(connectionId),
    events,
    /** Waits for rows being stored and jobs being added. */
    async close() {
      await writer.close();
      await enqueuer.close();
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
