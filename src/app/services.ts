// Composition root: the only place that creates clients. Everything else receives what it uses.
// close() releases them in reverse order of creation.
import type { Redis } from 'ioredis';
import { createApiTokens } from '../auth/api-tokens.js';
import { createSessions } from '../auth/sessions.js';
import { createUsers } from '../auth/users.js';
import type { Config } from '../config/config.js';
import { createCatalogImport } from '../connections/catalog-import.js';
import { createConnections } from '../connections/connections-service.js';
import { createConnectorFactory } from '../connections/create-connector-factory.js';
import { createEndpointGuard } from '../connections/endpoint-guard.js';
import { onConnectionChanged } from '../connections/on-connection-changed.js';
import { createCredentialsCipher } from '../crypto/credentials-cipher.js';
import { createDatabase } from '../db/client.js';
import { createInbox } from '../inbox/inbox.js';
import { newCorrelationId } from '../observability/context.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createQueues } from '../queue/queues.js';
import { createFailFastRedis } from '../queue/redis.js';
import { createReconciliations } from '../reconciliation/reconciliations.js';
import { createReports } from '../reports/reports.js';
import { createDeadLetters } from '../sync/dead-letters.js';
import { createConnectionChangeHandler, createPollScheduleSync } from '../sync/poll-schedules.js';
import { resumeHeldPushes } from '../sync/push-hold.js';
import { createResyncRequests } from '../sync/resync-requests.js';
import { createPushEnqueuer } from '../sync/schedule-push.js';
import { createSkuView } from '../sync/sku-view.js';

export type ServiceOverrides = { log?: Logger; metrics?: Metrics };

export async function createServices(config: Config, overrides: ServiceOverrides = {}) {
  const closers: { name: string; close: () => Promise<unknown> }[] = [];
  const log = overrides.log ?? createLogger({ level: config.logLevel });
  const metrics = overrides.metrics ?? createMetrics();

  const db = createDatabase({
    ...config.database,
    onPoolError: (error) => log.warn({ err: error }, 'postgres idle client error'),
  });
  closers.push({ name: 'postgres', close: () => db.close() });

  const redis: Redis = createFailFastRedis(config.redis, 'api');
  redis.on('error', (error) => log.warn({ err: error.message }, 'redis connection error'));
  closers.push({ name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) });

  const queues = createQueues({ connection: redis, prefix: config.queuePrefix });
  closers.push({ name: 'queues', close: () => queues.close() });

  if (!config.encryption.key) throw new Error('no encryption key configured');
  const cipher = createCredentialsCipher({
    key: config.encryption.key,
    keyId: config.encryption.keyId,
    oldKeys: config.encryption.oldKeys,
  });

  const inbox = createInbox({
    pool: db.pool,
    prisma: db.prisma,
    queues,
    cipher,
    metrics,
    log,
    maxJsonDepth: config.webhooks.maxJsonDepth,
    storeTimeoutMs: config.webhooks.storeTimeoutMs,
    // Few concurrent statements make bigger batches: PostgreSQL's cost per row falls by a third from
    // 12-row to 50-row inserts, and each statement is one commit (fsync) and one socket write.
    maxConcurrentInserts: Math.max(1, Math.min(2, Math.floor(config.database.poolSize / 2))),
    secretCacheTtlMs: config.webhooks.secretCacheTtlMs,
    queueTimeoutMs: config.redis.commandTimeoutMs,
    relayMinAgeMs: config.worker.inboxRelayMinAgeMs,
  });
  closers.push({ name: 'inbox', close: () => inbox.close() });

  // Poll schedulers follow the connections; resuming one releases the pushes it held.
  const pollSchedules = createPollScheduleSync({
    prisma: db.prisma,
    queues,
    intervalMs: config.worker.pollIntervalMs,
    log: log.child({ module: 'poll-schedules' }),
  });
  const enqueuePush = createPushEnqueuer({ queues, coalesceMs: config.worker.pushCoalesceMs });
  const afterConnectionChange = createConnectionChangeHandler({
    syncPollSchedules: pollSchedules,
    resumeHeldPushes: (connectionId, correlationId) => resumeHeldPushes({ prisma: db.prisma, enqueuePush }, connectionId, correlationId),
    newCorrelationId,
  });

  const guard = createEndpointGuard({ allowPrivate: config.endpoints.allowPrivate });
  const connectorFactory = createConnectorFactory({
    cipher,
    redis,
    keyPrefix: config.queuePrefix,
    guard,
    log: log.child({ module: 'connector' }),
    metrics,
    shopifyApiVersion: config.shopifyApiVersion,
  });
  const connections = createConnections({
    prisma: db.prisma,
    cipher,
    guard,
    factory: connectorFactory,
    log: log.child({ module: 'connections' }),
    publicUrl: config.publicUrl,
    allowBaseUrlOverride: config.endpoints.allowBaseUrlOverride,
    shopifyApiVersion: config.shopifyApiVersion,
    hooks: {
      changed: async (connectionId, change) => {
        await onConnectionChanged({ connectionId, change, queues, inbox });
        await afterConnectionChange(connectionId, change);
      },
    },
  });

  return {
    config,
    log,
    metrics,
    db,
    prisma: db.prisma,
    redis,
    queues,
    cipher,
    inbox,
    guard,
    connectorFactory,
    connections,
    catalogImport: createCatalogImport({ prisma: db.prisma, factory: connectorFactory, log: log.child({ module: 'catalog' }) }),
    apiTokens: createApiTokens({ prisma: db.prisma }),
    users: createUsers({ prisma: db.prisma }),
    sessions: createSessions({ prisma: db.prisma, ttlMs: config.sessionTtlMs }),
    deadLetters: createDeadLetters({ prisma: db.prisma, queues, log: log.child({ module: 'dead-letters' }) }),
    resyncRequests: createResyncRequests({ prisma: db.prisma, queues }),
    skuView: createSkuView({ prisma: db.prisma }),
    pollSchedules,
    enqueuePush,
    reconciliations: createReconciliations({ prisma: db.prisma, pool: db.pool, queues, log: log.child({ module: 'reconciliation' }) }),
    reports: createReports({ pool: db.pool, staleSkuSlaMs: config.staleSkuSlaMs }),
    async close() {
      for (const { name, close } of closers.reverse()) {
        await close().catch((error: unknown) => log.warn({ err: error, resource: name }, 'close failed'));
      }
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
