// Repeating jobs of reconciliation, as BullMQ job schedulers (upserted at worker start, so every
// worker agrees and a changed RECONCILE_CRON replaces the old schedule): the nightly run, the
// stale-SKU check and the run watchdog.
import type { Queue } from 'bullmq';

export type ScheduleQueues = { get(name: 'maintenance'): Queue };

export type ReconciliationSchedules = {
  /** Cron pattern of the scheduled full run (RECONCILE_CRON). */
  reconcileCron: string;
  staleCheckEveryMs: number;
  watchdogEveryMs: number;
};

export const SCHEDULER_IDS = {
  reconcile: 'reconciliation-cron',
  staleCheck: 'sync-stale-check',
  watchdog: 'reconciliation-watchdog',
} as const;

export async function registerReconciliationSchedules(queues: ScheduleQueues, schedules: ReconciliationSchedules): Promise<void> {
  const maintenance = queues.get('maintenance');
  const opts = { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } };
  await maintenance.upsertJobScheduler(
    SCHEDULER_IDS.reconcile,
    { pattern: schedules.reconcileCron },
    { name: 'reconciliation.schedule', data: {}, opts: { ...opts, attempts: 3 } },
  );
  await maintenance.upsertJobScheduler(
    SCHEDULER_IDS.staleCheck,
    { every: schedules.staleCheckEveryMs },
    { name: 'sync.stale-check', data: {}, opts },
  );
  await maintenance.upsertJobScheduler(
    SCHEDULER_IDS.watchdog,
    { every: schedules.watchdogEveryMs },
    { name: 'reconciliation.watchdog', data: {}, opts },
  );
}
