// Gauges that describe state rather than events (queue depth, oldest job, unenqueued inbox rows,
// stale SKUs) are read when Prometheus scrapes, with a deadline so a down dependency cannot hang
// /metrics: the series then keep their last value and the failure is logged.
import type { PrismaClient } from '../db/client.js';
import { QUEUE_NAMES } from '../queue/catalog.js';
import type { Queues } from '../queue/queues.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export function createGaugeCollector(deps: {
  prisma: PrismaClient;
  queues: Queues;
  metrics: Metrics;
  log: Logger;
  staleSkuSlaMs: number;
  deadlineMs?: number;
}) {
  const { metrics } = deps;

  async function collectQueues(now: number) {
    for (const name of QUEUE_NAMES) {
      const queue = deps.queues.get(name);
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized');
      for (const state of ['waiting', 'delayed', 'active', 'failed', 'prioritized'] as const) {
        metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
      }
      const [oldest] = await queue.getWaiting(0, 0);
      metrics.queueOldestAgeSeconds.set({ queue: name }, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0);
    }
  }

  async function collectDatabase(now: number) {
    const [unenqueued, stale] = await Promise.all([
      deps.prisma.inboxEvent.count({ where: { status: 'received', receivedAt: { lt: new Date(now - 5_000) } } }),
      deps.prisma.syncState.count({ where: { outOfSyncSince: { lt: new Date(now - deps.staleSkuSlaMs) } } }),
    ]);
    metrics.inboxUnenqueued.set(unenqueued);
    metrics.staleSkus.set(stale);
  }

  return async function collect(): Promise<void> {
    const now = Date.now();
    const deadline = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('gauge collection timed out')), deps.deadlineMs ?? 1_500).unref(),
    );
    const results = await Promise.allSettled([
      Promise.race([collectQueues(now), deadline]),
      Promise.race([collectDatabase(now), deadline]),
    ]);
    for (const result of results) {
      if (result.status === 'rejected') deps.log.warn({ err: (result.reason as Error).message }, 'metrics gauges not refreshed');
    }
  };
}
