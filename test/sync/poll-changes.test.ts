// The polling safety net on real PostgreSQL and Redis: what a poll finds becomes inbox rows (source
// `poll`) and event.process jobs, exactly once however often it is seen; cursors move forward; the
// job schedulers follow the connections.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { ErpConnector, ErpStockRow } from '../../src/connectors/contract.js';
import { JOBS } from '../../src/queue/catalog.js';
import { createChangePoller } from '../../src/sync/poll-changes.js';
import { createConnectionChangeHandler, pollSchedulerId, syncPollSchedules } from '../../src/sync/poll-schedules.js';
import { createFakeChannel, type FakeChannel, fakeFactory, seedConnection } from '../helpers/fake-channel.js';
import { type ServicesFixture, dbTest as test } from '../helpers/fixtures.js';

const T0 = new Date('2026-05-01T10:00:00.000Z');

function fakeErp(rows: ErpStockRow[]): ErpConnector & { asked: Date[] } {
  const asked: Date[] = [];
  return {
    kind: 'generic-rest',
    asked,
    testConnection: async () => ({ outcome: 'ok', detail: 'fake' }),
    listWarehouses: async () => ['main'],
    listStock: async () => ({ items: [], nextCursor: null }),
    async listChangedStock(since, cursor) {
      asked.push(since);
      // Two pages, to prove the poll follows the cursor.
      if (cursor === null) return { items: rows.slice(0, 1), nextCursor: 'page-2' };
      return { items: rows.slice(1), nextCursor: null };
    },
    readStock: async () => [],
    postMovement: async () => ({ outcome: 'posted', erpReference: 'x' }),
  };
}

function poller(services: ServicesFixture, channels: Map<string, FakeChannel>, erps: Map<string, ErpConnector>, now: () => Date) {
  return createChangePoller({
    prisma: services.prisma,
    connectors: fakeFactory(channels, erps),
    enqueueEvent: async (inboxEventId, correlationId) => {
      await services.queues.add('event.process', { inboxEventId, correlationId }, { jobId: inboxEventId });
    },
    log: services.log,
    clock: now,
  });
}

test('a Shopify poll stores each missed change once, enqueues it, and moves the cursor', async ({ services }) => {
  const { prisma } = services;
  const connectionId = await seedConnection(prisma);
  await prisma.connection.update({ where: { id: connectionId }, data: { createdAt: new Date(T0.getTime() - 3_600_000) } });
  const fake = createFakeChannel();
  fake.changes.push(
    {
      topic: 'orders/create',
      resourceId: '820982911946154508',
      modifiedAt: new Date(T0.getTime() - 60_000),
      payload: '{"id":820982911946154508}',
    },
    { topic: 'products/update', resourceId: '632910392', modifiedAt: new Date(T0.getTime() - 30_000), payload: '{"id":632910392}' },
  );
  let now = T0;
  const run = poller(services, new Map([[connectionId, fake]]), new Map(), () => now);

  expect(await run.poll(connectionId)).toMatchObject({ outcome: 'polled', pages: 1, found: 2, stored: 2, cursor: T0.toISOString() });
  const rows = await prisma.inboxEvent.findMany({ where: { connectionId }, orderBy: { topic: 'asc' } });
  expect(rows.map((row) => [row.source, row.topic, row.status, row.resourceId, row.payload])).toEqual([
    ['poll', 'orders/create', 'enqueued', '820982911946154508', '{"id":820982911946154508}'],
    ['poll', 'products/update', 'enqueued', '632910392', '{"id":632910392}'],
  ]);
  expect(rows.every((row) => (row.headers as { platform?: string }).platform === 'shopify')).toBe(true);
  expect(new Set(rows.map((row) => row.correlationId)).size).toBe(2);
  for (const row of rows) {
    const job = await services.queues.get('events').getJob(row.id);
    expect(job?.data).toEqual({ inboxEventId: row.id, correlationId: row.correlationId });
  }
  expect((await prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).pollCursor).toEqual(T0);

  // The next poll overlaps the last minute: it sees the products change again and stores nothing.
  now = new Date(T0.getTime() + 120_000);
  expect(await run.poll(connectionId)).toMatchObject({ outcome: 'polled', found: 1, stored: 0 });
  expect(await prisma.inboxEvent.count({ where: { connectionId } })).toBe(2);
});

test('a WooCommerce change already delivered by webhook is not stored again by the poll', async ({ services }) => {
  const { prisma } = services;
  const connectionId = await seedConnection(prisma, { kind: 'woocommerce' });
  await prisma.connection.update({ where: { id: connectionId }, data: { createdAt: new Date(T0.getTime() - 3_600_000) } });
  // As the webhook path stores it: (topic, id, date_modified_gmt) (connectors/woocommerce/webhooks.ts).
  await prisma.inboxEvent.create({
    data: {
      connectionId,
      source: 'woocommerce',
      topic: 'order.updated',
      dedupeKey: 'order.updated:727:2026-05-01T09:59:00',
      payload: '{}',
      correlationId: randomUUID(),
      status: 'processed',
    },
  });
  const fake = createFakeChannel({ kind: 'woocommerce' });
  fake.changes.push(
    {
      topic: 'order.updated',
      resourceId: '727',
      modifiedAt: new Date('2026-05-01T09:59:00Z'),
      payload: '{"id":727,"date_modified_gmt":"2026-05-01T09:59:00"}',
    },
    {
      topic: 'order.updated',
      resourceId: '728',
      modifiedAt: new Date('2026-05-01T09:59:30Z'),
      payload: '{"id":728,"date_modified_gmt":"2026-05-01T09:59:30"}',
    },
  );
  const run = poller(services, new Map([[connectionId, fake]]), new Map(), () => T0);
  expect(await run.poll(connectionId)).toMatchObject({ found: 2, stored: 1 });
  const polled = await prisma.inboxEvent.findFirstOrThrow({ where: { connectionId, source: 'poll' } });
  expect(polled).toMatchObject({
    topic: 'order.updated',
    resourceId: '728',
    dedupeKey: 'order.updated:728:2026-05-01T09:59:30',
    headers: { platform: 'woocommerce' },
  });
});

test('an ERP poll follows every page and stores stock.changed events shaped like the ERP webhook', async ({ services }) => {
  const { prisma } = services;
  const connectionId = await seedConnection(prisma, { kind: 'erp' });
  const at = new Date('2026-05-01T09:58:00Z');
  const rows: ErpStockRow[] = [
    { sku: 'ERP-1', warehouse: 'main', onHand: 10, reserved: 2, incoming: 0, available: 8, updatedAt: at },
    { sku: 'ERP-2', warehouse: 'main', onHand: 5, reserved: 0, incoming: 3, available: 5, updatedAt: at },
  ];
  const erp = fakeErp(rows);
  const run = poller(services, new Map(), new Map([[connectionId, erp]]), () => T0);
  expect(await run.poll(connectionId)).toMatchObject({ outcome: 'polled', pages: 2, found: 2, stored: 2 });
  const stored = await prisma.inboxEvent.findMany({ where: { connectionId }, orderBy: { resourceId: 'asc' } });
  expect(stored.map((row) => [row.topic, row.resourceId, (row.headers as { platform: string }).platform])).toEqual([
    ['stock.changed', 'ERP-1', 'erp'],
    ['stock.changed', 'ERP-2', 'erp'],
  ]);
  expect(JSON.parse(stored[0]?.payload ?? '')).toEqual({
    event: 'stock.changed',
    items: [{ ...rows[0], updatedAt: '2026-05-01T09:58:00.000Z' }],
  });
  // Polled again, the same stock state is the same event.
  expect(await run.poll(connectionId)).toMatchObject({ stored: 0 });
  expect(erp.asked[2]).toEqual(new Date(T0.getTime() - 60_000));
});

test.for([
  ['paused', { paused: true }, 'paused'],
  ['deleted', { deletedAt: T0 }, 'connection_gone'],
] as const)('a %s connection is not polled and its cursor stays put', async ([_name, change, reason], { services }) => {
  const { prisma } = services;
  const connectionId = await seedConnection(prisma);
  await prisma.connection.update({ where: { id: connectionId }, data: change });
  const fake = createFakeChannel();
  fake.changes.push({ topic: 'orders/create', resourceId: '1', modifiedAt: T0, payload: '{}' });
  const run = poller(services, new Map([[connectionId, fake]]), new Map(), () => T0);
  expect(await run.poll(connectionId)).toEqual({ outcome: 'skipped', reason });
  expect(await prisma.inboxEvent.count({ where: { connectionId } })).toBe(0);
  expect((await prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).pollCursor).toBeNull();
});

test('poll schedules follow the connections: one per active connection, removed on pause and delete', async ({ services }) => {
  const { prisma } = services;
  await prisma.connection.updateMany({ data: { deletedAt: T0 } }); // only this test's connections count
  const active = await seedConnection(prisma);
  const erp = await seedConnection(prisma, { kind: 'erp' });
  const paused = await seedConnection(prisma, { paused: true });
  const queue = services.queues.get('maintenance');
  const sync = () =>
    syncPollSchedules({
      prisma,
      queue,
      intervalMs: 120_000,
      jobOptions: { attempts: JOBS['connection.poll'].attempts, backoff: { type: 'stockbridge' } },
      log: services.log,
    });
  const first = await sync();
  expect(first.scheduled.sort()).toEqual([active, erp].sort());
  const keys = async () => (await queue.getJobSchedulers(0, -1, true)).map((scheduler) => scheduler.key).sort();
  expect(await keys()).toEqual([pollSchedulerId(active), pollSchedulerId(erp)].sort());
  const scheduler = await queue.getJobScheduler(pollSchedulerId(active));
  expect(scheduler).toMatchObject({ every: 120_000, template: { data: { connectionId: active } } });
  expect(await sync()).toMatchObject({ removed: [] }); // idempotent

  await prisma.connection.update({ where: { id: erp }, data: { paused: true } });
  await prisma.connection.update({ where: { id: active }, data: { deletedAt: T0 } });
  await prisma.connection.update({ where: { id: paused }, data: { paused: false } });
  const after = await sync();
  expect(after.removed.sort()).toEqual([active, erp].sort());
  expect(await keys()).toEqual([pollSchedulerId(paused)]);
});

test('after a connection change the schedules are re-synced, and only a resume releases held pushes', async () => {
  const calls: string[] = [];
  const handle = createConnectionChangeHandler({
    syncPollSchedules: async () => {
      calls.push('sync');
    },
    resumeHeldPushes: async (connectionId, correlationId) => {
      calls.push(`resume ${connectionId} ${correlationId}`);
    },
    newCorrelationId: () => 'corr-1',
  });
  for (const change of ['created', 'updated', 'paused', 'deleted'] as const) await handle('c-1', change);
  expect(calls).toEqual(['sync', 'sync', 'sync', 'sync']);
  await handle('c-1', 'resumed');
  expect(calls.slice(4)).toEqual(['sync', 'resume c-1 corr-1']);
});
