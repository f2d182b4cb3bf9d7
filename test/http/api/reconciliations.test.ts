import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import type { Role } from '../../../src/auth/roles.js';
import { buildServer } from '../../../src/http/server.js';
import { type ServicesFixture, dbTest as test, waitFor } from '../../helpers/fixtures.js';

let app: FastifyInstance;
const tokens = new Map<Role, string>();

async function setup(services: ServicesFixture) {
  if (app) return;
  app = await buildServer(services);
  for (const role of ['admin', 'support', 'accountant'] as const)
    tokens.set(role, (await services.apiTokens.create({ role, name: role })).token);
  await waitFor(async () => services.redis.status === 'ready', { what: 'redis' });
}

const as = (role: Role) => ({ authorization: `Bearer ${tokens.get(role)}` });

/** A finished run with discrepancies written straight to the tables (the run itself is tested elsewhere). */
async function seedFinishedRun(services: ServicesFixture, skus: string[]) {
  const channel = await services.prisma.connection.create({
    data: { kind: 'shopify', name: 'Shop, "EU"', credentials: new Uint8Array([1]), credentialsKeyId: 'test' },
  });
  const run = await services.prisma.reconciliationRun.create({
    data: {
      status: 'completed',
      requestedBy: 'schedule',
      startedAt: new Date(),
      finishedAt: new Date(),
      totals: { discrepancies: skus.length },
    },
  });
  await services.prisma.discrepancy.createMany({
    data: skus.map((sku, index) => ({
      runId: run.id,
      sku,
      connectionId: channel.id,
      externalLocationId: 'loc-1',
      classification: index % 2 === 0 ? 'channel_high' : 'channel_low',
      erpQuantity: 10,
      expected: 10,
      actual: index % 2 === 0 ? 13 : 7,
      delta: index % 2 === 0 ? 3 : -3,
      unitCost: '19.99',
      value: index % 2 === 0 ? '59.97' : '-59.97',
    })),
  });
  return { runId: run.id, channelId: channel.id };
}

test.describe('/api/v1/reconciliations', () => {
  afterAll(async () => {
    await app?.close();
  });

  test.for(['admin', 'support'] as const)(
    '%s starts a run: 202 with its id, a queued run, its job and an audit row',
    async (role, { services }) => {
      await setup(services);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/reconciliations',
        headers: as(role),
        payload: { sku: 'A-1', heal: true },
      });
      expect(response.statusCode).toBe(202);
      const { id } = response.json();
      const run = await services.prisma.reconciliationRun.findUniqueOrThrow({ where: { id } });
      expect(run).toMatchObject({ status: 'queued', heal: true, scope: { sku: 'A-1' } });
      expect(run.requestedBy).toMatch(/^token:/);
      const job = await services.queues.get('reconciliations').getJob(id);
      expect(job?.name).toBe('reconciliation.run');
      expect(job?.data).toMatchObject({ runId: id });
      const audit = await services.prisma.auditEntry.findFirstOrThrow({ where: { action: 'reconciliation.requested', entityId: id } });
      expect(audit).toMatchObject({ actor: run.requestedBy, sku: 'A-1' });
    },
  );

  test('an accountant may not start a run', async ({ services }) => {
    await setup(services);
    const before = await services.prisma.reconciliationRun.count();
    const response = await app.inject({ method: 'POST', url: '/api/v1/reconciliations', headers: as('accountant'), payload: {} });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
    expect(await services.prisma.reconciliationRun.count()).toBe(before);
  });

  test.for([
    ['heal is not a boolean', { heal: 'yes' }],
    ['connectionId is not a uuid', { connectionId: 'shop-1' }],
    ['an unknown field', { everything: true }],
    ['an empty SKU', { sku: '  ' }],
  ] as const)('bad input (%s) is 400 and starts nothing', async ([, payload], { services }) => {
    await setup(services);
    const before = await services.prisma.reconciliationRun.count();
    const response = await app.inject({ method: 'POST', url: '/api/v1/reconciliations', headers: as('admin'), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(await services.prisma.reconciliationRun.count()).toBe(before);
  });

  test('an unknown connection is 404 and starts nothing', async ({ services }) => {
    await setup(services);
    const before = await services.prisma.reconciliationRun.count();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/reconciliations',
      headers: as('support'),
      payload: { connectionId: '00000000-0000-4000-8000-00000000abcd' },
    });
    expect(response.statusCode).toBe(404);
    expect(await services.prisma.reconciliationRun.count()).toBe(before);
  });

  test('a running run shows its progress per source; a finished one its totals and first page of discrepancies', async ({ services }) => {
    await setup(services);
    const running = await services.prisma.reconciliationRun.create({
      data: {
        status: 'running',
        requestedBy: 'test',
        startedAt: new Date(),
        heartbeatAt: new Date(),
        progress: {
          phase: 'reading',
          sources: { 'erp-1': { kind: 'erp', name: 'ERP', phase: 'reading', read: 2000, compared: 0, total: null, cursor: 'secret-ish' } },
        },
      },
    });
    const live = await app.inject({ method: 'GET', url: `/api/v1/reconciliations/${running.id}`, headers: as('accountant') });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({
      status: 'running',
      phase: 'reading',
      sources: [{ id: 'erp-1', kind: 'erp', read: 2000, phase: 'reading' }],
    });
    expect(live.json().sources[0]).not.toHaveProperty('cursor');
    expect(live.json()).not.toHaveProperty('discrepancies');

    const { runId } = await seedFinishedRun(services, ['S1', 'S2', 'S3']);
    const done = await app.inject({ method: 'GET', url: `/api/v1/reconciliations/${runId}?limit=2`, headers: as('accountant') });
    expect(done.statusCode).toBe(200);
    const body = done.json();
    expect(body.totals).toEqual({ discrepancies: 3 });
    expect(body.discrepancies.items.map((row: { sku: string }) => row.sku)).toEqual(['S1', 'S2']);
    expect(body.discrepancies.items[0]).toMatchObject({ classification: 'channel_high', delta: 3, unitCost: '19.9900', value: '59.9700' });
    const next = await app.inject({
      method: 'GET',
      url: `/api/v1/reconciliations/${runId}/discrepancies?limit=2&cursor=${body.discrepancies.nextCursor}`,
      headers: as('accountant'),
    });
    expect(next.json()).toMatchObject({ items: [{ sku: 'S3' }], nextCursor: null });
    const low = await app.inject({
      method: 'GET',
      url: `/api/v1/reconciliations/${runId}/discrepancies?classification=channel_low`,
      headers: as('support'),
    });
    expect(low.json().items.map((row: { sku: string }) => row.sku)).toEqual(['S2']);
  });

  test('a tampered cursor or unknown run is a 4xx, never a 500', async ({ services }) => {
    await setup(services);
    const { runId } = await seedFinishedRun(services, ['T1']);
    const cursor = Buffer.from(JSON.stringify(['1; drop table discrepancies'])).toString('base64url');
    for (const url of [
      `/api/v1/reconciliations/${runId}/discrepancies?cursor=${cursor}`,
      `/api/v1/reconciliations/${runId}/discrepancies?cursor=not-base64-json`,
      '/api/v1/reconciliations?cursor=WyJ4Il0',
    ]) {
      const response = await app.inject({ method: 'GET', url, headers: as('admin') });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code, url).toBe('INVALID_CURSOR');
    }
    const missing = await app.inject({
      method: 'GET',
      url: '/api/v1/reconciliations/00000000-0000-4000-8000-000000000000/discrepancies.csv',
      headers: as('accountant'),
    });
    expect(missing.statusCode).toBe(404);
  });

  test('runs are listed newest first and paged', async ({ services }) => {
    await setup(services);
    await services.prisma.reconciliationRun.deleteMany();
    for (let index = 0; index < 3; index += 1) {
      await services.prisma.reconciliationRun.create({
        data: { requestedBy: `r${index}`, createdAt: new Date(Date.UTC(2026, 0, index + 1)), status: 'completed' },
      });
    }
    const first = await app.inject({ method: 'GET', url: '/api/v1/reconciliations?limit=2', headers: as('accountant') });
    expect(first.json().items.map((run: { requestedBy: string }) => run.requestedBy)).toEqual(['r2', 'r1']);
    const second = await app.inject({
      method: 'GET',
      url: `/api/v1/reconciliations?limit=2&cursor=${first.json().nextCursor}`,
      headers: as('accountant'),
    });
    expect(second.json()).toMatchObject({ items: [{ requestedBy: 'r0' }], nextCursor: null });
    const failedOnly = await app.inject({ method: 'GET', url: '/api/v1/reconciliations?status=failed', headers: as('accountant') });
    expect(failedOnly.json().items).toEqual([]);
  });

  test('discrepancies.csv streams every row, escaped, formula-safe and with unicode SKUs intact', async ({ services }) => {
    await setup(services);
    const skus = ['plain', 'with,comma', 'with "quotes"', 'Größe-日本-🧦', '=HYPERLINK("http://x")', 'two\nlines'];
    const { runId, channelId } = await seedFinishedRun(services, skus);
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/reconciliations/${runId}/discrepancies.csv`,
      headers: as('accountant'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="reconciliation-${runId}.csv"`);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const text = response.body;
    expect(text.startsWith('\uFEFFrun_id,run_at,sku,channel_id,channel,location,classification')).toBe(true);
    expect(text).toContain(`,plain,${channelId},"Shop, ""EU""",loc-1,channel_high,10,10,13,3,19.9900,59.9700,false,\r\n`);
    expect(text).toContain(',"with,comma",');
    expect(text).toContain(',"with ""quotes""",');
    expect(text).toContain(',Größe-日本-🧦,');
    expect(text).toContain(`,"'=HYPERLINK(""http://x"")",`);
    expect(text).toContain(',"two\nlines",');
    expect(text).toContain(',-3,19.9900,-59.9700,');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + skus.length);
  });
});
