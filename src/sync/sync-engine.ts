// The decision core, assembled from what it is given: the SKU lock on a Redis connection, the
// reconciler, the event processor (event.process) and the movement poster (movement.post).
// workers/processors.ts builds one per worker process; tests build their own.
import type { Redis } from 'ioredis';
import type { ConnectorFactory } from '../connections/connector-factory.js';
import { PermanentError } from '../connectors/errors.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import { createEventProcessor } from './event-processor.js';
import type { Clock, EnqueueMovementPost, ErpConnectorFor, SchedulePush, SyncTiming } from './ports.js';
import { systemClock } from './ports.js';
import { createMovementPoster } from './post-movement.js';
import { createSkuReconciler } from './reconcile-sku.js';
import { createSkuLock } from './sku-lock.js';

export type SyncEngineDeps = {
  prisma: PrismaClient;
  redis: Redis;
  /** Key prefix of the SKU locks (the queue prefix, so a hash-tagged prefix keeps one cluster slot). */
  lockPrefix: string;
  lockTtlMs: number;
  timing: SyncTiming;
  schedulePush: SchedulePush;
  enqueueMovementPost: EnqueueMovementPost;
  erpConnectorFor: ErpConnectorFor;
  log: Logger;
  clock?: Clock;
};

export function createSyncEngine(deps: SyncEngineDeps) {
  const clock = deps.clock ?? systemClock;
  const log = deps.log.child({ module: 'sync' });
  const lock = createSkuLock({ redis: deps.redis, prefix: `${deps.lockPrefix}:sku-lock`, ttlMs: deps.lockTtlMs, log });
  const reconciler = createSkuReconciler({ ...deps, lock, clock, log });
  return {
    lock,
    reconciler,
    processor: createEventProcessor({ prisma: deps.prisma, reconciler, clock, log }),
    poster: createMovementPoster({ prisma: deps.prisma, reconciler, erpConnectorFor: deps.erpConnectorFor, clock, log }),
    /** For resyncs, mapping and policy changes: recompute one SKU's targets under its lock. */
    recomputeSku: (request: { sku: string; correlationId: string }) =>
      reconciler.recompute(request.sku, { correlationId: request.correlationId }),
  };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;

/** movement.post jobs, one per movement (the job id dedupes a re-enqueue after a retried event). */
export function movementPostEnqueuer(queues: {
  add(name: 'movement.post', payload: { movementId: string; correlationId: string }, options?: { jobId?: string }): Promise<string>;
}): EnqueueMovementPost {
  return async (request) => {
    await queues.add('movement.post', request, { jobId: `movement-post-${request.movementId}` });
  };
}

/** The ERP connector of a stored, not removed ERP connection, through the connector factory. */
export function erpConnectorsFrom(prisma: PrismaClient, factory: Pick<ConnectorFactory, 'erp'>): ErpConnectorFor {
  return async (erpConnectionId) => {
    const row = await prisma.connection.findFirst({ where: { id: erpConnectionId, kind: 'erp', deletedAt: null } });
    if (!row) throw new PermanentError(`ERP connection ${erpConnectionId} no longer exists`, { code: 'ERP_CONNECTION_GONE' });
    return factory.erp(row);
  };
}
