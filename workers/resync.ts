// sku.resync: recompute targets for a SKU, a connection or everything, verify and push (src/sync/resync.ts).
import type { Services } from '../src/app/services.js';
import { createResyncRunner, type RecomputeSku, type ResyncRunner } from '../src/sync/resync.js';
import type { JobHandler } from './runtime.js';

export function resyncRunnerFor(services: Services, recomputeSku: RecomputeSku): ResyncRunner {
  return createResyncRunner({
    prisma: services.prisma,
    connectors: services.connectorFactory,
    recomputeSku,
    enqueuePush: services.enqueuePush,
    metrics: services.metrics,
    log: services.log,
  });
}

export function resyncHandler(runner: Pick<ResyncRunner, 'run'>): JobHandler<'sku.resync'> {
  return (payload) => runner.run(payload);
}
