import { expect } from 'vitest';
import { registerReconciliationSchedules, SCHEDULER_IDS } from '../../src/reconciliation/schedules.js';
import { scheduleReconciliationHandler } from '../../workers/run-reconciliation.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';

test.describe('reconciliation schedules', () => {
  test('register the cron run, the stale check and the watchdog, and replace a changed cron', async ({ services }) => {
    await waitFor(async () => services.redis.status === 'ready', { what: 'redis' });
    await registerReconciliationSchedules(services.queues, {
      reconcileCron: '0 3 * * *',
      staleCheckEveryMs: 60_000,
      watchdogEveryMs: 30_000,
    });
    await registerReconciliationSchedules(services.queues, {
      reconcileCron: '30 2 * * 1',
      staleCheckEveryMs: 60_000,
      watchdogEveryMs: 30_000,
    });
    const maintenance = services.queues.get('maintenance');
    const schedulers = await maintenance.getJobSchedulers();
    expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(Object.values(SCHEDULER_IDS).sort());
    const cron = await maintenance.getJobScheduler(SCHEDULER_IDS.reconcile);
    expect(cron).toMatchObject({ name: 'reconciliation.schedule', pattern: '30 2 * * 1' });
    expect(await maintenance.getJobScheduler(SCHEDULER_IDS.staleCheck)).toMatchObject({ name: 'sync.stale-check', every: 60_000 });
  });

  test('the scheduled job starts a full run requested by "schedule" and queues it', async ({ services }) => {
    const handler = scheduleReconciliationHandler(services.reconciliations);
    const started = (await handler({}, { id: 'repeat:1' } as never)) as { outcome: string; id: string };
    expect(started.outcome).toBe('started');
    const run = await services.prisma.reconciliationRun.findUniqueOrThrow({ where: { id: started.id } });
    expect(run).toMatchObject({ status: 'queued', requestedBy: 'schedule', heal: false, scope: {} });
    expect(await services.queues.get('reconciliations').getJob(started.id)).toBeDefined();
  });
});
