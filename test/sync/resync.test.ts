// The sku.resync job on real PostgreSQL and Redis: recompute every SKU in scope, re-read the stores'
// levels (drift behind our back is found), mark rows pending and let the push correct only what differs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { RetryableError } from '../../src/connectors/errors.js';
import { createResyncRunner } from '../../src/sync/resync.js';
import { createFakeChannel, type FakeChannel, fakeFactory, seedConnection, seedItems, startPushWorkers } from '../helpers/fake-channel.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';

const channels = new Map<string, FakeChannel>();
let workers: ReturnType<typeof startPushWorkers> | undefined;
const recomputed: string[] = [];
/** SKUs whose recompute finds the lock held by another worker. */
const busy = new Set<string>();

function runner(services: Parameters<typeof startPushWorkers>[0]) {
  if (!workers) throw new Error('workers not started');
  return createResyncRunner({
    prisma: services.prisma,
    connectors: fakeFactory(channels),
    // The decision core's recompute is exercised in its own tests; here it records what it was asked.
    recomputeSku: async ({ sku }) => {
      recomputed.push(sku);
      return busy.has(sku) ? { outcome: 'busy', reason: 'lock_busy' } : { outcome: 'done' };
    },
    enqueuePush: workers.enqueuePush,
    metrics: services.metrics,
    log: services.log,
    chunkSize: 2,
  });
}

test.describe('sku.resync', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await workers?.close();
  });

  test('everything: recomputes every SKU, finds drift on the store, corrects it with one write and leaves paused stores held', async ({
    services,
  }) => {
    workers = startPushWorkers(services, { channels, coalesceMs: 0 });
    const { prisma } = services;
    const store = await seedConnection(prisma);
    const paused = await seedConnection(prisma, { paused: true });
    const fake = createFakeChannel();
    const pausedFake = createFakeChannel();
    channels.set(store, fake);
    channels.set(paused, pausedFake);
    await seedItems(prisma, store, fake, [
      { sku: 'RS-1', target: 5, lastSeen: 5, level: 7 }, // someone edited the store; the webhook was lost
      { sku: 'RS-2', target: 3, lastSeen: 3 },
    ]);
    await prisma.syncState.create({ data: { sku: 'RS-3', connectionId: store, target: 2, status: 'in_sync' } }); // no listing
    await seedItems(prisma, paused, pausedFake, [{ sku: 'RS-1', target: 5, lastSeen: 5, level: 9, status: 'in_sync' }]);
    await prisma.sku.create({ data: { sku: 'RS-4' } });
    const correlationId = randomUUID();

    const outcome = await runner(services).run({ correlationId, requestedBy: 'token:t1' });
    expect(outcome).toMatchObject({ skus: 4, busySkus: 0 });
    expect([...recomputed].sort()).toEqual(['RS-1', 'RS-2', 'RS-3', 'RS-4']);
    expect(outcome.channels).toEqual(
      expect.arrayContaining([
        { connectionId: store, outcome: 'queued', marked: 3, readFailures: 0 },
        { connectionId: paused, outcome: 'paused', marked: 0, readFailures: 0 },
      ]),
    );
    const state = (sku: string) => prisma.syncState.findFirstOrThrow({ where: { sku, connectionId: store } });
    await waitFor(async () => (await state('RS-1')).status === 'in_sync', { what: 'drift corrected' });
    await waitFor(async () => (await state('RS-3')).status === 'unmapped', { what: 'unmapped settled' });
    expect(fake.level('i-RS-1', 'loc-1')).toBe(5);
    expect((await state('RS-2')).status).toBe('in_sync');
    expect(fake.writes.map((call) => call.batch.map((write) => [write.sku, write.quantity, write.expectedCurrent]))).toEqual([
      [['RS-1', 5, 7]],
    ]);
    expect(pausedFake.reads).toBe(0);
    expect(pausedFake.level('i-RS-1', 'loc-1')).toBe(9);
    const reads = await prisma.channelCall.findMany({ where: { connectionId: store, operation: 'readLevels' } });
    expect(reads.every((call) => call.correlationId === correlationId && call.ok)).toBe(true);
    expect(await prisma.auditEntry.findFirstOrThrow({ where: { action: 'resync.completed', entityId: correlationId } })).toMatchObject({
      actor: 'token:t1',
    });
  });

  test('one SKU: recomputes only it (a busy lock is counted); a store that cannot be read is still pushed to, with compare-and-set', async ({
    services,
  }) => {
    recomputed.length = 0;
    const { prisma } = services;
    const store = await seedConnection(prisma);
    const fake = createFakeChannel();
    channels.set(store, fake);
    await seedItems(prisma, store, fake, [
      { sku: 'ONE-1', target: 4, lastSeen: 6, level: 6 },
      { sku: 'ONE-2', target: 1, lastSeen: 8, level: 8 },
    ]);
    fake.throwOnRead.push(new RetryableError('timeout', { code: 'SHOPIFY_TIMEOUT' }));
    busy.add('ONE-1');
    const outcome = await runner(services).run({ sku: 'ONE-1', correlationId: randomUUID(), requestedBy: 'user:u1' });
    expect(recomputed).toEqual(['ONE-1']);
    expect(outcome).toMatchObject({ skus: 1, busySkus: 1 });
    expect(outcome.channels.find((channel) => channel.connectionId === store)).toEqual({
      connectionId: store,
      outcome: 'queued',
      marked: 1,
      readFailures: 1,
    });
    await waitFor(async () => fake.level('i-ONE-1', 'loc-1') === 4, { what: 'pushed' });
    expect(fake.level('i-ONE-2', 'loc-1')).toBe(8);
    expect(await prisma.channelCall.findFirst({ where: { connectionId: store, operation: 'readLevels' } })).toMatchObject({
      ok: false,
      errorCode: 'SHOPIFY_TIMEOUT',
    });
  });
});
