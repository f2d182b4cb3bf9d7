// Negative and huge quantities in signed webhooks (store orders and ERP stock rows), through the
// webhook route and the engine's event processor. The documented rules (src/sync/payloads.ts,
// src/sync/targets.ts):
// - every quantity is a whole number within ±1,000,000,000, sent as a JSON number or a string of
//   digits ("12" is 12); anything else (2^53+1, 1e308, 1.5) makes the event invalid: it is marked
//   failed with the field named, and nothing moves;
// - order and refund line quantities are never negative (a refund is its own event);
// - ERP stock may be negative (ERPs allow it); a channel target is never below 0 nor above
//   1,000,000,000 (Shopify's largest quantity), however large the ERP's numbers add up.
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { MAX_CHANNEL_QUANTITY } from '../../src/sync/targets.js';
import { dbTest } from '../helpers/fixtures.js';
import { buildEngine, heldTotal, redisReady, syncState } from '../sync/engine-helpers.js';
import { appWithRoutes } from './security-helpers.js';
import { createStoreWorld, deliverAndProcess, SHOP_LOCATION } from './store-world.js';

const SKUS = Array.from({ length: 12 }, (_, index) => `QTY-${index}`);
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

const INVALID = [
  ['2^53+1', '9007199254740993'],
  ['1e308', '1e308'],
  ['a fraction', '1.5'],
  ['past the ±1e9 bound', '1000000001'],
  ['a non-numeric string', '"12 units"'],
  ['negative', '-1'],
] as const;

test.describe('negative and huge quantities', () => {
  test.for(INVALID.map(([name, raw], index) => ({ name, raw, sku: SKUS[index] as string })))(
    'a Shopify order line quantity of $name ($raw) is refused by name and moves nothing',
    async ({ raw, sku }, { world: { world, engine }, services }) => {
      const { variant } = world.idsOf(sku);
      const body = `{"id":${7_000 + SKUS.indexOf(sku)},"created_at":"2026-03-01T09:30:00Z","line_items":[{"id":1,"variant_id":${variant},"sku":"${sku}","quantity":${raw}}]}`;
      const { response, processed } = await deliverAndProcess(app, engine, world.shopifyDelivery(body, { topic: 'orders/create' }));
      expect(response.statusCode).toBe(200);
      expect(processed).toBeInstanceOf(Error);
      expect((processed as Error & { code: string }).code).toBe('EVENT_PAYLOAD_INVALID');
      expect((processed as Error).message).toContain('line_items.0.quantity');
      const row = await services.prisma.inboxEvent.findFirstOrThrow({ where: { connectionId: world.shop.id, payload: body } });
      expect(row.status).toBe('failed');
      expect(await heldTotal(services.prisma, sku)).toBe(0);
      expect((await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION))?.target).toBe(50);
    },
  );

  test('a quantity sent as a string of digits counts as that number', async ({ world: { world, engine }, services }) => {
    const sku = SKUS[6] as string;
    const body = `{"id":7100,"created_at":"2026-03-01T09:30:00Z","line_items":[{"id":1,"variant_id":${world.idsOf(sku).variant},"quantity":"12"}]}`;
    const { processed } = await deliverAndProcess(app, engine, world.shopifyDelivery(body, { topic: 'orders/create' }));
    expect(processed).toMatchObject({ outcome: 'processed', movements: 1 });
    expect(await heldTotal(services.prisma, sku)).toBe(-12);
    expect((await syncState(services.prisma, sku, world.woo.id, 'default'))?.target).toBe(38);
  });

  test('a WooCommerce line first sent as -1 and then as 5 holds exactly 5', async ({ world: { world, engine }, services }) => {
    const sku = SKUS[7] as string;
    const order = (quantity: number, modified: string) =>
      JSON.stringify({
        id: 555,
        status: 'processing',
        date_modified_gmt: modified,
        line_items: [{ id: 9, product_id: Number(world.idsOf(sku).wooId), variation_id: 0, sku, quantity }],
      });
    const first = await deliverAndProcess(app, engine, world.wooDelivery(order(-1, '2026-03-01T10:00:00'), 'order.created'));
    expect(first.processed).toBeInstanceOf(Error);
    const second = await deliverAndProcess(app, engine, world.wooDelivery(order(5, '2026-03-01T10:05:00'), 'order.updated'));
    expect(second.processed).toMatchObject({ outcome: 'processed' });
    expect(await heldTotal(services.prisma, sku)).toBe(-5);
    expect((await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION))?.target).toBe(45);
  });

  const erpRow = (sku: string, onHand: string, updatedAt: string, warehouse = 'WH1') =>
    `{"sku":"${sku}","warehouse":"${warehouse}","onHand":${onHand},"reserved":0,"incoming":0,"available":${onHand},"updatedAt":"${updatedAt}"}`;

  test.for(INVALID.filter(([name]) => name !== 'negative').map(([name, raw]) => ({ name, raw })))(
    'an ERP stock row with onHand $name ($raw) is refused by name and leaves stock and targets alone',
    async ({ raw }, { world: { world, engine }, services }) => {
      const sku = SKUS[8] as string;
      const body = `{"event":"stock.changed","items":[${erpRow(sku, raw, '2026-03-02T10:00:00Z')}]}`;
      const { processed } = await deliverAndProcess(app, engine, world.erpDelivery(body));
      expect((processed as Error & { code: string }).code).toBe('EVENT_PAYLOAD_INVALID');
      expect((processed as Error).message).toContain('items.0.onHand');
      const snapshot = await services.prisma.stockSnapshot.findFirstOrThrow({ where: { sku } });
      expect(snapshot.onHand).toBe(50);
      expect((await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION))?.target).toBe(50);
    },
  );

  test('negative ERP stock is recorded as the ERP says, and every channel target stops at 0', async ({
    world: { world, engine },
    services,
  }) => {
    const sku = SKUS[9] as string;
    const body = `{"event":"stock.changed","items":[${erpRow(sku, '-1', '2026-03-02T10:00:00Z')}]}`;
    const { processed } = await deliverAndProcess(app, engine, world.erpDelivery(body));
    expect(processed).toMatchObject({ outcome: 'processed' });
    expect((await services.prisma.stockSnapshot.findFirstOrThrow({ where: { sku } })).onHand).toBe(-1);
    expect((await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION))?.target).toBe(0);
    expect((await syncState(services.prisma, sku, world.woo.id, 'default'))?.target).toBe(0);
  });

  test('ERP stock as a string of digits is read as that number', async ({ world: { world, engine }, services }) => {
    const sku = SKUS[10] as string;
    const body = `{"event":"stock.changed","items":[${erpRow(sku, '"12"', '2026-03-02T10:00:00Z')}]}`;
    expect((await deliverAndProcess(app, engine, world.erpDelivery(body))).processed).toMatchObject({ outcome: 'processed' });
    expect((await services.prisma.stockSnapshot.findFirstOrThrow({ where: { sku } })).onHand).toBe(12);
    expect((await syncState(services.prisma, sku, world.shop.id, SHOP_LOCATION))?.target).toBe(12);
  });

  test('three warehouses of 1e9 each give a target of the largest quantity a store accepts, not an overflow', async ({
    world: { world, engine },
    services,
  }) => {
    const sku = SKUS[11] as string;
    const rows = ['WH1', 'WH2', 'WH3'].map((warehouse) => erpRow(sku, '1000000000', '2026-03-02T10:00:00Z', warehouse));
    const { processed } = await deliverAndProcess(app, engine, world.erpDelivery(`{"event":"stock.changed","items":[${rows.join(',')}]}`));
    expect(processed).toMatchObject({ outcome: 'processed' });
    for (const [connectionId, location] of [
      [world.shop.id, SHOP_LOCATION],
      [world.woo.id, 'default'],
    ] as const) {
      const state = await syncState(services.prisma, sku, connectionId, location);
      expect(state?.target).toBe(MAX_CHANNEL_QUANTITY);
      expect(state?.status).not.toBe('error');
    }
    // A sale still lowers it from the real figure: 3e9 − 7 is still above the cap.
    const body = `{"id":7200,"created_at":"2026-03-02T11:00:00Z","line_items":[{"id":1,"variant_id":${world.idsOf(sku).variant},"quantity":7}]}`;
    expect((await deliverAndProcess(app, engine, world.shopifyDelivery(body, { topic: 'orders/create' }))).processed).toMatchObject({
      outcome: 'processed',
      movements: 1,
    });
    expect((await syncState(services.prisma, sku, world.woo.id, 'default'))?.target).toBe(MAX_CHANNEL_QUANTITY);
  });
});
