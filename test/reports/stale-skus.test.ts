import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { createStaleCheck } from '../../src/reports/stale-skus.js';
import { staleCheckHandler } from '../../workers/stale-check.js';
import { type ServicesFixture, dbTest as test } from '../helpers/fixtures.js';

const NOW = new Date('2026-04-01T12:00:00.000Z');
const SLA_MS = 300_000;
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

async function seedStates(services: ServicesFixture) {
  const { prisma } = services;
  const channel = (name: string, paused = false) =>
    prisma.connection.create({ data: { kind: 'shopify', name, paused, credentials: new Uint8Array([1]), credentialsKeyId: 'test' } });
  const shop = await channel('Shop');
  const paused = await channel('Paused', true);
  const state = (sku: string, connectionId: string, since: Date | null, status: 'pending' | 'error' | 'in_sync' | 'unmapped' = 'pending') =>
    prisma.syncState.create({
      data: { sku, connectionId, externalLocationId: 'loc-1', target: 5, lastSeen: 3, status, outOfSyncSince: since },
    });
  await state('OLD-1', shop.id, minutesAgo(60), 'error');
  await state('OLD-2', shop.id, minutesAgo(6));
  await state('FRESH', shop.id, minutesAgo(4));
  await state('SYNCED', shop.id, null, 'in_sync');
  await state('UNMAPPED', shop.id, minutesAgo(60), 'unmapped');
  await state('PAUSED', paused.id, minutesAgo(60));
  return { shop };
}

let app: FastifyInstance | undefined;

test.describe('stale SKUs', () => {
  afterAll(async () => {
    await app?.close();
  });

  test('the stale check counts pairs out of sync past the SLA into the staleSkus gauge', async ({ services }) => {
    await seedStates(services);
    const check = createStaleCheck({
      pool: services.db.pool,
      metrics: services.metrics,
      log: services.logs.log,
      slaMs: SLA_MS,
      clock: () => NOW,
    });
    const handler = staleCheckHandler(check);
    expect(await handler({}, {} as never)).toEqual({ stale: 2 });
    expect((await services.metrics.staleSkus.get()).values[0]?.value).toBe(2);
    expect(services.logs.text()).toContain('SKUs out of sync past the SLA');
    // Once the channel catches up the gauge follows.
    await services.prisma.syncState.updateMany({
      where: { sku: { in: ['OLD-1', 'OLD-2'] } },
      data: { outOfSyncSince: null, status: 'in_sync' },
    });
    expect(await check()).toEqual({ stale: 0 });
    expect((await services.metrics.staleSkus.get()).values[0]?.value).toBe(0);
  });

  test('GET /reports/stale-skus lists them longest-stale first, filterable, readable by accountants', async ({ services }) => {
    await services.prisma.$executeRawUnsafe('truncate connections cascade');
    const { shop } = await seedStates(services);
    // The endpoint uses the real clock: shift the seeded times to now.
    const shiftMs = Date.now() - NOW.getTime();
    await services.prisma.$executeRawUnsafe(
      `update sync_states set out_of_sync_since = out_of_sync_since + interval '${Math.round(shiftMs / 1000)} seconds'`,
    );
    app = await buildServer(services);
    const token = (await services.apiTokens.create({ role: 'accountant', name: 'stale' })).token;
    const response = await app.inject({ method: 'GET', url: '/api/v1/reports/stale-skus', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.slaMs).toBe(services.config.staleSkuSlaMs);
    expect(body.items.map((row: { sku: string }) => row.sku)).toEqual(['OLD-1', 'OLD-2']);
    expect(body.items[0]).toMatchObject({ connectionId: shop.id, connectionName: 'Shop', status: 'error', target: 5, lastSeen: 3 });
    expect(body.items[0].staleForSeconds).toBeGreaterThanOrEqual(3_600);
    const filtered = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/stale-skus?sku=OLD-2',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(filtered.json().items.map((row: { sku: string }) => row.sku)).toEqual(['OLD-2']);
    const csv = await app.inject({ method: 'GET', url: '/api/v1/reports/stale-skus.csv', headers: { authorization: `Bearer ${token}` } });
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(3);
  });
});
