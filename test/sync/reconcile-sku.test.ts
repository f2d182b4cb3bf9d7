import { expect } from 'vitest';
import { fenceSku, runSkuTransaction, SkuFencedError } from '../../src/sync/sku-transaction.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';
import {
  addListing,
  buildEngine,
  createConnection,
  heldTotal,
  insertEvent,
  mapLocation,
  processEvent,
  redisReady,
  setErpStock,
  setupCatalog,
  shopifyOrder,
  syncState,
} from './engine-helpers.js';

test.describe('reconciling one SKU', () => {
  test.beforeEach(async ({ services }) => {
    await redisReady(services);
  });

  test('a bundle sells as many as its components allow; selling it moves the components and lowers every user', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { erp, channels } = await setupCatalog(prisma, { sku: 'CUP', onHand: 9, channels: [{ kind: 'shopify' }] });
    await setErpStock(prisma, { connectionId: erp.id, sku: 'SAUCER', onHand: 4 });
    await prisma.sku.create({
      data: {
        sku: 'CUPSET',
        isBundle: true,
        components: {
          create: [
            { componentSku: 'CUP', quantity: 2 },
            { componentSku: 'SAUCER', quantity: 1 },
          ],
        },
      },
    });
    const shop = channels[0] as (typeof channels)[0];
    await addListing(prisma, { connectionId: shop.connection.id, sku: 'CUPSET', variantId: 'gid://shopify/ProductVariant/555' });
    await engine.reconciler.recompute('CUPSET', { correlationId: 'setup' });
    expect((await syncState(prisma, 'CUPSET', shop.connection.id, shop.location))?.target).toBe(4);

    const order = shopifyOrder({ id: '41', lines: [{ id: '9', variantId: '555', sku: 'CUPSET', quantity: 2 }] });
    await processEvent(
      engine,
      await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic: 'orders/create', payload: order }),
    );
    expect(await heldTotal(prisma, 'CUP')).toBe(-4);
    expect(await heldTotal(prisma, 'SAUCER')).toBe(-2);
    expect(await heldTotal(prisma, 'CUPSET')).toBe(0);
    expect((await syncState(prisma, 'CUPSET', shop.connection.id, shop.location))?.target).toBe(2);
    expect((await syncState(prisma, 'CUP', shop.connection.id, shop.location))?.target).toBe(5);

    // A component sold alone lowers the bundle too.
    const single = shopifyOrder({ id: '42', lines: [{ id: '1', variantId: shop.numericVariantId, sku: 'CUP', quantity: 3 }] });
    await processEvent(
      engine,
      await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic: 'orders/create', payload: single }),
    );
    expect((await syncState(prisma, 'CUPSET', shop.connection.id, shop.location))?.target).toBe(1);
  });

  test('changing a location mapping recomputes its target and asks for a push', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { erp, channels } = await setupCatalog(prisma, { sku: 'RUG', onHand: 3, channels: [{ kind: 'woocommerce' }] });
    await setErpStock(prisma, { connectionId: erp.id, sku: 'RUG', warehouse: 'WH2', onHand: 7 });
    const woo = channels[0] as (typeof channels)[0];
    await engine.reconciler.recompute('RUG', { correlationId: 'a' });
    expect((await syncState(prisma, 'RUG', woo.connection.id))?.target).toBe(3);
    engine.pushes.length = 0;
    await mapLocation(prisma, woo.connection.id, 'default', ['WH1', 'WH2']);
    await engine.reconciler.recompute('RUG', { correlationId: 'b' });
    expect((await syncState(prisma, 'RUG', woo.connection.id))?.target).toBe(10);
    expect(engine.pushes).toEqual([{ connectionId: woo.connection.id, sku: 'RUG', externalLocationId: 'default', correlationId: 'b' }]);
    expect(await prisma.auditEntry.findFirst({ where: { sku: 'RUG', action: 'sync.target_changed', correlationId: 'b' } })).toMatchObject({
      before: { target: 3 },
      after: { target: 10 },
    });
  });

  test('a sale at a multi-warehouse location is booked against the warehouse with the most stock', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { erp, channels } = await setupCatalog(prisma, { sku: 'POT', onHand: 1, channels: [{ kind: 'shopify' }] });
    await setErpStock(prisma, { connectionId: erp.id, sku: 'POT', warehouse: 'WH2', onHand: 6 });
    const shop = channels[0] as (typeof channels)[0];
    await mapLocation(prisma, shop.connection.id, shop.location, ['WH1', 'WH2']);
    const order = shopifyOrder({ id: '3', lines: [{ id: '1', variantId: shop.numericVariantId, sku: 'POT', quantity: 2 }] });
    await processEvent(
      engine,
      await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic: 'orders/create', payload: order }),
    );
    expect(await prisma.movement.findFirst({ where: { sku: 'POT' } })).toMatchObject({
      warehouse: 'WH2',
      externalLocationId: shop.location,
      erpConnectionId: erp.id,
      postRequired: true,
    });
    expect(engine.posts).toHaveLength(1);
  });

  test('two items sharing a SKU in one store are reported and get no target; other stores are unaffected', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, {
      sku: 'DUPE',
      onHand: 5,
      channels: [{ kind: 'woocommerce' }, { kind: 'woocommerce' }],
    });
    const [first, second] = channels as [(typeof channels)[0], (typeof channels)[0]];
    await addListing(prisma, { connectionId: first.connection.id, sku: 'DUPE', variantId: '999' });
    await engine.reconciler.recompute('DUPE', { correlationId: 'dupe' });
    expect(await syncState(prisma, 'DUPE', first.connection.id)).toMatchObject({
      target: null,
      status: 'unmapped',
      lastError: expect.stringMatching(/^DUPLICATE_SKU: items 100, 999/),
    });
    expect((await syncState(prisma, 'DUPE', second.connection.id))?.target).toBe(5);
    expect(engine.pushes.map((push) => push.connectionId)).toEqual([second.connection.id]);
    expect(
      await prisma.auditEntry.count({ where: { sku: 'DUPE', action: 'sync.target_withheld', connectionId: first.connection.id } }),
    ).toBe(1);
  });

  test('a SKU the ERP never reported, an untracked item and a deleted item get no target, with the reason', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    await createConnection(prisma, 'erp');
    const woo = await createConnection(prisma, 'woocommerce');
    await mapLocation(prisma, woo.id, 'default', []);
    await addListing(prisma, { connectionId: woo.id, sku: 'GHOST', variantId: '1' });
    await addListing(prisma, { connectionId: woo.id, sku: 'LOOSE', variantId: '2', manageStock: false });
    await addListing(prisma, { connectionId: woo.id, sku: 'GONE', variantId: '3', state: 'deleted' });
    for (const sku of ['GHOST', 'LOOSE', 'GONE']) await engine.reconciler.recompute(sku, { correlationId: 'x' });
    expect((await syncState(prisma, 'GHOST', woo.id))?.lastError).toMatch(/^NOT_IN_ERP/);
    expect((await syncState(prisma, 'LOOSE', woo.id))?.lastError).toMatch(/^UNTRACKED/);
    expect(await syncState(prisma, 'GONE', woo.id)).toMatchObject({ status: 'deleted', target: null });
    expect(engine.pushes).toEqual([]);
  });

  test('a worker whose fencing token is older than the one written cannot write (the transaction rolls back)', async ({ services }) => {
    const { prisma } = services;
    await prisma.sku.create({ data: { sku: 'FENCE', fenceToken: 7n } });
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.auditEntry.create({ data: { actor: 'worker', action: 'should.not.exist', entityType: 'sku', entityId: 'FENCE' } });
        await fenceSku(tx, 'FENCE', 6n, new Date());
      }),
    ).rejects.toBeInstanceOf(SkuFencedError);
    expect(await prisma.auditEntry.count({ where: { action: 'should.not.exist' } })).toBe(0);
    await prisma.$transaction((tx) => fenceSku(tx, 'FENCE', 8n, new Date()));
    expect(await prisma.sku.findUniqueOrThrow({ where: { sku: 'FENCE' } })).toMatchObject({ fenceToken: 8n });
  });

  test('a worker that lost its lease mid-work does not commit; the next holder does', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services, { lockTtlMs: 150 });
    const deps = { prisma, lock: engine.lock, clock: () => new Date(), lockWaitMs: 5_000 };
    const stalled = runSkuTransaction(deps, 'STALL', async (tx, lease) => {
      await tx.auditEntry.create({ data: { actor: 'worker', action: 'stalled.write', entityType: 'sku', entityId: 'STALL' } });
      const keys = await services.redis.keys(`${services.config.queuePrefix}:locks:sku:*:lock`);
      await services.redis.del(...keys);
      await waitFor(async () => lease.signal.aborted, { what: 'the lease loss' });
    });
    expect(await stalled).toEqual({ outcome: 'busy', reason: 'lock_lost' });
    const next = await runSkuTransaction(deps, 'STALL', async (tx) => {
      await tx.auditEntry.create({ data: { actor: 'worker', action: 'next.write', entityType: 'sku', entityId: 'STALL' } });
      return 'written';
    });
    expect(next).toEqual({ outcome: 'done', value: 'written' });
    expect(await prisma.auditEntry.count({ where: { action: 'stalled.write' } })).toBe(0);
    expect(await prisma.auditEntry.count({ where: { action: 'next.write' } })).toBe(1);
  });

  test('after Redis lost its counter, the first refused write lifts it and the retry succeeds', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services, { prefix: `${services.config.queuePrefix}:fresh-redis` });
    await prisma.sku.create({ data: { sku: 'RESET', fenceToken: 40n } });
    const deps = { prisma, lock: engine.lock, clock: () => new Date(), lockWaitMs: 1_000 };
    expect(await runSkuTransaction(deps, 'RESET', async () => 'first')).toEqual({ outcome: 'busy', reason: 'lock_lost' });
    expect(await runSkuTransaction(deps, 'RESET', async () => 'second')).toEqual({ outcome: 'done', value: 'second' });
    expect((await prisma.sku.findUniqueOrThrow({ where: { sku: 'RESET' } })).fenceToken).toBe(41n);
  });
});
