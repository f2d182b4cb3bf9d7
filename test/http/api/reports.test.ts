import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { type ServicesFixture, dbTest as test } from '../../helpers/fixtures.js';

let app: FastifyInstance;
let accountant = '';
let seeded: Awaited<ReturnType<typeof seed>>;

const day = (d: number, hour = 12) => new Date(Date.UTC(2026, 2, d, hour));

async function seed(services: ServicesFixture) {
  const { prisma } = services;
  const channel = (kind: 'shopify' | 'woocommerce', name: string) =>
    prisma.connection.create({ data: { kind, name, credentials: new Uint8Array([1]), credentialsKeyId: 'test' } });
  const shop = await channel('shopify', 'Shop');
  const woo = await channel('woocommerce', 'Woo');
  const movement = (
    sku: string,
    connectionId: string,
    quantity: number,
    occurredAt: Date,
    kind: 'sale' | 'release' = quantity < 0 ? 'sale' : 'release',
  ) =>
    prisma.movement.create({
      data: {
        idempotencyKey: randomUUID(),
        sku,
        connectionId,
        kind,
        quantity,
        status: 'reflected',
        sourceRef: `order:${sku}:${occurredAt.getTime()}`,
        occurredAt,
      },
    });
  await movement('A', shop.id, -2, day(1));
  await movement('A', woo.id, -1, day(2));
  await movement('B', shop.id, -5, day(2, 23));
  await movement('A', shop.id, 1, day(3));
  await movement('A', shop.id, -4, day(10));
  const audit = (sku: string | null, connectionId: string | null, at: Date, note: string) =>
    prisma.auditEntry.create({
      data: {
        actor: 'worker',
        action: 'sync.pushed',
        entityType: 'sync_state',
        entityId: `${sku}`,
        sku,
        connectionId,
        at,
        note,
        after: { target: 3 },
      },
    });
  await audit('A', shop.id, day(1), 'first');
  await audit('B', woo.id, day(2), '=cmd|evil');
  await audit(null, null, day(2), 'config change');
  const run = (createdAt: Date, status: 'completed' | 'failed') =>
    prisma.reconciliationRun.create({
      data: { requestedBy: 'schedule', status, createdAt, startedAt: createdAt, finishedAt: new Date(createdAt.getTime() + 90_500) },
    });
  const run1 = await run(day(1), 'completed');
  const run2 = await run(day(2), 'completed');
  await run(day(2, 18), 'failed');
  const discrepancy = (runId: string, sku: string, connectionId: string, delta: number, value: string) =>
    prisma.discrepancy.create({
      data: {
        runId,
        sku,
        connectionId,
        classification: delta > 0 ? 'channel_high' : 'channel_low',
        expected: 5,
        actual: 5 + delta,
        delta,
        unitCost: '0.1',
        value,
      },
    });
  await discrepancy(run1.id, 'A', shop.id, 1, '0.1');
  await discrepancy(run1.id, 'B', woo.id, -2, '-0.2');
  await discrepancy(run2.id, 'A', shop.id, 2, '0.2');
  await discrepancy(run2.id, 'B', shop.id, -3, '-0.3');
  return { shop, woo, run1, run2 };
}

async function get(url: string) {
  return app.inject({ method: 'GET', url: `/api/v1/reports/${url}`, headers: { authorization: `Bearer ${accountant}` } });
}

test.describe('/api/v1/reports (accountants read everything)', () => {
  test.beforeAll(async ({ services }) => {
    app = await buildServer(services);
    accountant = (await services.apiTokens.create({ role: 'accountant', name: 'books' })).token;
    seeded = await seed(services);
  });
  afterAll(async () => {
    await app?.close();
  });

  test('the movement ledger is filtered by period (from inclusive, to exclusive), SKU and channel', async () => {
    const period = await get('movements?from=2026-03-02&to=2026-03-03');
    expect(period.statusCode).toBe(200);
    expect(period.json().items.map((row: { sku: string; quantity: number }) => [row.sku, row.quantity])).toEqual([
      ['A', -1],
      ['B', -5],
    ]);
    const skuAndChannel = await get(`movements?sku=A&connectionId=${seeded.shop.id}`);
    expect(skuAndChannel.json().items.map((row: { quantity: number }) => row.quantity)).toEqual([-2, 1, -4]);
    expect(skuAndChannel.json().items[0]).toMatchObject({ connectionName: 'Shop', kind: 'sale', occurredAt: day(1).toISOString() });
  });

  test('the ledger pages by cursor without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`movements?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const body = page.json() as { items: { quantity: number }[]; nextCursor: string | null };
      seen.push(...body.items.map((row) => row.quantity));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([-2, -1, -5, 1, -4]);
  });

  test('the ledger CSV streams the filtered rows', async () => {
    const response = await get(`movements.csv?from=2026-03-01&to=2026-03-04&connectionId=${seeded.shop.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="movements_2026-03-01_2026-03-04.csv"');
    const lines = response.body.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      '\uFEFFmovement_id,occurred_at,sku,channel_id,channel,kind,quantity,status,source_ref,erp_reference,posted_at,reflected_at,correlation_id',
    );
    expect(lines.slice(1).map((line) => line.split(',').slice(2, 7).join(','))).toEqual([
      `A,${seeded.shop.id},Shop,sale,-2`,
      `B,${seeded.shop.id},Shop,sale,-5`,
      `A,${seeded.shop.id},Shop,release,1`,
    ]);
  });

  test('the audit trail is filtered by period, SKU and channel, and its CSV defuses formulas', async () => {
    const bySku = await get('audit?sku=A');
    expect(bySku.json().items.map((row: { note: string }) => row.note)).toEqual(['first']);
    const period = await get('audit?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z');
    expect(period.json().items.map((row: { note: string }) => row.note)).toEqual(['=cmd|evil', 'config change']);
    const byChannel = await get(`audit.csv?connectionId=${seeded.woo.id}`);
    const lines = byChannel.body.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(",'=cmd|evil,");
    expect(lines[1]).toContain(',"{""target"":3}",');
  });

  test('discrepancies by channel and by SKU add up exactly (0.1 + 0.2 = 0.3)', async () => {
    const response = await get('discrepancies');
    const { byChannel, bySku } = response.json();
    expect(byChannel).toEqual([
      { connectionId: seeded.shop.id, connectionName: 'Shop', classification: 'channel_high', count: 2, units: 3, value: '0.3000' },
      { connectionId: seeded.shop.id, connectionName: 'Shop', classification: 'channel_low', count: 1, units: 3, value: '-0.3000' },
      { connectionId: seeded.woo.id, connectionName: 'Woo', classification: 'channel_low', count: 1, units: 2, value: '-0.2000' },
    ]);
    expect(bySku).toEqual([
      { sku: 'B', count: 2, runs: 2, units: 5, value: '-0.5000', absoluteValue: '0.5000' },
      { sku: 'A', count: 2, runs: 2, units: 3, value: '0.3000', absoluteValue: '0.3000' },
    ]);
    const firstDay = await get(`discrepancies?to=2026-03-02&connectionId=${seeded.woo.id}`);
    expect(firstDay.json().bySku).toEqual([{ sku: 'B', count: 1, runs: 1, units: 2, value: '-0.2000', absoluteValue: '0.2000' }]);
    const csv = await get('discrepancies.csv?sku=A');
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  test('runs over time: one point per day and one row per run, narrowed to a channel', async () => {
    const response = await get(`runs?connectionId=${seeded.shop.id}`);
    const { days, runs } = response.json();
    expect(days).toEqual([
      { day: '2026-03-01', runs: 1, completed: 1, failed: 0, discrepancies: 1, valueNet: '0.1000' },
      { day: '2026-03-02', runs: 2, completed: 1, failed: 1, discrepancies: 2, valueNet: '-0.1000' },
    ]);
    expect(runs.items.map((run: { status: string; durationSeconds: string }) => [run.status, run.durationSeconds])).toEqual([
      ['completed', '90.500'],
      ['completed', '90.500'],
      ['failed', '90.500'],
    ]);
    expect(runs.items[1]).toMatchObject({ channelHigh: 1, channelLow: 1, valueHigh: '0.2000', valueLow: '-0.3000' });
    const csv = await get('runs.csv?from=2026-03-02');
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  test('totals per channel: movements in the period and the latest full run’s exposure', async () => {
    const response = await get('channel-totals?from=2026-03-01&to=2026-03-05');
    expect(response.json().items).toEqual([
      expect.objectContaining({
        name: 'Shop',
        movements: 3,
        unitsSold: 7,
        unitsReleased: 1,
        netQuantity: -6,
        latestRunId: seeded.run2.id,
        discrepancies: 2,
        valueHigh: '0.2000',
        valueLow: '-0.3000',
        valueNet: '-0.1000',
      }),
      expect.objectContaining({ name: 'Woo', movements: 1, unitsSold: 1, latestRunId: seeded.run2.id, discrepancies: 0, valueNet: '0' }),
    ]);
    const csv = await get('channel-totals.csv');
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  test.for([
    ['movements?from=2026-03-05&to=2026-03-01', 'from must be before to'],
    ['audit?from=yesterday', 'from'],
    ['movements.csv?connectionId=shop', 'connectionId'],
    ['runs?limit=100000', 'limit'],
  ])('bad filter %s is 400', async ([url, message]) => {
    const response = await get(url as string);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(message);
  });
});
