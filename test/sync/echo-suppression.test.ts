// Our writes come back as store webhooks. These tests run the whole loop — target → push (a fake
// channel) → echo webhook → engine — and count writes: no push↔webhook loop may start, under both
// manual-edit policies, and a genuine edit right after our push is still seen as one.
import { expect } from 'vitest';
import type { PrismaClient } from '../../src/db/client.js';
import { createFakeChannel, type FakeChannel } from '../helpers/fake-connectors.js';
import { type ServicesFixture, dbTest as test } from '../helpers/fixtures.js';
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
type Engine = ReturnType<typeof buildEngine>;
type Clock = ReturnType<typeof testClock>;
type Shop = { connectionId: string; location: string; numericItemId: string; variantId: string };

function levelPayload(shop: Shop, available: number, updatedAt: Date) {
  return `{"inventory_item_id":${shop.numericItemId},"location_id":1,"available":${available},"updated_at":"${updatedAt.toISOString()}"}`;
}

async function deliverLevel(prisma: PrismaClient, engine: Engine, clock: Clock, shop: Shop, available: number) {
  const row = await insertEvent(prisma, {
    connectionId: shop.connectionId,
    source: 'shopify',
    topic: 'inventory_levels/update',
    payload: levelPayload(shop, available, clock.now()),
    receivedAt: clock.now(),
  });
  return { row, outcome: await processEvent(engine, row) };
}

/** The push side in miniature: write each scheduled target (compare-and-set on lastSeen), record it, deliver the echo. */
async function drainPushes(
  prisma: PrismaClient,
  engine: Engine,
  clock: Clock,
  channels: Map<string, { fake: FakeChannel; shop: Shop }>,
  sku: string,
) {
  let writes = 0;
  for (let round = 0; round < 10 && engine.pushes.length > 0; round++) {
    const pending = engine.pushes.splice(0);
    for (const push of pending) {
      const state = await syncState(prisma, sku, push.connectionId, push.externalLocationId);
      const channel = channels.get(push.connectionId);
      if (!state || state.target === null || state.target === state.lastSeen || !channel) continue;
      clock.advance(1_000);
      const [result] = await channel.fake.writeLevels(
        [
          {
            sku,
            externalVariantId: channel.shop.variantId,
            externalProductId: 'p',
            externalLocationId: push.externalLocationId,
            quantity: state.target,
            expectedCurrent: state.lastSeen,
            reference: 'test',
          },
        ],
        { idempotencyKey: `w${writes}` },
      );
      expect(result?.outcome).toBe('written');
      writes++;
      await recordPushed(
        prisma,
        { sku, connectionId: push.connectionId, externalLocationId: push.externalLocationId },
        state.target,
        clock.now(),
      );
      clock.advance(500);
      await deliverLevel(prisma, engine, clock, channel.shop, state.target);
    }
  }
  expect(engine.pushes).toEqual([]);
  return writes;
}

async function setup(services: ServicesFixture, sku: string, policy: 'erp-wins' | 'store-adjusts') {
  const clock = testClock(at('09:00:00'));
  const engine = buildEngine(services, { clock: clock.now, timing: { manualEditSettleMs: 10_000, echoWindowMs: 600_000 } });
  const catalog = await setupCatalog(services.prisma, {
    sku,
    onHand: 10,
    channels: [
      { kind: 'shopify', settings: { manualEditPolicy: policy } },
      { kind: 'shopify', settings: { manualEditPolicy: policy } },
    ],
  });
  const channels = new Map<string, { fake: FakeChannel; shop: Shop }>();
  for (const channel of catalog.channels) {
    const fake = createFakeChannel({ kind: 'shopify', locations: [channel.location] });
    fake.items.push({ sku, externalProductId: 'p', externalVariantId: channel.variantId, title: sku, manageStock: true });
    const shop = {
      connectionId: channel.connection.id,
      location: channel.location,
      numericItemId: channel.numericItemId,
      variantId: channel.variantId,
    };
    channels.set(channel.connection.id, { fake, shop });
  }
  await engine.reconciler.recompute(sku, { correlationId: 'setup' });
  const shops = [...channels.values()].map((channel) => channel.shop) as [Shop, Shop];
  return { clock, engine, channels, shops, erp: catalog.erp };
}

test.describe('echo suppression', () => {
  test.beforeEach(async ({ services }) => {
    await redisReady(services);
  });

  for (const policy of ['erp-wins', 'store-adjusts'] as const) {
    test(`${policy}: our writes come back as confirmations and the loop settles after one write per channel`, async ({ services }) => {
      const { prisma } = services;
      const { clock, engine, channels } = await setup(services, `ECHO-${policy}`, policy);
      expect(await drainPushes(prisma, engine, clock, channels, `ECHO-${policy}`)).toBe(2);
      expect(await prisma.auditEntry.count({ where: { sku: `ECHO-${policy}`, action: 'sync.echo_confirmed' } })).toBe(2);
      expect(await prisma.auditEntry.count({ where: { sku: `ECHO-${policy}`, action: { startsWith: 'manual_edit' } } })).toBe(0);
      expect(await heldTotal(prisma, `ECHO-${policy}`)).toBe(0);
      for (const { fake } of channels.values()) expect([...fake.levels.values()]).toEqual([10]);
    });
  }

  test('erp-wins: a genuine edit right after our push is reverted once (after the settle window), then the loop stops', async ({
    services,
  }) => {
    const { prisma } = services;
    const { clock, engine, channels, shops } = await setup(services, 'EDIT-W', 'erp-wins');
    await drainPushes(prisma, engine, clock, channels, 'EDIT-W');
    const [shop] = shops;
    clock.advance(2_000);
    (channels.get(shop.connectionId) as { fake: FakeChannel }).fake.levels.set(`${shop.variantId}@${shop.location}`, 7);
    const edit = await deliverLevel(prisma, engine, clock, shop, 7);
    expect(edit.outcome).toMatchObject({ outcome: 'deferred' });
    expect(engine.pushes).toEqual([]);
    clock.advance(10_000);
    expect(await processEvent(engine, edit.row)).toMatchObject({ outcome: 'processed' });
    expect(await prisma.auditEntry.findFirst({ where: { sku: 'EDIT-W', action: 'manual_edit.reverted' } })).toMatchObject({
      before: { quantity: 10 },
      after: { quantity: 7, target: 10 },
    });
    expect(await drainPushes(prisma, engine, clock, channels, 'EDIT-W')).toBe(1);
    expect(await heldTotal(prisma, 'EDIT-W')).toBe(0);
    expect((channels.get(shop.connectionId) as { fake: FakeChannel }).fake.levels.get(`${shop.variantId}@${shop.location}`)).toBe(10);
  });

  test('store-adjusts: a genuine edit right after our push becomes one adjustment, the other store follows, no loop', async ({
    services,
  }) => {
    const { prisma } = services;
    const { clock, engine, channels, shops } = await setup(services, 'EDIT-A', 'store-adjusts');
    await drainPushes(prisma, engine, clock, channels, 'EDIT-A');
    const [shop, other] = shops;
    clock.advance(2_000);
    const edit = await deliverLevel(prisma, engine, clock, shop, 7);
    clock.advance(10_000);
    await processEvent(engine, edit.row);
    expect(await prisma.movement.findMany({ where: { sku: 'EDIT-A' } })).toEqual([
      expect.objectContaining({ kind: 'adjustment', quantity: -3, postRequired: true }),
    ]);
    expect((await syncState(prisma, 'EDIT-A', other.connectionId, other.location))?.target).toBe(7);
    expect(await drainPushes(prisma, engine, clock, channels, 'EDIT-A')).toBe(1);
    await processEvent(engine, edit.row);
    expect(await prisma.movement.count({ where: { sku: 'EDIT-A' } })).toBe(1);
  });

  test('an echo that overtakes the push bookkeeping matches the target and is no edit', async ({ services }) => {
    const { prisma } = services;
    const { clock, engine, shops } = await setup(services, 'RACE', 'store-adjusts');
    const [shop] = shops;
    clock.advance(60_000);
    expect((await deliverLevel(prisma, engine, clock, shop, 12)).outcome).toMatchObject({ outcome: 'processed' });
    expect(await syncState(prisma, 'RACE', shop.connectionId, shop.location)).toMatchObject({ lastSeen: 12, target: 10 });
    // The push of 10 lands on the store and its webhook arrives before the push side records it.
    clock.advance(60_000);
    expect((await deliverLevel(prisma, engine, clock, shop, 10)).outcome).toMatchObject({ outcome: 'processed' });
    expect(await prisma.movement.count({ where: { sku: 'RACE' } })).toBe(0);
    expect(await prisma.auditEntry.count({ where: { sku: 'RACE', action: { startsWith: 'manual_edit' } } })).toBe(0);
    expect(await syncState(prisma, 'RACE', shop.connectionId, shop.location)).toMatchObject({ lastSeen: 10, status: 'in_sync' });
  });

  test("the store's own sale reported before its order is no edit once the order arrives", async ({ services }) => {
    const { prisma } = services;
    const { clock, engine, channels, shops } = await setup(services, 'SOLD', 'store-adjusts');
    await drainPushes(prisma, engine, clock, channels, 'SOLD');
    const [shop] = shops;
    clock.advance(5_000);
    const level = await deliverLevel(prisma, engine, clock, shop, 8);
    expect(level.outcome).toMatchObject({ outcome: 'deferred' });
    const order = shopifyOrder({
      id: '31',
      createdAt: clock.now().toISOString(),
      lines: [{ id: '1', variantId: shop.variantId.split('/').at(-1) as string, sku: 'SOLD', quantity: 2 }],
    });
    await processEvent(
      engine,
      await insertEvent(prisma, { connectionId: shop.connectionId, source: 'shopify', topic: 'orders/create', payload: order }),
    );
    clock.advance(20_000);
    await processEvent(engine, level.row);
    expect(await prisma.auditEntry.count({ where: { sku: 'SOLD', action: { startsWith: 'manual_edit' } } })).toBe(0);
    expect(await prisma.movement.findMany({ where: { sku: 'SOLD' }, select: { kind: true, quantity: true } })).toEqual([
      { kind: 'sale', quantity: -2 },
    ]);
    expect(await syncState(prisma, 'SOLD', shop.connectionId, shop.location)).toMatchObject({ target: 8, lastSeen: 8, status: 'in_sync' });
  });
});
