// Replays of old, correctly signed webhooks. The same delivery again (later, or many at once) is
// stored once and enqueued once; the same resource under a new event id, or a support replay, is
// processed again without moving stock twice; and an event older than what was already applied
// (an older X-Shopify-Triggered-At / updated_at, an older ERP row, an older WooCommerce
// date_modified_gmt) is ignored as stale with an audit note, never applied over the newer state.
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { dbTest, waitFor } from '../helpers/fixtures.js';
import { buildEngine, heldTotal, redisReady, syncState } from '../sync/engine-helpers.js';
import { adminToken, appWithRoutes } from './security-helpers.js';
import { createStoreWorld, deliverAndProcess, SHOP_LOCATION } from './store-world.js';

const SKUS = ['RPL-1', 'RPL-2', 'RPL-3', 'RPL-4', 'RPL-5', 'RPL-6'];
let app: FastifyInstance;

const test = dbTest.extend('world', { scope: 'file' }, async ({ services }) => {
  await redisReady(services);
  app = (await appWithRoutes(services)).app;
  const world = await createStoreWorld(services, SKUS, { onHand: 50 });
  const engine = buildEngine(services);
  for (const sku of SKUS) await engine.reconciler.recompute(sku, { correlationId: 'setup' });
  return { world, engine };
});

afterAll(async () => {
  await app?.close();
});

const order = (id: number, variant: string, quantity: number, cancelledAt: string | null = null) =>
  `{"id":${id},"created_at":"2026-03-01T09:30:00Z","updated_at":"${cancelledAt ?? '2026-03-01T09:30:00Z'}","cancelled_at":${cancelledAt ? `"${cancelledAt}"` : 'null'},"line_items":[{"id":1,"variant_id":${variant},"quantity":${quantity}}]}`;

const jobsFor = async (services: { queues: { get(name: 'events'): { getJob(id: string): Promise<unknown> } } }, id: string) =>
  services.queues.get('events').getJob(id);

test.describe('replayed signed webhooks', () => {
  test('the same delivery again after it was processed is a duplicate: one row, one job, one movement', async ({
    world: { world, engine },
    services,
  }) => {
    const sku = SKUS[0] as string;
    const delivery = world.shopifyDelivery(order(8001, world.idsOf(sku).variant, 2), { topic: 'orders/create', eventId: 'evt-8001' });
    const first = await deliverAndProcess(app, engine, delivery);
    expect(first.processed).toMatchObject({ outcome: 'processed', movements: 1 });
    const eventId = first.answer.eventId as string;
    await waitFor(() => jobsFor(services, eventId), { what: 'the job of the first delivery' });

    const again = await app.inject(delivery);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ outcome: 'duplicate' });
    const burst = await Promise.all(Array.from({ length: 5 }, () => app.inject(delivery)));
    expect(burst.map((response) => response.json().outcome)).toEqual(Array(5).fill('duplicate'));

    const rows = await services.prisma.inboxEvent.findMany({ where: { connectionId: world.shop.id, dedupeKey: { contains: 'evt-8001' } } });
    expect(rows.map((row) => row.id)).toEqual([eventId]);
    const jobs = await services.queues.get('events').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
    expect(jobs.filter((job) => job.data.inboxEventId === eventId)).toHaveLength(1);
    expect(await heldTotal(services.prisma, sku)).toBe(-2);
  });

  test('a first delivery raced by its own copies is accepted exactly once', async ({ world: { world }, services }) => {
    const delivery = world.shopifyDelivery(order(8002, world.idsOf(SKUS[1] as string).variant, 1), {
      topic: 'orders/create',
      eventId: 'evt-8002',
    });
    const answers = await Promise.all(Array.from({ length: 8 }, () => app.inject(delivery)));
    expect(answers.map((response) => response.json().outcome).sort()).toEqual(['accepted', ...Array(7).fill('duplicate')]);
    expect(await services.prisma.inboxEvent.count({ where: { dedupeKey: { contains: 'evt-8002' } } })).toBe(1);
  });

  test('the same order under a new event id, and a support replay of the event, never move stock twice', async ({
    world: { world, engine },
    services,
  }) => {
    const sku = SKUS[2] as string;
    const body = order(8003, world.idsOf(sku).variant, 3);
    const first = await deliverAndProcess(app, engine, world.shopifyDelivery(body, { topic: 'orders/create' }));
    expect(first.processed).toMatchObject({ movements: 1 });
    const resent = await deliverAndProcess(app, engine, world.shopifyDelivery(body, { topic: 'orders/create' }));
    expect(resent.answer.outcome).toBe('accepted');
    expect(resent.processed).toMatchObject({ outcome: 'processed', movements: 0 });

    const token = await adminToken(services);
    const replay = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${first.answer.eventId}/replay`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(replay.statusCode, replay.body).toBe(200);
    const again = await engine.processor.process({ inboxEventId: first.answer.eventId as string, correlationId: 'replay' });
    expect(again).toMatchObject({ outcome: 'processed', movements: 0 });
    expect(await heldTotal(services.prisma, sku)).toBe(-3);
  });

  test('an older inventory level (older X-Shopify-Triggered-At and updated_at) after a newer one is ignored as stale', async ({
    world: { world, engine },
    services,
  }) => {
    const sku = SKUS[3] as string;
    const { item } = world.idsOf(sku);
    const level = (available: number, at: string) =>
      `{"inventory_item_id":${item},"location_id":1,"available":${available},"updated_at":"${at}","admin_graphql_api_id":"gid://shopify/InventoryLevel/1?inventory_item_id=${item}"}`;
    const newer = await deliverAndProcess(
      app,
      engine,
      world.shopifyDelivery(level(30, '2026-03-01T10:05:00Z'), {
        topic: 'inventory_levels/update',
        triggeredAt: '2026-03-01T10:05:00.100Z',
      }),
    );
    expect(newer.processed).toMatchObject({ outcome: 'processed' });
    const before = await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION);
    expect(before?.lastSeen).toBe(30);

    const older = await deliverAndProcess(
      app,
      engine,
      world.shopifyDelivery(level(45, '2026-03-01T10:00:00Z'), {
        topic: 'inventory_levels/update',
        triggeredAt: '2026-03-01T10:00:00.100Z',
      }),
    );
    expect(older.answer.outcome).toBe('accepted');
    expect(older.processed).toMatchObject({ outcome: 'processed', movements: 0 });
    const after = await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION);
    expect(after).toMatchObject({ lastSeen: 30, lastEventAt: before?.lastEventAt, target: before?.target });
    const stale = await services.prisma.auditEntry.findMany({ where: { sku, action: 'event.stale' } });
    expect(stale).toHaveLength(1);
    expect(stale[0]?.note).toMatch(/older than one already applied/);
  });

  test('an old order snapshot replayed after the cancellation does not hold stock again', async ({
    world: { world, engine },
    services,
  }) => {
    const sku = SKUS[4] as string;
    const { variant } = world.idsOf(sku);
    const created = world.shopifyDelivery(order(8005, variant, 4), { topic: 'orders/updated', triggeredAt: '2026-03-01T09:30:01Z' });
    expect((await deliverAndProcess(app, engine, created)).processed).toMatchObject({ movements: 1 });
    const cancelled = world.shopifyDelivery(order(8005, variant, 4, '2026-03-01T11:00:00Z'), {
      topic: 'orders/cancelled',
      triggeredAt: '2026-03-01T11:00:01Z',
    });
    expect((await deliverAndProcess(app, engine, cancelled)).processed).toMatchObject({ movements: 1 });
    const oldSnapshot = world.shopifyDelivery(order(8005, variant, 4), { topic: 'orders/updated', triggeredAt: '2026-03-01T09:30:02Z' });
    expect((await deliverAndProcess(app, engine, oldSnapshot)).processed).toMatchObject({ movements: 0 });
    expect(await heldTotal(services.prisma, sku)).toBe(0);
    expect((await syncState(services.prisma, sku, world.woo.id, 'default'))?.target).toBe(50);
  });

  test('an older ERP row and an older WooCommerce order state are ignored as stale', async ({ world: { world, engine }, services }) => {
    const sku = SKUS[5] as string;
    const row = (onHand: number, at: string) =>
      `{"event":"stock.changed","items":[{"sku":"${sku}","warehouse":"WH1","onHand":${onHand},"reserved":0,"incoming":0,"available":${onHand},"updatedAt":"${at}"}]}`;
    expect((await deliverAndProcess(app, engine, world.erpDelivery(row(40, '2026-03-01T12:00:00Z')))).processed).toMatchObject({
      outcome: 'processed',
    });
    expect((await deliverAndProcess(app, engine, world.erpDelivery(row(90, '2026-03-01T11:00:00Z')))).processed).toMatchObject({
      outcome: 'processed',
      movements: 0,
    });
    expect((await services.prisma.stockSnapshot.findFirstOrThrow({ where: { sku } })).onHand).toBe(40);

    const woo = (status: string, modified: string) =>
      JSON.stringify({
        id: 8006,
        status,
        date_modified_gmt: modified,
        line_items: [{ id: 3, product_id: Number(world.idsOf(sku).wooId), variation_id: 0, quantity: 2 }],
      });
    await deliverAndProcess(app, engine, world.wooDelivery(woo('processing', '2026-03-01T12:10:00'), 'order.created'));
    await deliverAndProcess(app, engine, world.wooDelivery(woo('cancelled', '2026-03-01T12:20:00'), 'order.updated'));
    const replayed = await deliverAndProcess(app, engine, world.wooDelivery(woo('processing', '2026-03-01T12:10:00'), 'order.updated'));
    expect(replayed.processed).toMatchObject({ movements: 0 });
    expect(await heldTotal(services.prisma, sku)).toBe(0);
    expect((await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION))?.target).toBe(40);
    expect(await services.prisma.auditEntry.count({ where: { sku, action: 'event.stale' } })).toBe(2);
  });
});
