import { expect } from 'vitest';
import type { ErpConnector } from '../../src/connectors/contract.js';
import { PermanentError, RetryableError } from '../../src/connectors/errors.js';
import { createReconciler } from '../../src/reconciliation/reconciler.js';
import { createRunStore } from '../../src/reconciliation/run-store.js';
import { type FakeChannel, fakeFactory } from '../helpers/fake-channel.js';
import { type ServicesFixture, dbTest as test } from '../helpers/fixtures.js';
import {
  createFakeErp,
  createStreamingChannel,
  factoryMaps,
  resetData,
  seedCatalog,
  seedConnectionRow,
  seedListings,
  seedSkus,
} from './fixtures.js';

function reconcilerFor(services: ServicesFixture, channels: Map<string, FakeChannel>, erps: Map<string, ErpConnector>) {
  return createReconciler({
    prisma: services.prisma,
    pool: services.db.pool,
    connectors: fakeFactory(channels, erps),
    heal: { recomputeSku: async () => {}, enqueuePush: async () => {} },
    log: services.log,
    heartbeatMs: 50,
    compare: { pageSize: 2 },
  });
}

const attempt = (n = 1, max = 3) => ({ attempt: n, maxAttempts: max, correlationId: `test-${n}` });

test.describe('a reconciliation run', () => {
  test.beforeEach(async ({ services }) => {
    await resetData(services.prisma);
  });

  test('classifies each (SKU, channel, location) and values each delta exactly at ERP unit cost', async ({ services }) => {
    const setup = await seedCatalog(services);
    const { channels, erps } = factoryMaps(setup);
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'token:t' });
    const outcome = await reconcilerFor(services, channels, erps).run(run.id, attempt());
    expect(outcome).toEqual({ outcome: 'completed', runId: run.id, discrepancies: 4 });

    const rows = await services.prisma.discrepancy.findMany({ where: { runId: run.id }, orderBy: { sku: 'asc' } });
    expect(
      rows.map((row) => ({
        sku: row.sku,
        connectionId: row.connectionId,
        location: row.externalLocationId,
        classification: row.classification,
        erp: row.erpQuantity,
        expected: row.expected,
        actual: row.actual,
        delta: row.delta,
        unitCost: row.unitCost?.toFixed(4) ?? null,
        value: row.value?.toFixed(4) ?? null,
      })),
    ).toEqual([
      {
        sku: 'A',
        connectionId: setup.shopId,
        location: 'loc-1',
        classification: 'channel_high',
        erp: 10,
        expected: 10,
        actual: 13,
        delta: 3,
        unitCost: '19.9900',
        value: '59.9700',
      },
      {
        sku: 'B',
        connectionId: setup.shopId,
        location: 'loc-1',
        classification: 'channel_low',
        erp: 5,
        expected: 5,
        actual: 2,
        delta: -3,
        unitCost: '2.5000',
        value: '-7.5000',
      },
      {
        sku: 'D',
        connectionId: setup.shopId,
        location: 'loc-1',
        classification: 'missing_listing',
        erp: 4,
        expected: 4,
        actual: null,
        delta: -4,
        unitCost: '3.0000',
        value: '-12.0000',
      },
      {
        sku: 'X',
        connectionId: setup.shopId,
        location: 'loc-1',
        classification: 'unmapped',
        erp: null,
        expected: null,
        actual: 5,
        delta: 5,
        unitCost: null,
        value: null,
      },
    ]);

    const done = await store.get(run.id);
    expect(done?.status).toBe('completed');
    expect(done?.finishedAt).not.toBeNull();
    expect(done?.totals).toMatchObject({ discrepancies: 4, valueHigh: '59.9700', valueLow: '-7.5000', valueNet: '40.4700' });
    expect(done?.progress.sources[setup.shopId]).toMatchObject({ phase: 'compared', compared: 7, total: 7, untracked: 1, read: 7 });
    expect(done?.progress.sources[setup.wooId]).toMatchObject({ phase: 'compared', compared: 1, total: 1 });
    expect(done?.progress.sources[setup.erpId]).toMatchObject({ kind: 'erp', phase: 'read', read: 6 });
    // Staging is emptied once the run has ended.
    expect(await services.prisma.reconciliationErpRow.count()).toBe(0);
    expect(await services.prisma.reconciliationChannelRow.count()).toBe(0);
    // The ERP was paged (2 rows a page), never read whole.
    expect(setup.erp.calls.listStock).toBe(3);
  });

  test('a bundle is expected at what its scarcest component allows', async ({ services }) => {
    const { prisma } = services;
    const erpId = await seedConnectionRow(prisma, { kind: 'erp' });
    const shopId = await seedConnectionRow(prisma, { kind: 'shopify', locations: [{ id: 'loc-1', warehouses: [] }] });
    await seedSkus(prisma, [{ sku: 'KIT', unitCost: '10.00' }, { sku: 'P1' }, { sku: 'P2' }]);
    await prisma.bundleComponent.createMany({
      data: [
        { bundleSku: 'KIT', componentSku: 'P1', quantity: 2 },
        { bundleSku: 'KIT', componentSku: 'P2', quantity: 1 },
      ],
    });
    await seedListings(prisma, shopId, ['KIT']);
    const erp = createFakeErp([
      { sku: 'P1', onHand: 9 },
      { sku: 'P2', onHand: 8 },
    ]);
    const shop = createStreamingChannel('shopify', [{ sku: 'KIT', available: 6 }]);
    const run = await createRunStore({ prisma }).create({ scope: {}, heal: false, requestedBy: 'test' });
    await reconcilerFor(services, new Map([[shopId, shop]]), new Map([[erpId, erp]])).run(run.id, attempt());
    const [row] = await prisma.discrepancy.findMany({ where: { runId: run.id } });
    expect(row).toMatchObject({ sku: 'KIT', classification: 'channel_high', erpQuantity: 4, expected: 4, actual: 6, delta: 2 });
    expect(row?.value?.toFixed(2)).toBe('20.00');
  });

  test('a SKU-scoped run asks the ERP and the channel for that SKU only', async ({ services }) => {
    const setup = await seedCatalog(services);
    const { channels, erps } = factoryMaps(setup);
    const run = await createRunStore({ prisma: services.prisma }).create({ scope: { sku: 'B' }, heal: false, requestedBy: 'test' });
    await reconcilerFor(services, channels, erps).run(run.id, attempt());
    expect(setup.erp.calls).toEqual({ listStock: 0, readStock: 1 });
    expect(setup.shop.pagesStreamed).toBe(0);
    const rows = await services.prisma.discrepancy.findMany({ where: { runId: run.id } });
    expect(rows.map((row) => [row.sku, row.classification])).toEqual([['B', 'channel_low']]);
  });

  test('an interrupted run resumes where it stopped: the ERP pages already staged are not read again', async ({ services }) => {
    const setup = await seedCatalog(services);
    const { channels, erps } = factoryMaps(setup);
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    const pagesAsked: number[] = [];
    setup.erp.beforePage = async (page) => {
      pagesAsked.push(page);
      if (page === 2 && pagesAsked.filter((p) => p === 2).length === 1) throw new RetryableError('ERP timed out', { code: 'ERP_TIMEOUT' });
    };
    const reconciler = reconcilerFor(services, channels, erps);
    await expect(reconciler.run(run.id, attempt(1))).rejects.toThrow('ERP timed out');
    const interrupted = await store.get(run.id);
    expect(interrupted?.status).toBe('running');
    expect(interrupted?.progress.lastError).toBe('ERP_TIMEOUT: ERP timed out');
    expect(interrupted?.progress.sources[setup.erpId]).toMatchObject({ phase: 'reading', read: 4, cursor: '4' });

    const outcome = await reconciler.run(run.id, attempt(2));
    expect(outcome).toMatchObject({ outcome: 'completed', discrepancies: 4 });
    expect(pagesAsked).toEqual([0, 1, 2, 2]);
    const done = await store.get(run.id);
    expect(done?.progress.resumedCount).toBe(1);
    expect(done?.progress.sources[setup.erpId]).toMatchObject({ phase: 'read', read: 6 });
  });

  test('a channel cut off mid-stream is read again from its start on resume', async ({ services }) => {
    const setup = await seedCatalog(services);
    const { channels, erps } = factoryMaps(setup);
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    let failed = false;
    setup.shop.beforePage = async (page) => {
      if (page === 2 && !failed) {
        failed = true;
        throw new RetryableError('bulk operation failed', { code: 'SHOPIFY_BULK_FAILED' });
      }
    };
    const erpPages: number[] = [];
    setup.erp.beforePage = async (page) => {
      erpPages.push(page);
    };
    const reconciler = reconcilerFor(services, channels, erps);
    await expect(reconciler.run(run.id, attempt(1))).rejects.toThrow('bulk operation failed');
    await reconciler.run(run.id, attempt(2));
    // The channel starts over; the ERP, read alongside it, continues from its cursor.
    expect(setup.shop.pagesStreamed).toBe(2 + 4);
    expect(erpPages).toEqual([0, 1, 2]);
    expect(await services.prisma.discrepancy.count({ where: { runId: run.id } })).toBe(4);
  });

  test('the last attempt failing ends the run as failed, with the reason, and drops its staging', async ({ services }) => {
    const setup = await seedCatalog(services);
    const { channels, erps } = factoryMaps(setup);
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    setup.erp.beforePage = async (page) => {
      if (page === 1) throw new RetryableError('ERP answered 503', { code: 'ERP_HTTP_503' });
    };
    await expect(reconcilerFor(services, channels, erps).run(run.id, attempt(3, 3))).rejects.toThrow('503');
    const failed = await store.get(run.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toBe('ERP_HTTP_503: ERP answered 503 (attempt 3 of 3)');
    expect(await services.prisma.reconciliationErpRow.count({ where: { runId: run.id } })).toBe(0);
  });

  test('a permanent error fails the run at once, and a finished run is never run again', async ({ services }) => {
    const setup = await seedCatalog(services);
    const { channels, erps } = factoryMaps(setup);
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    setup.erp.beforePage = async () => {
      throw new PermanentError('API key rejected', { code: 'ERP_AUTH_FAILED', status: 401 });
    };
    const reconciler = reconcilerFor(services, channels, erps);
    await expect(reconciler.run(run.id, attempt(1, 3))).rejects.toThrow('API key rejected');
    expect(await store.get(run.id)).toMatchObject({ status: 'failed', error: 'ERP_AUTH_FAILED: API key rejected (attempt 1 of 3)' });
    expect(await reconciler.run(run.id, attempt(2, 3))).toEqual({ outcome: 'not_runnable', runId: run.id, reason: 'finished' });
  });

  test('without an ERP connection the run fails and says so', async ({ services }) => {
    const shopId = await seedConnectionRow(services.prisma, { kind: 'shopify', locations: [{ id: 'loc-1', warehouses: [] }] });
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    const reconciler = reconcilerFor(services, new Map([[shopId, createStreamingChannel('shopify', [])]]), new Map());
    await expect(reconciler.run(run.id, attempt())).rejects.toThrow(/no ERP connection/);
    expect((await store.get(run.id))?.error).toMatch(/^RECONCILIATION_NO_ERP: no ERP connection/);
  });

  test('a worker whose lease was taken over stops at its next checkpoint and writes no result', async ({ services }) => {
    const setup = await seedCatalog(services);
    const { channels, erps } = factoryMaps(setup);
    const store = createRunStore({ prisma: services.prisma });
    const run = await store.create({ scope: {}, heal: false, requestedBy: 'test' });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    setup.shop.beforePage = async (page) => {
      if (page === 1) await gate;
    };
    const first = reconcilerFor(services, channels, erps).run(run.id, { ...attempt(1), token: 'worker-1' });
    await waitForSource(store, run.id, setup.shopId, (source) => source.read >= 2);
    // Another worker takes the run over (BullMQ handed the stalled job to it).
    expect((await store.claim(run.id, 'worker-2')).claimed).toBe(true);
    release();
    expect(await first).toEqual({ outcome: 'lease_lost', runId: run.id });
    expect(await services.prisma.discrepancy.count({ where: { runId: run.id } })).toBe(0);
    expect((await store.get(run.id))?.status).toBe('running');
  });
});

async function waitForSource(
  store: ReturnType<typeof createRunStore>,
  runId: string,
  sourceId: string,
  condition: (source: { read: number; phase: string }) => boolean,
): Promise<void> {
  const { waitFor } = await import('../helpers/fixtures.js');
  await waitFor(
    async () => {
      const source = (await store.get(runId))?.progress.sources[sourceId];
      return source ? condition(source) : false;
    },
    { what: `source ${sourceId} progress` },
  );
}
