// A resync through the whole stack: POST /api/v1/resyncs → sku.resync job → the decision core's
// recompute (real) → re-read of the store → channel.push → the store shows the target; the SKU
// read API then tells the story under the resync's correlation id.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { startWorkerProcess } from '../../workers/start.js';
import { createFakeChannel, type FakeChannel, fakeFactory, seedConnection } from '../helpers/fake-channel.js';
import { dbTest as test, waitFor } from '../helpers/fixtures.js';

let app: FastifyInstance | undefined;
let worker: ReturnType<typeof startWorkerProcess> | undefined;

test.describe('resync end to end', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  test('a store that drifted behind our back is brought back to the target computed from ERP stock', async ({ services }) => {
    const { prisma } = services;
    const channels = new Map<string, FakeChannel>();
    // The real connector factory would call Shopify; the worker gets in-memory stores instead.
    Object.assign(services, { connectorFactory: fakeFactory(channels) });
    const erp = await seedConnection(prisma, { kind: 'erp' });
    await prisma.connection.update({ where: { id: erp }, data: { settings: { erpType: 'generic-rest', baseUrl: 'http://127.0.0.1:1/' } } });
    const store = await seedConnection(prisma);
    await prisma.locationMapping.create({ data: { connectionId: store, externalLocationId: 'loc-1', warehouseCodes: [] } });
    await prisma.listing.create({
      data: {
        connectionId: store,
        sku: 'E2E-1',
        externalProductId: 'p-E2E-1',
        externalVariantId: 'v-E2E-1',
        externalInventoryItemId: 'i-E2E-1',
      },
    });
    await prisma.stockSnapshot.create({
      data: { connectionId: erp, sku: 'E2E-1', warehouse: 'main', onHand: 12, reserved: 2, available: 10, sourceUpdatedAt: new Date() },
    });
    const fake = createFakeChannel();
    channels.set(store, fake);
    fake.setLevel('i-E2E-1', 'loc-1', 3);

    app = await buildServer(services);
    worker = startWorkerProcess(services);
    const { token } = await services.apiTokens.create({ role: 'support', name: 'e2e' });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/resyncs',
      headers: { authorization: `Bearer ${token}` },
      payload: { sku: 'E2E-1' },
    });
    expect(response.statusCode).toBe(202);
    const { resyncId } = response.json();

    const synced = () => prisma.syncState.findFirst({ where: { sku: 'E2E-1', connectionId: store, status: 'in_sync', lastPushed: 10 } });
    await waitFor(synced, { what: 'store in sync at the target', timeoutMs: 20_000 });
    expect(fake.level('i-E2E-1', 'loc-1')).toBe(10);
    const writes = fake.writes.flatMap((call) => call.batch);
    expect(writes.map((write) => [write.quantity, write.expectedCurrent])).toEqual([[10, 3]]);
    await waitFor(() => prisma.auditEntry.findFirst({ where: { action: 'resync.completed', entityId: resyncId } }), {
      what: 'resync done',
    });

    const view = await app.inject({ method: 'GET', url: '/api/v1/skus/E2E-1', headers: { authorization: `Bearer ${token}` } });
    const body = view.json();
    expect(body).toMatchObject({
      availableToSell: 10,
      channels: [{ connectionId: store, target: 10, lastPushed: 10, lastSeen: 10, status: 'in_sync' }],
    });
    const story = body.correlations.find((group: { correlationId: string }) => group.correlationId === resyncId);
    expect(story.types).toEqual(expect.arrayContaining(['channel_call', 'audit']));
  });
});
