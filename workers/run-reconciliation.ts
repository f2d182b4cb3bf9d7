// reconciliation.run: execute (or resume) one run; reconciliation.schedule: the cron's full run;
// reconciliation.watchdog: end runs whose worker died; sync.stale-check: the stale-SKU gauge.
// The domain lives in src/reconciliation and src/reports; these only connect jobs to it.
import type { Services } from '../src/app/services.js';
import type { ConnectorFactory } from '../src/connections/connector-factory.js';
import { createReconciler, type Reconciler } from '../src/reconciliation/reconciler.js';
import type { Reconciliations } from '../src/reconciliation/reconciliations.js';
import { createRunStore } from '../src/reconciliation/run-store.js';
import { createRunWatchdog, type JobLookup } from '../src/reconciliation/run-watchdog.js';
import { registerReconciliationSchedules } from '../src/reconciliation/schedules.js';
import { createStaleCheck } from '../src/reports/stale-skus.js';
import type { RecomputeSku } from '../src/sync/resync.js';
import type { EnqueueChannelPush } from '../src/sync/schedule-push.js';
import type { JobHandler, JobHandlers } from './runtime.js';
import { staleCheckHandler } from './stale-check.js';

/** A run silent this long is looked at by the watchdog: well past BullMQ's lock (30 s) and stall check (30 s). */
const RUN_SILENT_AFTER_MS = 2 * 60_000;
/** A run waiting this long for a worker to (re)start it is given up. */
const RUN_MAX_WAIT_MS = 30 * 60_000;
const WATCHDOG_EVERY_MS = 30_000;

export function runReconciliationHandler(reconciler: Pick<Reconciler, 'run'>): JobHandler<'reconciliation.run'> {
  return (payload, job) =>
    // Each delivery takes a fresh lease (the reconciler's default): a stalled copy of this job,
    // still running somewhere, loses its lease to the worker that resumed the run.
    reconciler.run(payload.runId, {
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      correlationId: payload.correlationId,
    });
}

export function scheduleReconciliationHandler(reconciliations: Pick<Reconciliations, 'start'>): JobHandler<'reconciliation.schedule'> {
  return async (_payload, job) => {
    const started = await reconciliations.start({ scope: {}, heal: false, requestedBy: 'schedule', correlationId: `schedule:${job.id}` });
    if (started.outcome === 'queue_unavailable') throw new Error(started.reason);
    return started;
  };
}

export function reconciliationWatchdogHandler(check: () => Promise<unknown>): JobHandler<'reconciliation.watchdog'> {
  return () => check();
}

/** What a reconciliation needs from the sync engine and the connectors. */
export type ReconciliationEngine = { connectors: ConnectorFactory; recomputeSku: RecomputeSku; enqueuePush: EnqueueChannelPush };

export function reconciliationHandlers(services: Services, engine: ReconciliationEngine): JobHandlers {
  const log = services.log.child({ module: 'reconciliation' });
  const reconciler = createReconciler({
    prisma: services.prisma,
    pool: services.db.pool,
    connectors: engine.connectors,
    heal: { recomputeSku: engine.recomputeSku, enqueuePush: engine.enqueuePush },
    log,
  });
  const lookupJob = async (runId: string): Promise<JobLookup> => {
    const job = await services.queues.get('reconciliations').getJob(runId);
    return job ? { state: await job.getState(), ...(job.failedReason ? { failedReason: job.failedReason } : {}) } : null;
  };
  const watchdog = createRunWatchdog({
    store: createRunStore({ prisma: services.prisma }),
    lookupJob,
    limits: { silentAfterMs: RUN_SILENT_AFTER_MS, maxWaitMs: RUN_MAX_WAIT_MS },
    log,
  });
  const staleCheck = createStaleCheck({ pool: services.db.pool, metrics: services.metrics, log, slaMs: services.config.staleSkuSlaMs });
  return {
    'reconciliation.run': runReconciliationHandler(reconciler),
    'reconciliation.schedule': scheduleReconciliationHandler(services.reconciliations),
    'reconciliation.watchdog': reconciliationWatchdogHandler(watchdog),
    'sync.stale-check': staleCheckHandler(staleCheck),
  };
}

/** Upserts the cron run, stale check and watchdog schedulers (every worker process, idempotent). */
export function scheduleReconciliation(services: Services): Promise<void> {
  return registerReconciliationSchedules(services.queues, {
    reconcileCron: services.config.reconcileCron,
    // Checked several times per SLA, so a pair is flagged soon after it crosses it.
    staleCheckEveryMs: Math.max(5_000, Math.min(60_000, Math.floor(services.config.staleSkuSlaMs / 5))),
    watchdogEveryMs: WATCHDOG_EVERY_MS,
  });
}
