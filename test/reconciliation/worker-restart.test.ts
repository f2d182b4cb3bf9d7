// A worker killed mid-run: BullMQ hands the stalled job to another worker, which resumes the run
// from the phases already done; the killed worker's copy, if it ever wakes, finds its lease gone.
// A run whose worker is gone for good is ended by the watchdog with a reason.
import { type Job, Worker } from 'bullmq';
import { expect } from 'vitest';
import type { ErpConnector } from '../../src/connectors/contract.js';
import { parseJobPayload } from '../../src/queue/catalog.js';
import { createWorkerRedis } from '../../src/queue/redis.js';
import { createReconciler } from '../../src/reconciliation/reconciler.js';
import { createRunStore } from '../../src/reconciliation/run-store.js';
import { createRunWatchdog } from '../../src/reconciliation/run-watchdog.js';
import { runReconciliationHandler } from '../../workers/run-reconciliation.js';
import { type FakeChannel, fakeFactory } from '../helpers/fake-channel.js';
import { type ServicesFixture, dbTest as test, waitFor } from '../helpers/fixtures.js';
import { catalogDoubles, factoryMaps, resetData, seedCatalog } from './fixtures.js';

function startReconciliationWorker(
  services: ServicesFixture,
  maps: { channels: Map<string, FakeChannel>; erps: Map<string, ErpConnector> },
) {
  const reconciler = createReconciler({
    prisma: services.prisma,
    pool: services.db.pool,
    connectors: fakeFactory(maps.channels, maps.erps),
    heal: { recomputeSku: async () => {}, enqueuePush: async () => {} },
    log: services.log,
    heartbeatMs: 100,
  });
  const handler = runReconciliationHandler(reconciler);
  const connection = createWorkerRedis(services.config.redis, 'test-reconcile');
  // Short lock and stall check so a dead worker's job is handed over within a second or two.
  const worker = new Worker('reconciliations', (job: Job) => handler(parseJobPayload('reconciliation.run', job.data), job), {
    connection,
    prefix: services.config.queuePrefix,
    lockDuration: 1_000,
    stalledInterval: 300,
    concurrency: 1,
  });
  worker.on('error', () => {});
  return {
    worker,
    async kill() {
      // force: stop at once, without finishing (or renewing the lock of) the running job.
      await worker.close(true);
      connection.disconnect();
    },
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

test.describe('a run whose worker dies', () => {
  test.beforeEach(async ({ services }) => {
    await resetData(services.prisma);
  });

  test('is resumed by the next worker without reading the ERP again', async ({ services }) => {
    const first = await seedCatalog(services);
    const store = createRunStore({ prisma: services.prisma });
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    first.shop.beforePage = async (page) => {
      if (page === 1) await stuck;
    };
    const started = await services.reconciliations.start({ scope: {}, heal: false, requestedBy: 'token:t', correlationId: 'kill-test' });
    if (started.outcome !== 'started') throw new Error(started.outcome);
    const workerA = startReconciliationWorker(services, factoryMaps(first));
    await waitFor(async () => ((await store.get(started.id))?.progress.sources[first.shopId]?.read ?? 0) >= 2, {
      what: 'the shop read to start',
    });
    await workerA.kill();

    // Same catalog, fresh doubles: what the second worker asks for is counted on its own.
    const second = { ...first, ...catalogDoubles() };
    const workerB = startReconciliationWorker(services, factoryMaps(second));
    try {
      const done = await waitFor(
        async () => {
          const run = await store.get(started.id);
          return run?.status === 'completed' ? run : null;
        },
        { timeoutMs: 20_000, what: 'the run to complete on the second worker' },
      );
      expect(done.progress.resumedCount).toBe(1);
      expect(second.erp.calls.listStock).toBe(0);
      expect(second.shop.pagesStreamed).toBeGreaterThan(0);
      expect(await services.prisma.discrepancy.count({ where: { runId: started.id } })).toBe(4);

      // The killed worker's copy wakes up: its lease is gone, it writes nothing.
      release();
      await waitFor(async () => first.shop.pagesStreamed >= 2, { what: 'the first copy to move on' });
      expect((await store.get(started.id))?.status).toBe('completed');
      expect(await services.prisma.discrepancy.count({ where: { runId: started.id } })).toBe(4);
    } finally {
      release();
      await workerB.close();
    }
  });

  test('is ended as failed with a reason when no worker can take it over (stale heartbeat)', async ({ services }) => {
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    await store.claim(run.id, 'dead-worker');
    const silentSince = new Date(Date.now() - 10 * 60_000);
    await services.prisma.reconciliationRun.update({ where: { id: run.id }, data: { heartbeatAt: silentSince } });
    const kept = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    await store.claim(kept.id, 'live-worker');

    const watchdog = createRunWatchdog({
      store,
      lookupJob: async (runId) => (runId === run.id ? null : { state: 'active' }),
      limits: { silentAfterMs: 60_000, maxWaitMs: 30 * 60_000 },
      log: services.log,
    });
    expect(await watchdog()).toEqual({ failed: [{ id: run.id, reason: expect.stringContaining("the run's queue job is gone") }] });
    const failed = await store.get(run.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain(silentSince.toISOString());
    expect((await store.get(kept.id))?.status).toBe('running');
    // The worker, were it alive, would lose its lease at its next heartbeat.
    expect(await store.beat(run.id, 'dead-worker')).toBe(false);
  });
});
