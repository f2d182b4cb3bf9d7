// heal: true pushes the target wherever the run found the channel off, through the sync engine
// (recompute under the SKU lock, the channel's batched push with compare-and-set), and nowhere else.
import { expect } from 'vitest';
import type { ErpConnector } from '../../src/connectors/contract.js';
import { createReconciler } from '../../src/reconciliation/reconciler.js';
import { createRunStore } from '../../src/reconciliation/run-store.js';
import { DEFAULT_SYNC_TIMING } from '../../src/sync/ports.js';
import { createSkuReconciler } from '../../src/sync/reconcile-sku.js';
import { createSkuLock } from '../../src/sync/sku-lock.js';
import { type FakeChannel, fakeFactory, startPushWorkers } from '../helpers/fake-channel.js';
import { type ServicesFixture, dbTest as test, waitFor } from '../helpers/fixtures.js';
import { createFakeErp, createStreamingChannel, resetData, seedConnectionRow, seedListings } from './fixtures.js';

const ERP_STOCK = { A: 10, B: 5, C: 7 } as const;

async function seedSyncedCatalog(services: ServicesFixture) {
  const { prisma } = services;
  const erpId = await seedConnectionRow(prisma, { kind: 'erp', name: 'ERP' });
  const shopId = await seedConnectionRow(prisma, { kind: 'shopify', name: 'Shop', locations: [{ id: 'loc-1', warehouses: ['WH1'] }] });
  await seedListings(prisma, shopId, Object.keys(ERP_STOCK));
  for (const [sku, onHand] of Object.entries(ERP_STOCK)) {
    await prisma.sku.create({ data: { sku, unitCost: '1.00' } });
    await prisma.stockSnapshot.create({
      data: { connectionId: erpId, sku, warehouse: 'WH1', onHand, available: onHand, sourceUpdatedAt: new Date('2026-01-01T00:00:00Z') },
    });
    // The engine believes every row is in sync: it pushed the target and saw it confirmed.
    await prisma.syncState.create({
      data: {
        sku,
        connectionId: shopId,
        externalLocationId: 'loc-1',
        target: onHand,
        lastSeen: onHand,
        lastSeenAt: new Date('2026-01-01T00:00:00Z'),
        status: 'in_sync',
      },
    });
  }
  const erp = createFakeErp(Object.entries(ERP_STOCK).map(([sku, onHand]) => ({ sku, onHand })));
  // Behind our back (webhooks lost): A was raised to 13, C lowered to 2; B still shows 5.
  const shop = createStreamingChannel('shopify', [
    { sku: 'A', available: 13 },
    { sku: 'B', available: 5 },
    { sku: 'C', available: 2 },
  ]);
  return { erpId, shopId, erp, shop };
}

function wire(services: ServicesFixture, channels: Map<string, FakeChannel>, erps: Map<string, ErpConnector>) {
  const pushes = startPushWorkers(services, { channels, coalesceMs: 0 });
  const engine = createSkuReconciler({
    prisma: services.prisma,
    lock: createSkuLock({ redis: services.redis, prefix: `${services.config.queuePrefix}:locks`, ttlMs: 5_000, log: services.log }),
    schedulePush: async (request) => {
      await pushes.schedulePush(request);
    },
    enqueueMovementPost: async () => {},
    clock: () => new Date(),
    log: services.log,
    timing: DEFAULT_SYNC_TIMING,
  });
  const reconciler = createReconciler({
    prisma: services.prisma,
    pool: services.db.pool,
    connectors: fakeFactory(channels, erps),
    heal: { recomputeSku: ({ sku, correlationId }) => engine.recompute(sku, { correlationId }), enqueuePush: pushes.enqueuePush },
    log: services.log,
    heartbeatMs: 100,
  });
  return { reconciler, pushes };
}

test.describe('heal', () => {
  test.beforeEach(async ({ services }) => {
    await resetData(services.prisma);
    await waitFor(async () => services.redis.status === 'ready', { what: 'redis' });
  });

  test('pushes the target to each level that differs, and to nothing else', async ({ services }) => {
    const { erpId, shopId, erp, shop } = await seedSyncedCatalog(services);
    const channels = new Map<string, FakeChannel>([[shopId, shop]]);
    const { reconciler, pushes } = wire(services, channels, new Map([[erpId, erp]]));
    try {
      const store = createRunStore({ prisma: services.prisma });
      const run = await store.create({ scope: {}, heal: true, requestedBy: 'user:ann' });
      expect(await reconciler.run(run.id, { attempt: 1, maxAttempts: 3, correlationId: 'heal-test' })).toMatchObject({
        outcome: 'completed',
        discrepancies: 2,
      });

      await waitFor(async () => shop.level('i-A', 'loc-1') === 10 && shop.level('i-C', 'loc-1') === 7, { what: 'the heal pushes' });
      const written = shop.writes.flatMap((call) => call.batch.map((write) => [write.sku, write.quantity, write.expectedCurrent]));
      expect(written.sort()).toEqual([
        ['A', 10, 13],
        ['C', 7, 2],
      ]);
      expect(shop.level('i-B', 'loc-1')).toBe(5);

      const healed = await services.prisma.discrepancy.findMany({ where: { runId: run.id }, orderBy: { sku: 'asc' } });
      expect(healed.map((row) => [row.sku, row.classification, row.healed])).toEqual([
        ['A', 'channel_high', true],
        ['C', 'channel_low', true],
      ]);
      const audits = await services.prisma.auditEntry.findMany({
        where: { action: 'reconciliation.heal_requested' },
        orderBy: { sku: 'asc' },
      });
      expect(audits.map((audit) => [audit.sku, audit.actor, audit.before, audit.after])).toEqual([
        ['A', 'user:ann', { shown: 13 }, { target: 10 }],
        ['C', 'user:ann', { shown: 2 }, { target: 7 }],
      ]);
      expect((await store.get(run.id))?.progress.sources[shopId]).toMatchObject({ phase: 'done', healRequested: 2 });

      // A second run finds nothing left to heal.
      const again = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
      expect(await reconciler.run(again.id, { attempt: 1, maxAttempts: 3, correlationId: 'after-heal' })).toMatchObject({
        discrepancies: 0,
      });
    } finally {
      await pushes.close();
    }
  });

  test('rows the engine sees differently are recomputed by the engine first; a paused channel is left alone', async ({ services }) => {
    const { erpId, shopId, erp, shop } = await seedSyncedCatalog(services);
    const { prisma } = services;
    // The engine's row for A is stale (target 9, though its own ERP snapshot says 10), and D has
    // never been synced: both go through the engine's recompute before their push.
    await prisma.syncState.update({
      where: { sku_connectionId_externalLocationId: { sku: 'A', connectionId: shopId, externalLocationId: 'loc-1' } },
      data: { target: 9 },
    });
    await prisma.sku.create({ data: { sku: 'D', unitCost: '1.00' } });
    await prisma.stockSnapshot.create({
      data: { connectionId: erpId, sku: 'D', warehouse: 'WH1', onHand: 4, available: 4, sourceUpdatedAt: new Date('2026-01-01T00:00:00Z') },
    });
    await seedListings(prisma, shopId, ['D']);
    erp.rows.push({
      sku: 'D',
      warehouse: 'WH1',
      onHand: 4,
      reserved: 0,
      incoming: 0,
      available: 4,
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    });
    shop.setLevel('i-D', 'loc-1', 1);
    const pausedId = await seedConnectionRow(prisma, {
      kind: 'woocommerce',
      name: 'Paused',
      locations: [{ id: 'default', warehouses: [] }],
    });
    await prisma.connection.update({ where: { id: pausedId }, data: { paused: true } });
    await seedListings(prisma, pausedId, ['B']);
    const paused = createStreamingChannel('woocommerce', [{ sku: 'B', available: 1, location: 'default' }]);
    const channels = new Map<string, FakeChannel>([
      [shopId, shop],
      [pausedId, paused],
    ]);
    const { reconciler, pushes } = wire(services, channels, new Map([[erpId, erp]]));
    try {
      const run = await createRunStore({ prisma }).create({ scope: {}, heal: true, requestedBy: 'test' });
      await reconciler.run(run.id, { attempt: 1, maxAttempts: 3, correlationId: 'engine-first' });
      await waitFor(async () => shop.level('i-A', 'loc-1') === 10 && shop.level('i-C', 'loc-1') === 7 && shop.level('i-D', 'loc-1') === 4, {
        what: 'the pushes',
      });
      const stateA = await prisma.syncState.findUniqueOrThrow({
        where: { sku_connectionId_externalLocationId: { sku: 'A', connectionId: shopId, externalLocationId: 'loc-1' } },
      });
      expect(stateA.target).toBe(10);
      expect(paused.writes).toEqual([]);
      const onPaused = await prisma.discrepancy.findFirstOrThrow({ where: { runId: run.id, connectionId: pausedId } });
      expect(onPaused).toMatchObject({ sku: 'B', healed: false, healError: expect.stringContaining('paused') });
    } finally {
      await pushes.close();
    }
  });

  test('a run without heal changes nothing on the channel', async ({ services }) => {
    const { erpId, shopId, erp, shop } = await seedSyncedCatalog(services);
    const { reconciler, pushes } = wire(services, new Map([[shopId, shop]]), new Map([[erpId, erp]]));
    try {
      const run = await createRunStore({ prisma: services.prisma }).create({ scope: {}, heal: false, requestedBy: 'test' });
      await reconciler.run(run.id, { attempt: 1, maxAttempts: 3, correlationId: 'no-heal' });
      expect(shop.writes).toEqual([]);
      expect(await services.prisma.discrepancy.count({ where: { runId: run.id, healed: true } })).toBe(0);
      expect(await services.prisma.syncState.count({ where: { connectionId: shopId, status: 'pending' } })).toBe(0);
    } finally {
      await pushes.close();
    }
  });
});
