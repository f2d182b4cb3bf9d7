// The push side end to end on real PostgreSQL and Redis: schedulePush → coalesced channel.push job →
// batched compare-and-set writes to an in-memory channel → sync states, channel calls and audit rows.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { PermanentError, ThrottledError } from '../../src/connectors/errors.js';
import { resumeHeldPushes } from '../../src/sync/push-hold.js';
import { createFakeChannel, type FakeChannel, seedConnection, seedItems, setTarget, startPushWorkers } from '../helpers/fake-channel.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';

const channels = new Map<string, FakeChannel>();
let workers: ReturnType<typeof startPushWorkers> | undefined;

async function newChannel(prisma: Parameters<typeof seedConnection>[0], options: { maxBatchSize?: number; paused?: boolean } = {}) {
  const connectionId = await seedConnection(prisma, { paused: options.paused ?? false });
  const fake = createFakeChannel({ maxBatchSize: options.maxBatchSize ?? 250 });
  channels.set(connectionId, fake);
  return { connectionId, fake };
}

function push(connectionId: string, sku: string, location = 'loc-1') {
  if (!workers) throw new Error('workers not started');
  return workers.schedulePush({ connectionId, sku, externalLocationId: location, correlationId: randomUUID() });
}

const stateOf = (prisma: Parameters<typeof seedConnection>[0], connectionId: string, sku: string) =>
  prisma.syncState.findUniqueOrThrow({
    where: { sku_connectionId_externalLocationId: { sku, connectionId, externalLocationId: 'loc-1' } },
  });

test.describe('channel.push', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await workers?.close();
  });

  test('1,000 changes over 50 SKUs in a burst become a handful of batched writes, each within the batch limit', async ({ services }) => {
    workers = startPushWorkers(services, { channels, coalesceMs: 400 });
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma, { maxBatchSize: 20 });
    const skus = Array.from({ length: 50 }, (_, index) => `BURST-${String(index).padStart(2, '0')}`);
    await seedItems(
      prisma,
      connectionId,
      fake,
      skus.map((sku) => ({ sku, target: 100, lastSeen: 100 })),
    );
    const finalTarget = new Map<string, number>();
    for (let wave = 0; wave < 20; wave++) {
      await Promise.all(
        skus.map(async (sku, index) => {
          const target = 100 - wave - (index % 3);
          finalTarget.set(sku, target);
          await setTarget(prisma, connectionId, sku, target);
          await push(connectionId, sku);
        }),
      );
    }
    await waitFor(async () => skus.every((sku) => fake.level(`i-${sku}`, 'loc-1') === finalTarget.get(sku)), {
      what: 'every level at its final target',
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await prisma.syncState.count({ where: { connectionId, status: 'in_sync' } })) === 50, {
      what: 'all in sync',
    });
    const calls = fake.writes.length;
    expect(calls).toBeGreaterThanOrEqual(3); // 50 SKUs need at least three batches of 20
    expect(calls).toBeLessThanOrEqual(15); // versus 1,000 one-per-change calls
    for (const call of fake.writes) expect(call.batch.length).toBeLessThanOrEqual(20);
    expect(await prisma.channelCall.count({ where: { connectionId, operation: 'writeLevels', ok: true } })).toBe(calls);
  });

  test('a push observes webhook-to-channel latency from the inbox event that started the wait', async ({ services }) => {
    const { prisma } = services;
    const connectionId = await seedConnection(prisma);
    const fake = createFakeChannel();
    channels.set(connectionId, fake);
    await seedItems(prisma, connectionId, fake, [{ sku: 'LAT-1', target: 1, lastSeen: 2 }]);
    const correlationId = randomUUID();
    await prisma.inboxEvent.create({
      data: {
        connectionId,
        source: 'shopify',
        topic: 'orders/create',
        dedupeKey: correlationId,
        payload: '{}',
        correlationId,
        receivedAt: new Date(Date.now() - 2_000),
      },
    });
    const latency = async () => {
      const values = (await services.metrics.syncLatency.get()).values;
      const pick = (suffix: string) => values.find((v) => v.metricName?.endsWith(suffix))?.value ?? 0;
      return { count: pick('_count'), sum: pick('_sum') };
    };
    const before = await latency();
    await (workers as NonNullable<typeof workers>).schedulePush({ connectionId, sku: 'LAT-1', externalLocationId: 'loc-1', correlationId });
    await waitFor(async () => (await stateOf(prisma, connectionId, 'LAT-1')).status === 'in_sync', { what: 'in sync' });
    await waitFor(async () => (await latency()).count === before.count + 1, { what: 'latency observed' });
    expect((await latency()).sum - before.sum).toBeGreaterThanOrEqual(2); // seconds since the webhook arrived
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { connectionId, action: 'sync.pushed' } });
    expect(audit).toMatchObject({ sku: 'LAT-1', correlationId, before: { lastSeen: 2 }, after: { quantity: 1 } });
  });

  test('a SKU whose channel already shows the target is settled in sync without any call', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    await seedItems(prisma, connectionId, fake, [{ sku: 'SAME-1', target: 7, lastSeen: 7 }]);
    await push(connectionId, 'SAME-1');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'SAME-1')).status === 'in_sync', { what: 'in sync' });
    const audit = await waitFor(() => prisma.auditEntry.findFirst({ where: { connectionId, sku: 'SAME-1', action: 'sync.push_skipped' } }));
    expect(audit.note).toBe('channel already shows the target');
    expect(fake.writes).toHaveLength(0);
    expect(await prisma.channelCall.count({ where: { connectionId } })).toBe(0);
  });

  test('one failing item does not fail its batch: the others are written, it records its error', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    // Pending before one push job, so the three certainly share one batch.
    const items = ['OK-1', 'BAD-1', 'OK-2'].map((sku) => ({ sku, target: 4, lastSeen: 9, status: 'pending' as const }));
    await seedItems(prisma, connectionId, fake, items);
    fake.itemFailures.set('BAD-1', { code: 'INVALID_QUANTITY_TOO_HIGH', message: 'quantity too high', retryable: false });
    await (workers as NonNullable<typeof workers>).enqueuePush(connectionId, randomUUID());
    await waitFor(async () => (await stateOf(prisma, connectionId, 'BAD-1')).status === 'error', { what: 'error recorded' });
    const bad = await stateOf(prisma, connectionId, 'BAD-1');
    expect(bad.lastError).toBe('INVALID_QUANTITY_TOO_HIGH: quantity too high');
    expect(bad.attempts).toBe(1);
    for (const sku of ['OK-1', 'OK-2']) {
      const ok = await stateOf(prisma, connectionId, sku);
      expect(ok).toMatchObject({ status: 'in_sync', lastPushed: 4, lastSeen: 4, lastError: null, pendingCorrelationId: null });
      expect(fake.level(`i-${sku}`, 'loc-1')).toBe(4);
    }
    expect(fake.level('i-BAD-1', 'loc-1')).toBe(9);
    expect(fake.writes).toHaveLength(1);
    expect(await prisma.deadLetter.count({ where: { connectionId } })).toBe(0);
    const audit = await prisma.auditEntry.findMany({ where: { connectionId }, orderBy: { sku: 'asc' } });
    expect(audit.map((row) => [row.sku, row.action])).toEqual([
      ['BAD-1', 'sync.push_failed'],
      ['OK-1', 'sync.pushed'],
      ['OK-2', 'sync.pushed'],
    ]);
  });

  test('a retryable item failure is retried by the job until it lands', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    await seedItems(prisma, connectionId, fake, [{ sku: 'FLAKY-1', target: 2, lastSeen: 6 }]);
    fake.itemFailures.set('FLAKY-1', { code: 'SHOPIFY_INTERNAL', message: 'try again', retryable: true, once: true });
    await push(connectionId, 'FLAKY-1');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'FLAKY-1')).status === 'in_sync', { what: 'in sync after retry' });
    expect(fake.level('i-FLAKY-1', 'loc-1')).toBe(2);
    expect(fake.writes).toHaveLength(2);
  });

  test('a stale compare-and-set re-reads the channel and retries once from the fresh value, never blindly', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    // We believe the channel shows 10, but a sale made it 8 behind our back.
    await seedItems(prisma, connectionId, fake, [{ sku: 'CAS-1', target: 5, lastSeen: 10, level: 8 }]);
    await push(connectionId, 'CAS-1');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'CAS-1')).status === 'in_sync', { what: 'in sync' });
    expect(fake.writes.map((call) => call.batch.map((write) => [write.quantity, write.expectedCurrent]))).toEqual([[[5, 10]], [[5, 8]]]);
    expect(fake.writes[1]?.idempotencyKey).toBe(`${fake.writes[0]?.idempotencyKey}-stale-0`);
    expect(fake.reads).toBe(1);
    expect(fake.level('i-CAS-1', 'loc-1')).toBe(5);
    const calls = await prisma.channelCall.findMany({ where: { connectionId }, orderBy: { id: 'asc' } });
    expect(calls.map((call) => call.operation)).toEqual(['writeLevels', 'readLevels', 'writeLevels']);
  });

  test('a stale write whose re-read shows the target already is settled without a second write', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    await seedItems(prisma, connectionId, fake, [{ sku: 'CAS-2', target: 3, lastSeen: 10, level: 3 }]);
    await push(connectionId, 'CAS-2');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'CAS-2')).status === 'in_sync', { what: 'in sync' });
    expect(fake.writes).toHaveLength(1);
    expect((await stateOf(prisma, connectionId, 'CAS-2')).lastSeen).toBe(3);
  });

  test('an item the channel no longer has is marked deleted and never pushed again', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    await seedItems(prisma, connectionId, fake, [{ sku: 'GONE-1', target: 3, lastSeen: 1 }]);
    fake.levels.clear();
    await push(connectionId, 'GONE-1');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'GONE-1')).status === 'deleted', { what: 'deleted' });
    const listing = await prisma.listing.findFirstOrThrow({ where: { connectionId, sku: 'GONE-1' } });
    expect(listing.state).toBe('deleted');
    await setTarget(prisma, connectionId, 'GONE-1', 2);
    await push(connectionId, 'GONE-1');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'GONE-1')).status === 'deleted', { what: 'settled deleted again' });
    await waitFor(async () => (await prisma.auditEntry.count({ where: { connectionId, action: 'sync.item_deleted' } })) === 2, {
      what: 'two audit rows',
    });
    expect(fake.writes).toHaveLength(1);
  });

  test('a paused connection holds its pushes; resuming pushes the latest target', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma, { paused: true });
    await seedItems(prisma, connectionId, fake, [{ sku: 'HOLD-1', target: 6, lastSeen: 2 }]);
    await push(connectionId, 'HOLD-1');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'HOLD-1')).status === 'paused', { what: 'held' });
    await setTarget(prisma, connectionId, 'HOLD-1', 5);
    await push(connectionId, 'HOLD-1');
    await waitFor(async () => (await stateOf(prisma, connectionId, 'HOLD-1')).status === 'paused', { what: 'held again' });
    expect(fake.writes).toHaveLength(0);
    await prisma.connection.update({ where: { id: connectionId }, data: { paused: false } });
    const resumed = await resumeHeldPushes(
      { prisma, enqueuePush: (workers as NonNullable<typeof workers>).enqueuePush },
      connectionId,
      randomUUID(),
    );
    expect(resumed).toEqual({ outcome: 'resumed', released: 1 });
    await waitFor(async () => (await stateOf(prisma, connectionId, 'HOLD-1')).status === 'in_sync', { what: 'pushed after resume' });
    expect(fake.level('i-HOLD-1', 'loc-1')).toBe(5);
    expect(fake.writes).toHaveLength(1);
  });

  test('resuming a connection that is still paused releases nothing', async ({ services }) => {
    const { prisma } = services;
    const { connectionId } = await newChannel(prisma, { paused: true });
    const outcome = await resumeHeldPushes({ prisma, enqueuePush: async () => {} }, connectionId, randomUUID());
    expect(outcome).toEqual({ outcome: 'still_paused' });
  });

  test('a change that arrives while the push is running is pushed by the next job, not lost', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    await seedItems(prisma, connectionId, fake, [{ sku: 'RUN-1', target: 9, lastSeen: 1 }]);
    let open: () => void = () => {};
    fake.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    await push(connectionId, 'RUN-1');
    await waitFor(async () => fake.writes.length === 1, { what: 'first write in flight' });
    await setTarget(prisma, connectionId, 'RUN-1', 4);
    await push(connectionId, 'RUN-1');
    fake.gate = null;
    open();
    await waitFor(async () => fake.level('i-RUN-1', 'loc-1') === 4, { what: 'second target pushed' });
    await waitFor(async () => (await stateOf(prisma, connectionId, 'RUN-1')).status === 'in_sync', { what: 'in sync' });
    expect(fake.writes.map((call) => call.batch[0]?.quantity)).toEqual([9, 4]);
  });

  test('a throttling storm delays pushes but loses none, and a healthy store is not held up by it', async ({ services }) => {
    const { prisma } = services;
    const stormy = await newChannel(prisma, { maxBatchSize: 10 });
    const healthy = await newChannel(prisma, { maxBatchSize: 10 });
    const skus = Array.from({ length: 25 }, (_, index) => `STORM-${index}`);
    for (const channel of [stormy, healthy])
      await seedItems(
        prisma,
        channel.connectionId,
        channel.fake,
        skus.map((sku) => ({ sku, target: 3, lastSeen: 8 })),
      );
    for (let index = 0; index < 6; index++) {
      stormy.fake.throwOnWrite.push(new ThrottledError('Throttled', { code: 'SHOPIFY_THROTTLED', retryAfterMs: 30 }));
    }
    await Promise.all(skus.flatMap((sku) => [push(stormy.connectionId, sku), push(healthy.connectionId, sku)]));
    await waitFor(async () => skus.every((sku) => healthy.fake.level(`i-${sku}`, 'loc-1') === 3), { what: 'healthy store in sync' });
    await waitFor(async () => skus.every((sku) => stormy.fake.level(`i-${sku}`, 'loc-1') === 3), {
      what: 'stormy store in sync',
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await prisma.syncState.count({ where: { connectionId: stormy.connectionId, status: 'in_sync' } })) === 25);
    // The throttle was recorded on the rows while they waited, and cleared once they landed.
    expect(await prisma.syncState.count({ where: { connectionId: stormy.connectionId, lastError: { not: null } } })).toBe(0);
    expect(stormy.fake.throwOnWrite).toHaveLength(0);
    expect(await prisma.deadLetter.count({ where: { connectionId: stormy.connectionId } })).toBe(0);
    const throttled = await prisma.channelCall.findMany({ where: { connectionId: stormy.connectionId, ok: false } });
    expect(throttled).toHaveLength(6);
    expect(throttled.every((call) => call.errorCode === 'SHOPIFY_THROTTLED')).toBe(true);
  });

  test('a permanent call error dead-letters the push with its context, and the rows stay pending', async ({ services }) => {
    const { prisma } = services;
    const { connectionId, fake } = await newChannel(prisma);
    await seedItems(prisma, connectionId, fake, [{ sku: 'AUTH-1', target: 1, lastSeen: 2 }]);
    fake.throwOnWrite.push(
      new PermanentError('Invalid API key or access token', { code: 'SHOPIFY_AUTH_FAILED', status: 401, requestId: 'req-42' }),
    );
    const correlationId = randomUUID();
    await (workers as NonNullable<typeof workers>).schedulePush({
      connectionId,
      sku: 'AUTH-1',
      externalLocationId: 'loc-1',
      correlationId,
    });
    const letter = await waitFor(() => prisma.deadLetter.findFirst({ where: { connectionId } }), { what: 'dead letter' });
    expect(letter).toMatchObject({
      jobName: 'channel.push',
      errorCode: 'SHOPIFY_AUTH_FAILED',
      errorMessage: 'Invalid API key or access token',
      attempts: 1,
      status: 'open',
      correlationId,
      payload: { connectionId, correlationId },
    });
    expect(letter.context).toMatchObject({ kind: 'permanent', httpStatus: 401, requestId: 'req-42', queue: 'pushes' });
    expect(await stateOf(prisma, connectionId, 'AUTH-1')).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'SHOPIFY_AUTH_FAILED: Invalid API key or access token',
    });
    expect(await prisma.channelCall.findFirst({ where: { connectionId } })).toMatchObject({
      ok: false,
      httpStatus: 401,
      errorCode: 'SHOPIFY_AUTH_FAILED',
    });
  });
});
