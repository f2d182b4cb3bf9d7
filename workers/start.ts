// Starts every processor on its own Redis connection (workers block on Redis, so they must not
// share the API's fail-fast connection) and returns a closer for graceful shutdown.
import type { Services } from '../src/app/services.js';
import { createWorkerRedis } from '../src/queue/redis.js';
import { createExhaustedHook } from './dead-letter.js';
import { createJobHandlers } from './processors.js';
import { scheduleInboxRelay } from './relay-inbox.js';
import { scheduleReconciliation } from './run-reconciliation.js';
import { type JobHandlers, startWorkers } from './runtime.js';

export function startWorkerProcess(services: Services, handlers: JobHandlers = createJobHandlers(services)) {
  const connection = createWorkerRedis(services.config.redis, 'worker');
  connection.on('error', (error) => services.log.warn({ err: error.message }, 'worker redis error'));
  const runtime = startWorkers({
    connection,
    prefix: services.config.queuePrefix,
    handlers,
    concurrency: {
      events: services.config.worker.concurrency,
      pushes: services.config.worker.concurrency,
      maintenance: 2,
      reconciliations: 1,
    },
    log: services.log.child({ module: 'worker' }),
    metrics: services.metrics,
    onExhausted: createExhaustedHook(services.deadLetters),
  });
  const relay = handlers['inbox.relay']
    ? scheduleInboxRelay({
        queues: services.queues,
        redis: services.redis,
        inbox: services.inbox,
        everyMs: services.config.worker.inboxRelayIntervalMs,
        log: services.log.child({ module: 'inbox-relay' }),
      })
    : null;
  // Every worker process keeps the poll schedulers in step at start (idempotent; cheap).
  if (handlers['connection.poll']) {
    services.pollSchedules().catch((error: unknown) => services.log.warn({ err: error }, 'syncing poll schedules failed'));
  }
  // The nightly run (RECONCILE_CRON), the stale-SKU check and the run watchdog (idempotent upserts).
  if (handlers['reconciliation.schedule']) {
    scheduleReconciliation(services).catch((error: unknown) =>
      services.log.warn({ err: error }, 'registering reconciliation schedules failed'),
    );
  }
  return {
    runtime,
    async close() {
      relay?.stop();
      await runtime.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
