// SQL-looking and unicode SKUs end to end: a signed Shopify order for each goes through the webhook
// route and the engine, then the SKU API, the events API and the reports read it back. Every one is
// stored and returned exactly as sent (no normalisation: é and e + U+0301 stay two SKUs), matched
// exactly (% and _ are not wildcards), and never executed.
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { csvCell } from '../../src/reports/csv.js';
import { dbTest } from '../helpers/fixtures.js';
import { buildEngine, redisReady } from '../sync/engine-helpers.js';
import { adminToken, appWithRoutes, send } from './security-helpers.js';
import { createStoreWorld, deliverAndProcess } from './store-world.js';

const SKUS = [
  "'; drop table skus; --",
  "x' OR '1'='1",
  'a"; delete from movements where "1"="1',
  '%',
  '_',
  'a\\b',
  'SKU-e\u0301',
  'SKU-\u00e9',
  'SKU-\u202Eevil',
  'מק"ט-42',
  'رمز-٧',
  '📦-🚚-1',
  '👩\u200D💻',
  'a/b?c#d&e=f',
  '=HYPERLINK("http://evil.example")',
  '\u05D0'.repeat(200),
] as const;

let app: FastifyInstance;
let token = '';
const eventIds = new Map<string, string>();
const bodies = new Map<string, string>();

const test = dbTest.extend('world', { scope: 'file' }, async ({ services }) => {
  await redisReady(services);
  app = (await appWithRoutes(services)).app;
  token = await adminToken(services);
  const world = await createStoreWorld(services, SKUS);
  const engine = buildEngine(services);
  for (const [index, sku] of SKUS.entries()) {
    const { variant } = world.idsOf(sku);
    const body = JSON.stringify({
      id: 9_000 + index,
      created_at: '2026-03-01T09:30:00Z',
      cancelled_at: null,
      location_id: null,
      line_items: [{ id: 70 + index, variant_id: Number(variant), sku, quantity: 1 }],
    });
    const { response, answer, processed } = await deliverAndProcess(app, engine, world.shopifyDelivery(body, { topic: 'orders/create' }));
    if (!answer.eventId || !processed || processed instanceof Error) throw new Error(`${sku}: ${response.body} ${String(processed)}`);
    eventIds.set(sku, answer.eventId);
    bodies.set(sku, body);
  }
  return world;
});

afterAll(async () => {
  await app?.close();
});

const get = (url: string) => send(app, { method: 'GET', url, headers: { authorization: `Bearer ${token}` } }, url);

test.describe('hostile SKUs through the SKU API, events and reports', () => {
  test('every SKU is stored exactly, one movement each, and the tables are all still there', async ({ world, services }) => {
    expect(world.shop.id).toBeTruthy();
    const stored = await services.prisma.sku.findMany({ where: { sku: { in: [...SKUS] } }, select: { sku: true } });
    expect(stored.map((row) => row.sku).sort()).toEqual([...SKUS].sort());
    for (const sku of SKUS) {
      const movements = await services.prisma.movement.findMany({ where: { sku } });
      expect(
        movements.map((movement) => [movement.sku, movement.quantity]),
        sku,
      ).toEqual([[sku, -1]]);
    }
    // Combining marks are not normalised: two SKUs that look alike stay two.
    expect('SKU-e\u0301'.normalize('NFC')).toBe('SKU-\u00e9');
    expect(await services.prisma.sku.count({ where: { sku: { in: ['SKU-e\u0301', 'SKU-\u00e9'] } } })).toBe(2);
    const tables = await services.db.pool.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_name in ('skus', 'movements', 'inbox_events')",
    );
    expect(tables.rows.map((row) => row.name).sort()).toEqual(['inbox_events', 'movements', 'skus']);
  });

  test.for(SKUS.map((sku) => ({ sku })))(
    '$sku: the SKU API, the ledger, the audit trail and the CSV return it exactly',
    async ({ sku }, { world }) => {
      expect(world.shop.id).toBeTruthy();
      const encoded = encodeURIComponent(sku);
      const view = await get(`/api/v1/skus/${encoded}`);
      expect(view.statusCode, view.body.slice(0, 300)).toBe(200);
      expect(view.json().sku).toBe(sku);
      expect(view.json().availableToSell).toBe(49);
      expect(view.json().timeline.some((entry: { type: string }) => entry.type === 'movement')).toBe(true);

      const ledger = await get(`/api/v1/reports/movements?sku=${encoded}`);
      expect(ledger.statusCode, ledger.body.slice(0, 300)).toBe(200);
      expect(ledger.json().items.map((row: { sku: string; quantity: number }) => [row.sku, row.quantity])).toEqual([[sku, -1]]);

      const audit = await get(`/api/v1/reports/audit?sku=${encoded}`);
      expect(audit.json().items.length).toBeGreaterThan(0);
      expect(new Set(audit.json().items.map((row: { sku: string }) => row.sku))).toEqual(new Set([sku]));

      const csv = await get(`/api/v1/reports/movements.csv?sku=${encoded}`);
      expect(csv.statusCode).toBe(200);
      const lines = csv.body.split('\r\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`,${csvCell(sku)},`);

      const event = await get(`/api/v1/events/${eventIds.get(sku)}`);
      expect(event.statusCode).toBe(200);
      expect(event.json().payload).toBe(bodies.get(sku));
    },
  );

  test('filters that look like SQL match nothing and change nothing', async ({ world, services }) => {
    expect(world.shop.id).toBeTruthy();
    const movementsBefore = await services.prisma.movement.count();
    for (const topic of ["orders/create' or '1'='1", 'orders/create; drop table inbox_events; --', '%', 'orders/%']) {
      const events = await get(`/api/v1/events?topic=${encodeURIComponent(topic)}`);
      expect(events.statusCode, topic).toBe(200);
      expect(events.json().events, topic).toEqual([]);
    }
    for (const sku of ["' or 1=1 --", '%%', 'SKU-_', "SKU-e' || '\u0301"]) {
      const ledger = await get(`/api/v1/reports/movements?sku=${encodeURIComponent(sku)}`);
      expect(ledger.json().items, sku).toEqual([]);
      expect((await get(`/api/v1/skus/${encodeURIComponent(sku)}`)).statusCode, sku).toBe(404);
    }
    expect(await services.prisma.movement.count()).toBe(movementsBefore);
    expect(await services.prisma.inboxEvent.count()).toBe(SKUS.length);
  });

  test('a resync and a reconciliation of each hostile SKU are accepted for exactly that SKU', async ({ world }) => {
    expect(world.shop.id).toBeTruthy();
    for (const sku of SKUS) {
      const resync = await send(
        app,
        { method: 'POST', url: '/api/v1/resyncs', headers: { authorization: `Bearer ${token}` }, payload: { sku } },
        `resync ${sku}`,
      );
      expect(resync.statusCode, resync.body).toBe(202);
      expect(resync.json()).toMatchObject({ scope: { sku }, skus: 1 });
      const run = await send(
        app,
        { method: 'POST', url: '/api/v1/reconciliations', headers: { authorization: `Bearer ${token}` }, payload: { sku } },
        `reconcile ${sku}`,
      );
      expect(run.statusCode, run.body).toBe(202);
    }
  });
});
