// Builds the sync engine of a worker process from the services: the push side's schedulePush
// (src/sync/schedule-push.ts), movement.post jobs, and ERP connectors through the connector factory.
import type { Services } from '../src/app/services.js';
import { DEFAULT_SYNC_TIMING } from '../src/sync/ports.js';
import { createSchedulePush } from '../src/sync/schedule-push.js';
import { createSyncEngine, erpConnectorsFrom, movementPostEnqueuer } from '../src/sync/sync-engine.js';

export function syncEngineFor(services: Services) {
  const { config } = services;
  const schedulePush = createSchedulePush({ prisma: services.prisma, queues: services.queues, coalesceMs: config.worker.pushCoalesceMs });
  return createSyncEngine({
    prisma: services.prisma,
    redis: services.redis,
    lockPrefix: config.queuePrefix,
    lockTtlMs: config.worker.skuLockTtlMs,
    timing: { ...DEFAULT_SYNC_TIMING, echoWindowMs: config.worker.echoWindowMs, manualEditSettleMs: config.worker.manualEditSettleMs },
    // The push side answers with an outcome the engine does not need.
    schedulePush: async (request) => {
      await schedulePush(request);
    },
    enqueueMovementPost: movementPostEnqueuer(services.queues),
    erpConnectorFor: erpConnectorsFrom(services.prisma, services.connectorFactory),
    log: services.log,
  });
}
