import { expect } from 'vitest';
import { dbTest as test } from '../helpers/fixtures.js';
import {
  buildEngine,
  heldTotal,
  insertEvent,
  processEvent,
  recordPushed,
  redisReady,
  setupCatalog,
  shopifyOrder,
  syncState,
  testClock,
} from './engine-helpers.js';

const at = (time: string) => new Date(`2026-03-01T${time}.000Z`);

test.describe('events → movements → targets', () => {
  test.beforeEach(async ({ services }) => {
    await redisReady(services);
  });

  test('a sale on store A books one movement and lowers stores B and C in the same step', async ({ services }) => {
    const { prisma } = services;
    const clock = testClock(at('09:00:00'));
    const engine = buildEngine(services, { clock: clock.now });
    const { channels } = await setupCatalog(prisma, {
      sku: 'TEE',
      onHand: 10,
      channels: [{ kind: 'shopify' }, { kind: 'woocommerce' }, { kind: 'woocommerce' }],
    });
    await engine.reconciler.recompute('TEE', { correlationId: 'setup' });
    expect(engine.pushes.map((push) => push.connectionId).sort()).toEqual(channels.map((channel) => channel.connection.id).sort());
    for (const channel of channels)
      await recordPushed(
        prisma,
        { sku: 'TEE', connectionId: channel.connection.id, externalLocationId: channel.location },
        10,
        at('09:01:00'),
      );
    engine.pushes.length = 0;

    const [a, b, c] = channels as [(typeof channels)[0], (typeof channels)[0], (typeof channels)[0]];
    const row = await insertEvent(prisma, {
      connectionId: a.connection.id,
      source: 'shopify',
      topic: 'orders/create',
      payload: shopifyOrder({
        id: '820982911946154508',
        lines: [{ id: '466157049', variantId: a.numericVariantId, sku: 'TEE', quantity: 2 }],
      }),
    });
    expect(await processEvent(engine, row)).toEqual({ outcome: 'processed', skus: ['TEE'], movements: 1 });

    const movements = await prisma.movement.findMany({ where: { sku: 'TEE' } });
    expect(movements).toEqual([
      expect.objectContaining({
        idempotencyKey: expect.stringMatching(/^shopify:shop-.*:order:820982911946154508:line:466157049:placed$/),
        quantity: -2,
        kind: 'sale',
        warehouse: 'WH1',
        correlationId: row.correlationId,
      }),
    ]);
    for (const channel of [a, b, c]) expect((await syncState(prisma, 'TEE', channel.connection.id, channel.location))?.target).toBe(8);
    // Store A already shows 8 (its own order decremented it): only B and C need a push.
    expect((await syncState(prisma, 'TEE', a.connection.id, a.location))?.lastSeen).toBe(8);
    expect(engine.pushes.map((push) => push.connectionId).sort()).toEqual([b.connection.id, c.connection.id].sort());
    expect(engine.pushes.every((push) => push.correlationId === row.correlationId)).toBe(true);
    expect(await prisma.auditEntry.count({ where: { correlationId: row.correlationId, action: 'movement.applied' } })).toBe(1);
    expect(await prisma.inboxEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'processed', attempts: 1 });
  });

  test('duplicate deliveries, replays and concurrent duplicates never move stock twice', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'MUG', onHand: 20, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    const payload = shopifyOrder({ id: '7001', lines: [{ id: '1', variantId: shop.numericVariantId, sku: 'MUG', quantity: 3 }] });
    const rows = await Promise.all(
      [1, 2, 3].map(() => insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic: 'orders/create', payload })),
    );
    const outcomes = await Promise.all(rows.map((row) => processEvent(engine, row)));
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['processed', 'processed', 'processed']);
    await processEvent(engine, rows[0] as (typeof rows)[0]);
    const poll = await insertEvent(prisma, { connectionId: shop.connection.id, source: 'poll', topic: 'orders/updated', payload });
    await processEvent(engine, poll);
    expect(await heldTotal(prisma, 'MUG')).toBe(-3);
    expect(await prisma.movement.count({ where: { sku: 'MUG' } })).toBe(1);
  });

  test('cancel after create releases; a cancel delivered first nets to zero with the late create', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'CAP', onHand: 10, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    const order = (id: string, cancelledAt: string | null) =>
      shopifyOrder({ id, cancelledAt, lines: [{ id: '5', variantId: shop.numericVariantId, sku: 'CAP', quantity: 2 }] });
    const send = async (topic: string, payload: string) =>
      processEvent(engine, await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic, payload }));

    await send('orders/create', order('1', null));
    await send('orders/cancelled', order('1', '2026-03-01T10:00:00Z'));
    expect(await heldTotal(prisma, 'CAP')).toBe(0);

    await send('orders/cancelled', order('2', '2026-03-01T10:00:00Z'));
    await send('orders/create', order('2', null));
    expect(await heldTotal(prisma, 'CAP')).toBe(0);
    expect(await prisma.movement.count({ where: { sku: 'CAP' } })).toBe(4);
  });

  test('a partial refund releases only what it restocks', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'SOCK', onHand: 10, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    const send = async (topic: string, payload: string) =>
      processEvent(engine, await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic, payload }));
    await send(
      'orders/create',
      shopifyOrder({ id: '9', lines: [{ id: '77', variantId: shop.numericVariantId, sku: 'SOCK', quantity: 5 }] }),
    );
    const refund = `{"id":301,"order_id":9,"created_at":"2026-03-01T11:00:00Z","refund_line_items":[
      {"id":1,"line_item_id":77,"quantity":2,"restock_type":"return"},{"id":2,"line_item_id":77,"quantity":1,"restock_type":"no_restock"}]}`;
    await send('refunds/create', refund);
    await send('refunds/create', refund);
    expect(await heldTotal(prisma, 'SOCK')).toBe(-3);
    const target = await syncState(prisma, 'SOCK', shop.connection.id, shop.location);
    expect(target?.target).toBe(7);
  });

  test('a refund for an order not seen yet is retried later, never guessed', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'BAG', onHand: 10, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    const row = await insertEvent(prisma, {
      connectionId: shop.connection.id,
      source: 'shopify',
      topic: 'refunds/create',
      payload:
        '{"id":1,"order_id":55,"created_at":"2026-03-01T11:00:00Z","refund_line_items":[{"id":1,"line_item_id":2,"quantity":1,"restock_type":"return"}]}',
    });
    await expect(processEvent(engine, row)).rejects.toMatchObject({ code: 'ORDER_NOT_SEEN', kind: 'retryable' });
    expect(await prisma.inboxEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('ORDER_NOT_SEEN'),
    });
    expect(await prisma.movement.count({ where: { sku: 'BAG' } })).toBe(0);
  });

  test('WooCommerce processing→cancelled→processing reserves twice, once per transition, and a late older delivery is ignored', async ({
    services,
  }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'PAN', onHand: 10, channels: [{ kind: 'woocommerce' }] });
    const woo = channels[0] as (typeof channels)[0];
    const order = (status: string, modified: string) =>
      JSON.stringify({
        id: 727,
        status,
        date_modified_gmt: `2026-03-01T${modified}`,
        line_items: [{ id: 315, product_id: Number(woo.variantId), variation_id: 0, quantity: 2, sku: 'PAN' }],
      });
    const send = async (topic: string, payload: string) =>
      processEvent(engine, await insertEvent(prisma, { connectionId: woo.connection.id, source: 'woocommerce', topic, payload }));
    await send('order.created', order('pending', '09:00:00'));
    await send('order.updated', order('processing', '09:01:00'));
    await send('order.updated', order('processing', '09:01:00'));
    await send('order.updated', order('cancelled', '09:02:00'));
    await send('order.updated', order('processing', '09:01:00')); // a late retry of an older state
    await send('order.updated', order('processing', '09:03:00'));
    const keys = (await prisma.movement.findMany({ where: { sku: 'PAN' }, orderBy: { id: 'asc' } })).map((movement) =>
      movement.idempotencyKey.split(':').slice(-2).join(':'),
    );
    expect(keys).toEqual(['hold:1', 'release:1', 'hold:2']);
    expect(await heldTotal(prisma, 'PAN')).toBe(-2);
    expect(await prisma.auditEntry.count({ where: { sku: 'PAN', action: 'event.stale' } })).toBe(1);
  });

  test('ERP stock changes move every target; an older ERP row is ignored with an audit note', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { erp, channels } = await setupCatalog(prisma, {
      sku: 'LAMP',
      onHand: 10,
      channels: [{ kind: 'woocommerce', settings: { bufferQuantity: 2 } }, { kind: 'shopify' }],
    });
    const stock = (onHand: number, updatedAt: string) =>
      JSON.stringify({
        event: 'stock.changed',
        items: [
          {
            sku: 'LAMP',
            warehouse: 'WH1',
            onHand,
            reserved: 1,
            incoming: 0,
            available: onHand - 1,
            unitCost: '12.50',
            name: 'Desk lamp',
            updatedAt,
          },
        ],
      });
    const send = async (payload: string) =>
      processEvent(engine, await insertEvent(prisma, { connectionId: erp.id, source: 'erp', topic: 'stock.changed', payload }));
    await send(stock(20, '2026-03-01T10:00:00.000Z'));
    await send(stock(5, '2026-03-01T09:59:00.000Z'));
    const [woo, shop] = channels as [(typeof channels)[0], (typeof channels)[0]];
    expect((await syncState(prisma, 'LAMP', woo.connection.id))?.target).toBe(17);
    expect((await syncState(prisma, 'LAMP', shop.connection.id, shop.location))?.target).toBe(19);
    expect(await prisma.sku.findUniqueOrThrow({ where: { sku: 'LAMP' } })).toMatchObject({ name: 'Desk lamp' });
    expect(await prisma.auditEntry.count({ where: { sku: 'LAMP', action: 'event.stale' } })).toBe(1);
    expect(await prisma.movement.findMany({ where: { sku: 'LAMP' } })).toEqual([
      expect.objectContaining({ kind: 'erp_change', quantity: 10, status: 'reflected' }),
    ]);
  });

  test('a store report older than one already applied is ignored with an audit note', async ({ services }) => {
    const { prisma } = services;
    const clock = testClock(at('10:00:00'));
    const engine = buildEngine(services, { clock: clock.now, timing: { manualEditSettleMs: 0 } });
    const { channels } = await setupCatalog(prisma, { sku: 'VASE', onHand: 10, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    const level = (available: number, updatedAt: string) =>
      `{"inventory_item_id":${shop.numericItemId},"location_id":1,"available":${available},"updated_at":"${updatedAt}"}`;
    const send = async (payload: string) =>
      processEvent(
        engine,
        await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic: 'inventory_levels/update', payload }),
      );
    await send(level(10, '2026-03-01T09:50:00Z'));
    await send(level(4, '2026-03-01T09:40:00Z'));
    expect((await syncState(prisma, 'VASE', shop.connection.id, shop.location))?.lastSeen).toBe(10);
    expect(await prisma.auditEntry.findFirst({ where: { sku: 'VASE', action: 'event.stale' } })).toMatchObject({
      note: expect.stringContaining('older than one already applied'),
    });
  });

  test('unknown items, unmapped locations and lines without a SKU are reported, never bound', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'BOWL', onHand: 10, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    const send = async (topic: string, payload: string) =>
      processEvent(engine, await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic, payload }));
    expect(
      await send('inventory_levels/update', '{"inventory_item_id":1,"location_id":1,"available":3,"updated_at":"2026-03-01T09:00:00Z"}'),
    ).toMatchObject({ outcome: 'ignored' });
    expect(
      await send(
        'inventory_levels/update',
        `{"inventory_item_id":${shop.numericItemId},"location_id":2,"available":3,"updated_at":"2026-03-01T09:00:00Z"}`,
      ),
    ).toEqual({
      outcome: 'ignored',
      reason: 'the store location is not mapped',
    });
    const outcome = await send('orders/create', shopifyOrder({ id: '1', lines: [{ id: '1', variantId: '424242', sku: '', quantity: 1 }] }));
    expect(outcome).toMatchObject({ outcome: 'ignored' });
    expect(await prisma.auditEntry.count({ where: { action: 'event.line_unmapped', connectionId: shop.connection.id } })).toBe(1);
    expect(await prisma.movement.count()).toBe(await prisma.movement.count({ where: { NOT: { sku: 'BOWL' } } }));
  });

  test('a payload that is not what its topic promises fails permanently and writes nothing', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'JUG', onHand: 10, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    const row = await insertEvent(prisma, {
      connectionId: shop.connection.id,
      source: 'shopify',
      topic: 'orders/create',
      payload: '{"id":1,"line_items":"nope"}',
    });
    await expect(processEvent(engine, row)).rejects.toMatchObject({ code: 'EVENT_PAYLOAD_INVALID', kind: 'permanent' });
    expect(await prisma.inboxEvent.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'failed' });
    expect(await prisma.movement.count({ where: { sku: 'JUG' } })).toBe(0);
  });

  test('an item deleted in a store stops its pushes with a clear state', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services);
    const { channels } = await setupCatalog(prisma, { sku: 'OLD', onHand: 10, channels: [{ kind: 'woocommerce' }] });
    const woo = channels[0] as (typeof channels)[0];
    await engine.reconciler.recompute('OLD', { correlationId: 'setup' });
    engine.pushes.length = 0;
    const row = await insertEvent(prisma, {
      connectionId: woo.connection.id,
      source: 'woocommerce',
      topic: 'product.deleted',
      payload: `{"id":${woo.variantId}}`,
    });
    expect(await processEvent(engine, row)).toMatchObject({ outcome: 'processed', skus: ['OLD'] });
    expect(await prisma.listing.findFirstOrThrow({ where: { connectionId: woo.connection.id } })).toMatchObject({ state: 'deleted' });
    expect(await syncState(prisma, 'OLD', woo.connection.id)).toMatchObject({
      status: 'deleted',
      target: null,
      lastError: expect.stringMatching(/^DELETED/),
    });
    expect(engine.pushes).toEqual([]);
  });

  test('a SKU changed on the store is reported and its reports are not bound to the old SKU', async ({ services }) => {
    const { prisma } = services;
    const engine = buildEngine(services, { timing: { manualEditSettleMs: 0 } });
    const { channels } = await setupCatalog(prisma, {
      sku: 'RENAMED',
      onHand: 10,
      channels: [{ kind: 'woocommerce' }, { kind: 'shopify' }],
    });
    const [woo, shop] = channels as [(typeof channels)[0], (typeof channels)[0]];
    const product = JSON.stringify({
      id: Number(woo.variantId),
      sku: 'RENAMED-2',
      manage_stock: true,
      stock_quantity: 3,
      date_modified_gmt: '2026-03-01T09:00:00',
    });
    const outcome = await processEvent(
      engine,
      await insertEvent(prisma, { connectionId: woo.connection.id, source: 'woocommerce', topic: 'product.updated', payload: product }),
    );
    expect(outcome).toEqual({ outcome: 'ignored', reason: 'the item SKU changed on the store' });
    expect(await prisma.movement.count({ where: { sku: 'RENAMED' } })).toBe(0);
    const shopProduct = `{"id":1,"variants":[{"id":${shop.numericVariantId},"sku":"RENAMED-X","inventory_item_id":${shop.numericItemId}}]}`;
    await processEvent(
      engine,
      await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic: 'products/update', payload: shopProduct }),
    );
    const notes = await prisma.auditEntry.findMany({ where: { action: 'listing.sku_changed', sku: 'RENAMED' }, orderBy: { id: 'asc' } });
    expect(notes.map((note) => note.connectionId)).toEqual([woo.connection.id, shop.connection.id]);
  });
});
