// GET /api/v1/skus/:sku on real PostgreSQL: available-to-sell from ERP stock and unreflected
// movements, per-location sync state, and the timeline joined by correlation id.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../../../src/http/server.js';
import { seedConnection } from '../../../helpers/fake-channel.js';
import { dbTest as test } from '../../../helpers/fixtures.js';

let app: FastifyInstance;
const tokens: Record<string, string> = {};
const correlationId = randomUUID();

const get = (url: string, role?: string) =>
  app.inject({ method: 'GET', url, headers: role ? { authorization: `Bearer ${tokens[role]}` } : {} });

test.describe('GET /api/v1/skus/:sku', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('shows available-to-sell, ERP stock, each location and the story of one change to every role', async ({ services }) => {
    app = await buildServer(services);
    for (const role of ['admin', 'support', 'accountant'])
      tokens[role] = (await services.apiTokens.create({ role: role as 'admin', name: role })).token;
    const { prisma } = services;
    const erp = await seedConnection(prisma, { kind: 'erp', name: 'ERP' });
    const store = await seedConnection(prisma, { name: 'Shop A' });
    await prisma.sku.create({ data: { sku: 'TL-1', name: 'Teal lamp' } });
    await prisma.stockSnapshot.create({
      data: {
        connectionId: erp,
        sku: 'TL-1',
        warehouse: 'main',
        onHand: 10,
        reserved: 2,
        incoming: 4,
        available: 8,
        sourceUpdatedAt: new Date('2026-05-01T08:00:00Z'),
      },
    });
    const event = await prisma.inboxEvent.create({
      data: {
        connectionId: store,
        source: 'shopify',
        topic: 'orders/create',
        dedupeKey: 'e1',
        payload: '{}',
        correlationId,
        status: 'processed',
        receivedAt: new Date('2026-05-01T09:00:00Z'),
      },
    });
    await prisma.movement.create({
      data: {
        idempotencyKey: 'order:1:line:1:placed',
        sku: 'TL-1',
        connectionId: store,
        kind: 'sale',
        quantity: -3,
        sourceRef: 'order:1:line:1',
        sourceEventId: event.id,
        correlationId,
        occurredAt: new Date('2026-05-01T09:00:01Z'),
        createdAt: new Date('2026-05-01T09:00:01Z'),
      },
    });
    await prisma.syncState.create({
      data: {
        sku: 'TL-1',
        connectionId: store,
        externalLocationId: 'loc-1',
        target: 5,
        lastPushed: 5,
        lastSeen: 5,
        status: 'in_sync',
        lastPushedAt: new Date('2026-05-01T09:00:02Z'),
      },
    });
    await prisma.channelCall.create({
      data: {
        connectionId: store,
        operation: 'writeLevels',
        skus: ['TL-0', 'TL-1'],
        ok: true,
        durationMs: 40,
        correlationId,
        at: new Date('2026-05-01T09:00:02Z'),
      },
    });
    await prisma.channelCall.create({
      data: { connectionId: store, operation: 'writeLevels', skus: ['OTHER'], ok: true, durationMs: 40, correlationId },
    });
    await prisma.auditEntry.create({
      data: {
        actor: 'worker',
        action: 'sync.pushed',
        entityType: 'sync_state',
        entityId: 'x',
        sku: 'TL-1',
        connectionId: store,
        correlationId,
        at: new Date('2026-05-01T09:00:03Z'),
      },
    });
    await prisma.deadLetter.create({
      data: {
        jobName: 'channel.push',
        payload: {},
        sku: 'TL-1',
        errorCode: 'SHOPIFY_AUTH_FAILED',
        errorMessage: 'bad token',
        attempts: 1,
        createdAt: new Date('2026-04-30T00:00:00Z'),
      },
    });

    for (const role of ['admin', 'support', 'accountant']) expect((await get('/api/v1/skus/TL-1', role)).statusCode).toBe(200);
    const body = (await get('/api/v1/skus/TL-1', 'accountant')).json();
    expect(body).toMatchObject({ sku: 'TL-1', name: 'Teal lamp', availableToSell: 5 }); // 10 − 2 reserved − 3 sold
    expect(body.erp).toEqual([
      {
        connectionId: erp,
        warehouse: 'main',
        onHand: 10,
        reserved: 2,
        incoming: 4,
        available: 8,
        sourceUpdatedAt: '2026-05-01T08:00:00.000Z',
      },
    ]);
    expect(body.channels).toEqual([
      expect.objectContaining({
        connectionId: store,
        connectionName: 'Shop A',
        kind: 'shopify',
        externalLocationId: 'loc-1',
        target: 5,
        lastPushed: 5,
        lastSeen: 5,
        status: 'in_sync',
        lastError: null,
        lastPushedAt: '2026-05-01T09:00:02.000Z',
      }),
    ]);
    expect(body.timeline.map((entry: { type: string }) => entry.type)).toEqual([
      'audit',
      'channel_call',
      'movement',
      'inbox_event',
      'dead_letter',
    ]);
    expect(body.timeline[1].detail).toMatchObject({ operation: 'writeLevels', skus: 2 });
    const story = body.correlations.find((group: { correlationId: string }) => group.correlationId === correlationId);
    expect(story).toMatchObject({ entries: 4, from: '2026-05-01T09:00:00.000Z', to: '2026-05-01T09:00:03.000Z' });
    expect([...story.types].sort()).toEqual(['audit', 'channel_call', 'inbox_event', 'movement']);
  });

  test('limit caps the timeline', async () => {
    const body = (await get('/api/v1/skus/TL-1?limit=2', 'support')).json();
    expect(body.timeline).toHaveLength(2);
  });

  test('an unknown SKU is 404', async () => {
    const response = await get('/api/v1/skus/NOPE-404', 'support');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
  });

  test.for([['limit=0'], ['limit=501'], ['limit=abc']])('a bad query (%s) is 400', async ([query]) => {
    const response = await get(`/api/v1/skus/TL-1?${query}`, 'support');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  test('no credentials is 401', async () => {
    expect((await get('/api/v1/skus/TL-1')).statusCode).toBe(401);
  });
});
