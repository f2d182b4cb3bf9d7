import { expect } from 'vitest';
import type { ErpConnector } from '../../src/connectors/contract.js';
import { PermanentError, RetryableError } from '../../src/connectors/errors.js';
import type { PrismaClient } from '../../src/db/client.js';
import { erpIdempotencyKey } from '../../src/sync/post-movement.js';
import { movementPostEnqueuer } from '../../src/sync/sync-engine.js';
import { createFakeErp, type FakeErp } from '../helpers/fake-connectors.js';
import { dbTest as test } from '../helpers/fixtures.js';
import { buildEngine, insertEvent, processEvent, redisReady, setupCatalog, shopifyOrder, syncState, testClock } from './engine-helpers.js';

const at = (time: string) => new Date(`2026-03-01T${time}.000Z`);

async function sellTwo(
  prisma: PrismaClient,
  engine: ReturnType<typeof buildEngine>,
  shop: { connection: { id: string }; numericVariantId: string },
  sku: string,
  createdAt = '2026-03-01T09:30:00Z',
) {
  const order = shopifyOrder({ id: '1', createdAt, lines: [{ id: '1', variantId: shop.numericVariantId, sku, quantity: 2 }] });
  await processEvent(
    engine,
    await insertEvent(prisma, { connectionId: shop.connection.id, source: 'shopify', topic: 'orders/create', payload: order }),
  );
}

async function erpReport(prisma: PrismaClient, engine: ReturnType<typeof buildEngine>, erpId: string, fake: FakeErp, sku: string) {
  const items = [...fake.stock.values()]
    .filter((row) => row.sku === sku)
    .map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() }));
  return processEvent(
    engine,
    await insertEvent(prisma, {
      connectionId: erpId,
      source: 'erp',
      topic: 'stock.changed',
      payload: JSON.stringify({ event: 'stock.changed', items }),
    }),
  );
}

test.describe('posting movements to the ERP', () => {
  test.beforeEach(async ({ services }) => {
    await redisReady(services);
  });

  test('post-movements: posted once with its key, then reflected by the next ERP report (never counted twice)', async ({ services }) => {
    const { prisma } = services;
    const clock = testClock(at('10:00:00'));
    const fake = createFakeErp({ clock: clock.now });
    const engine = buildEngine(services, { clock: clock.now, erpConnectorFor: async () => fake });
    const { erp, channels } = await setupCatalog(prisma, { sku: 'P1', onHand: 10, channels: [{ kind: 'shopify' }] });
    fake.setStock({ sku: 'P1', warehouse: 'WH1', onHand: 10, reserved: 0, incoming: 0, updatedAt: at('09:00:00') });
    const shop = channels[0] as (typeof channels)[0];
    await sellTwo(prisma, engine, shop, 'P1');
    expect(engine.posts).toHaveLength(1);
    const job = engine.posts[0] as { movementId: string; correlationId: string };

    clock.advance(1_000);
    expect(await engine.poster.post(job)).toEqual({ outcome: 'posted', erpReference: 'ERP-1' });
    const movement = await prisma.movement.findUniqueOrThrow({ where: { id: BigInt(job.movementId) } });
    expect(movement).toMatchObject({ status: 'posted', erpReference: 'ERP-1', postRequestedAt: at('10:00:01') });
    expect(fake.posts).toEqual([
      expect.objectContaining({
        idempotencyKey: erpIdempotencyKey(movement.idempotencyKey),
        outcome: 'posted',
        movement: expect.objectContaining({ quantity: -2, kind: 'sale', warehouse: 'WH1' }),
      }),
    ]);
    expect((await syncState(prisma, 'P1', shop.connection.id, shop.location))?.target).toBe(8);

    clock.advance(1_000);
    await erpReport(prisma, engine, erp.id, fake, 'P1');
    expect(await prisma.movement.findUniqueOrThrow({ where: { id: BigInt(job.movementId) } })).toMatchObject({ status: 'reflected' });
    expect((await syncState(prisma, 'P1', shop.connection.id, shop.location))?.target).toBe(8);
    expect(await engine.poster.post(job)).toEqual({ outcome: 'already_done' });
    expect(fake.posts).toHaveLength(1);
  });

  test('a failed post is retried with the same key and body; a lost answer is not applied twice', async ({ services }) => {
    const { prisma } = services;
    const fake = createFakeErp();
    let loseNextAnswer = true;
    const flaky: ErpConnector = {
      ...fake,
      async postMovement(movement, key) {
        const result = await fake.postMovement(movement, key);
        if (loseNextAnswer) {
          loseNextAnswer = false;
          throw new RetryableError('socket hang up after the ERP applied it', { code: 'ERP_TIMEOUT' });
        }
        return result;
      },
    };
    const engine = buildEngine(services, { erpConnectorFor: async () => flaky });
    const { channels } = await setupCatalog(prisma, { sku: 'P2', onHand: 10, channels: [{ kind: 'shopify' }] });
    fake.setStock({ sku: 'P2', warehouse: 'WH1', onHand: 10, reserved: 0, incoming: 0 });
    fake.failures.push(new RetryableError('ERP down', { code: 'ERP_HTTP_503', status: 503 }));
    await sellTwo(prisma, engine, channels[0] as (typeof channels)[0], 'P2');
    const job = engine.posts[0] as { movementId: string; correlationId: string };

    await expect(engine.poster.post(job)).rejects.toMatchObject({ code: 'ERP_HTTP_503' });
    expect(await prisma.movement.findUniqueOrThrow({ where: { id: BigInt(job.movementId) } })).toMatchObject({
      status: 'pending',
      postError: expect.stringContaining('ERP_HTTP_503'),
    });
    await expect(engine.poster.post(job)).rejects.toMatchObject({ code: 'ERP_TIMEOUT' });
    expect(await engine.poster.post(job)).toMatchObject({ outcome: 'posted' });
    expect(fake.posts.map((post) => post.outcome)).toEqual(['posted', 'duplicate']);
    expect(new Set(fake.posts.map((post) => post.idempotencyKey)).size).toBe(1);
    expect(fake.stock.get('P2@WH1')?.onHand).toBe(8);
  });

  test('a permanent refusal marks the movement failed (still lowering stock) and is thrown for the dead-letter list', async ({
    services,
  }) => {
    const { prisma } = services;
    const fake = createFakeErp();
    fake.failures.push(new PermanentError('unknown item', { code: 'ERP_UNKNOWN_ITEM', status: 422 }));
    const engine = buildEngine(services, { erpConnectorFor: async () => fake });
    const { channels } = await setupCatalog(prisma, { sku: 'P3', onHand: 10, channels: [{ kind: 'shopify' }] });
    const shop = channels[0] as (typeof channels)[0];
    await sellTwo(prisma, engine, shop, 'P3');
    const job = engine.posts[0] as { movementId: string; correlationId: string };
    await expect(engine.poster.post(job)).rejects.toMatchObject({ kind: 'permanent', code: 'ERP_UNKNOWN_ITEM' });
    expect(await prisma.movement.findUniqueOrThrow({ where: { id: BigInt(job.movementId) } })).toMatchObject({ status: 'failed' });
    expect(await prisma.auditEntry.count({ where: { sku: 'P3', action: 'movement.post_failed' } })).toBe(1);
    await engine.reconciler.recompute('P3', { correlationId: 'again' });
    expect((await syncState(prisma, 'P3', shop.connection.id, shop.location))?.target).toBe(8);
  });

  test('an ERP report that races the post bookkeeping still reflects the movement', async ({ services }) => {
    const { prisma } = services;
    const clock = testClock(at('10:00:00'));
    const fake = createFakeErp({ clock: clock.now });
    let erpId = '';
    let engine: ReturnType<typeof buildEngine> | null = null;
    const racing: ErpConnector = {
      ...fake,
      async postMovement(movement, key) {
        const result = await fake.postMovement(movement, key);
        // The ERP's stock.changed webhook for this post is processed before the post's answer is recorded.
        await erpReport(prisma, engine as ReturnType<typeof buildEngine>, erpId, fake, movement.sku);
        return result;
      },
    };
    engine = buildEngine(services, { clock: clock.now, erpConnectorFor: async () => racing });
    const { erp, channels } = await setupCatalog(prisma, { sku: 'P4', onHand: 10, channels: [{ kind: 'shopify' }] });
    erpId = erp.id;
    fake.setStock({ sku: 'P4', warehouse: 'WH1', onHand: 10, reserved: 0, incoming: 0, updatedAt: at('09:00:00') });
    const shop = channels[0] as (typeof channels)[0];
    await sellTwo(prisma, engine, shop, 'P4');
    const job = engine.posts[0] as { movementId: string; correlationId: string };
    await engine.poster.post(job);
    expect(await prisma.movement.findUniqueOrThrow({ where: { id: BigInt(job.movementId) } })).toMatchObject({ status: 'reflected' });
    expect((await syncState(prisma, 'P4', shop.connection.id, shop.location))?.target).toBe(8);
  });

  test('reserve-only: nothing is posted; the reservation holds until the import lag passed and the ERP reported after the order', async ({
    services,
  }) => {
    const { prisma } = services;
    const clock = testClock(at('09:31:00'));
    const engine = buildEngine(services, { clock: clock.now });
    const { erp, channels } = await setupCatalog(prisma, {
      sku: 'R1',
      onHand: 10,
      channels: [{ kind: 'shopify' }],
      erpSettings: { movementPolicy: 'reserve-only', orderImportLagMs: 600_000 },
    });
    const shop = channels[0] as (typeof channels)[0];
    await sellTwo(prisma, engine, shop, 'R1', '2026-03-01T09:30:00Z');
    expect(engine.posts).toEqual([]);
    expect(await prisma.movement.findFirstOrThrow({ where: { sku: 'R1' } })).toMatchObject({ postRequired: false, status: 'pending' });

    // The ERP imported the order and reports 8 at 09:35: within the lag, so the reservation still counts.
    const report = JSON.stringify({
      event: 'stock.changed',
      items: [{ sku: 'R1', warehouse: 'WH1', onHand: 8, reserved: 0, incoming: 0, available: 8, updatedAt: '2026-03-01T09:35:00.000Z' }],
    });
    clock.set(at('09:36:00'));
    await processEvent(engine, await insertEvent(prisma, { connectionId: erp.id, source: 'erp', topic: 'stock.changed', payload: report }));
    expect((await syncState(prisma, 'R1', shop.connection.id, shop.location))?.target).toBe(6);

    clock.set(at('09:41:00'));
    await engine.reconciler.recompute('R1', { correlationId: 'later' });
    expect(await prisma.movement.findFirstOrThrow({ where: { sku: 'R1' } })).toMatchObject({ status: 'reflected' });
    expect((await syncState(prisma, 'R1', shop.connection.id, shop.location))?.target).toBe(8);
  });

  test('a movement is queued for posting once, however often its event is retried', async ({ services }) => {
    const enqueue = movementPostEnqueuer(services.queues);
    await enqueue({ movementId: '77', correlationId: 'c1' });
    await enqueue({ movementId: '77', correlationId: 'c2' });
    const jobs = await services.queues.get('events').getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.filter((job) => job.name === 'movement.post').map((job) => [job.id, job.data])).toEqual([
      ['movement-post-77', { movementId: '77', correlationId: 'c1' }],
    ]);
  });
});
