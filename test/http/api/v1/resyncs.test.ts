// POST /api/v1/resyncs: checks the scope, queues one sku.resync job, audits, answers 202 with what it covers.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../../../src/http/server.js';
import { seedConnection } from '../../../helpers/fake-channel.js';
import { dbTest as test } from '../../../helpers/fixtures.js';

let app: FastifyInstance;
const tokens: Record<string, { id: string; token: string }> = {};

const post = (role: string | null, payload?: unknown) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/resyncs',
    headers: role ? { authorization: `Bearer ${tokens[role]?.token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

test.describe('POST /api/v1/resyncs', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('everything: 202 with the scope, one queued job and an audit row', async ({ services }) => {
    app = await buildServer(services);
    for (const role of ['admin', 'support', 'accountant'] as const) tokens[role] = await services.apiTokens.create({ role, name: role });
    const { prisma } = services;
    const store = await seedConnection(prisma);
    const paused = await seedConnection(prisma, { kind: 'woocommerce', paused: true });
    await seedConnection(prisma, { kind: 'erp' });
    await prisma.sku.createMany({ data: [{ sku: 'R-1' }, { sku: 'R-2' }] });
    await prisma.syncState.create({ data: { sku: 'R-3', connectionId: store, target: 1 } });

    const response = await post('support', {});
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toMatchObject({ scope: {}, skus: 3, jobId: `resync-${body.resyncId}` });
    expect(body.channels.map((c: { connectionId: string }) => c.connectionId).sort()).toEqual([store, paused].sort());
    expect(body.channels.find((c: { connectionId: string }) => c.connectionId === paused).paused).toBe(true);
    const job = await services.queues.get('events').getJob(body.jobId);
    expect(job?.name).toBe('sku.resync');
    expect(job?.data).toEqual({ requestedBy: `token:${tokens.support?.id}`, correlationId: body.resyncId });
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: 'resync.requested', entityId: body.resyncId } });
    expect(audit).toMatchObject({ actor: `token:${tokens.support?.id}`, correlationId: body.resyncId });
  });

  test('no body at all also means everything', async () => {
    const response = await post('admin');
    expect(response.statusCode).toBe(202);
    expect(response.json().scope).toEqual({});
  });

  test('one SKU, or one connection, narrows the job', async ({ services }) => {
    const bySku = await post('admin', { sku: ' R-1 ' });
    expect(bySku.statusCode).toBe(202);
    expect(bySku.json()).toMatchObject({ scope: { sku: 'R-1' }, skus: 1 });
    const store = await seedConnection(services.prisma);
    await services.prisma.syncState.create({ data: { sku: 'ONLY-HERE', connectionId: store, target: 1 } });
    const byConnection = await post('admin', { connectionId: store });
    expect(byConnection.json()).toMatchObject({
      scope: { connectionId: store },
      skus: 1,
      channels: [{ connectionId: store, paused: false }],
    });
    const job = await services.queues.get('events').getJob(byConnection.json().jobId);
    expect(job?.data).toMatchObject({ connectionId: store });
  });

  test('an unknown or deleted connection is 404 and queues nothing', async ({ services }) => {
    const deleted = await seedConnection(services.prisma);
    await services.prisma.connection.update({ where: { id: deleted }, data: { deletedAt: new Date() } });
    const before = await services.queues.get('events').getJobCountByTypes('waiting', 'delayed');
    for (const connectionId of [randomUUID(), deleted]) {
      const response = await post('admin', { connectionId });
      expect(response.statusCode).toBe(404);
    }
    expect(await services.queues.get('events').getJobCountByTypes('waiting', 'delayed')).toBe(before);
  });

  test.for([
    [{ connectionId: 'not-a-uuid' }, 'body.connectionId'],
    [{ sku: '' }, 'body.sku'],
    [{ sku: 'x'.repeat(201) }, 'body.sku'],
    [{ everything: true }, 'everything'],
  ])('bad input %j is 400 naming %s, and queues nothing', async ([payload, path], { services }) => {
    const before = await services.queues.get('events').getJobCountByTypes('waiting', 'delayed');
    const response = await post('admin', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(path);
    expect(await services.queues.get('events').getJobCountByTypes('waiting', 'delayed')).toBe(before);
  });

  test('an accountant may not resync (403); without credentials it is 401', async () => {
    expect((await post('accountant', {})).statusCode).toBe(403);
    expect((await post(null, {})).statusCode).toBe(401);
  });
});
