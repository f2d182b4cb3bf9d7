// 500 events on one SKU through real BullMQ workers (concurrency 8) and the real per-SKU lock:
// every event is processed, none twice, and the stock ends exactly where the orders put it.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createWorkerRedis } from '../../src/queue/redis.js';
import { processEventHandler } from '../../workers/process-event.js';
import { startWorkers } from '../../workers/runtime.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';
import { buildEngine, heldTotal, redisReady, setupCatalog, syncState } from './engine-helpers.js';

test('lock contention: 500 events on one SKU with 8 concurrent workers end in the right quantity', { timeout: 180_000 }, async ({
  services,
}) => {
  const { prisma } = services;
  await redisReady(services);
  const engine = buildEngine(services);
  const { channels } = await setupCatalog(prisma, {
    sku: 'HOT',
    onHand: 1_000,
    channels: [{ kind: 'woocommerce' }, { kind: 'woocommerce' }, { kind: 'shopify' }],
  });
  const woo = channels[0] as (typeof channels)[0];
  const orders = 440;
  const payloads = Array.from({ length: orders }, (_, index) =>
    JSON.stringify({
      id: 10_000 + index,
      status: 'processing',
      date_modified_gmt: '2026-03-01T09:00:00',
      line_items: [{ id: index + 1, product_id: Number(woo.variantId), quantity: 1, sku: 'HOT' }],
    }),
  );
  // 60 duplicate deliveries of orders already in the list: 500 events in all.
  const events = [...payloads, ...payloads.slice(0, 60)];
  const rows = [];
  for (const payload of events) {
    rows.push({
      id: randomUUID(),
      connectionId: woo.connection.id,
      source: 'woocommerce',
      topic: 'order.updated',
      dedupeKey: randomUUID(),
      payload,
      status: 'enqueued' as const,
      correlationId: randomUUID(),
    });
  }
  await prisma.inboxEvent.createMany({ data: rows });

  const connection = createWorkerRedis(services.config.redis, 'contention-test');
  const runtime = startWorkers({
    connection,
    prefix: services.config.queuePrefix,
    handlers: { 'event.process': processEventHandler(engine.processor) },
    concurrency: { events: 8 },
    log: services.log,
    metrics: services.metrics,
  });
  try {
    await services.queues.addBulk(
      'event.process',
      rows.map((row) => ({ payload: { inboxEventId: row.id, correlationId: row.correlationId }, options: { jobId: row.id } })),
    );
    await waitFor(
      async () => (await prisma.inboxEvent.count({ where: { connectionId: woo.connection.id, status: 'processed' } })) === events.length,
      {
        timeoutMs: 170_000,
        intervalMs: 250,
        what: 'all 500 events processed',
      },
    );
  } finally {
    await runtime.close();
    await connection.quit();
  }

  expect(await prisma.movement.count({ where: { sku: 'HOT' } })).toBe(orders);
  expect(await heldTotal(prisma, 'HOT')).toBe(-orders);
  for (const channel of channels)
    expect((await syncState(prisma, 'HOT', channel.connection.id, channel.location))?.target).toBe(1_000 - orders);
  expect(await prisma.inboxEvent.count({ where: { connectionId: woo.connection.id, status: { not: 'processed' } } })).toBe(0);
  const failed = await services.queues.get('events').getFailedCount();
  expect(failed).toBe(0);
});
