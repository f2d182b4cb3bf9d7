import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { expect } from 'vitest';
import type { Services } from '../../../../src/app/services.js';
import type { InboxStatus } from '../../../../src/db/generated/enums.js';
import { buildServer } from '../../../../src/http/server.js';
import { createWorkerRedis } from '../../../../src/queue/redis.js';
import { dbTest, waitFor } from '../../../helpers/fixtures.js';
import { createConnection } from '../../webhooks/webhook-helpers.js';

const test = dbTest
  .extend('app', { scope: 'file' }, async ({ services }, { onCleanup }) => {
    const app = await buildServer(services);
    onCleanup(() => app.close());
    return app;
  })
  .extend('tokens', { scope: 'file' }, async ({ services }) => {
    const bearer = async (role: 'admin' | 'support' | 'accountant') =>
      `Bearer ${(await services.apiTokens.create({ role, name: role })).token}`;
    return { admin: await bearer('admin'), support: await bearer('support'), accountant: await bearer('accountant') };
  });

async function storeEvent(services: Services, connectionId: string, options: { status?: InboxStatus; topic?: string; at: number }) {
  return services.prisma.inboxEvent.create({
    data: {
      connectionId,
      source: 'shopify',
      topic: options.topic ?? 'orders/create',
      dedupeKey: randomUUID(),
      payload: '{"id":820982911946154508}',
      headers: { 'x-shopify-topic': options.topic ?? 'orders/create' },
      status: options.status ?? 'processed',
      correlationId: randomUUID(),
      receivedAt: new Date(Date.UTC(2026, 3, 1, 10, 0, options.at)),
    },
  });
}

test.describe('/api/v1/events', () => {
  test('lists events newest first, filtered, paged by cursor, without payloads or secrets', async ({ app, services, tokens }) => {
    const connection = await createConnection(services, 'shopify');
    const other = await createConnection(services, 'shopify');
    const events = [];
    for (let at = 0; at < 5; at++) events.push(await storeEvent(services, connection.id, { at }));
    await storeEvent(services, connection.id, { at: 9, status: 'ignored', topic: 'customers/create' });
    await storeEvent(services, other.id, { at: 10 });

    const page = async (query: string) => {
      const response = await app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: { authorization: tokens.support } });
      expect(response.statusCode).toBe(200);
      return response.json() as { events: { id: string; payload?: string }[]; nextCursor: string | null };
    };
    const first = await page(`connectionId=${connection.id}&status=processed&topic=orders/create&limit=2`);
    const second = await page(`connectionId=${connection.id}&status=processed&topic=orders/create&limit=2&cursor=${first.nextCursor}`);
    const third = await page(`connectionId=${connection.id}&status=processed&topic=orders/create&limit=2&cursor=${second.nextCursor}`);
    expect([...first.events, ...second.events, ...third.events].map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());
    expect(third.nextCursor).toBeNull();
    expect(first.events[0]).not.toHaveProperty('payload');
    expect(JSON.stringify(first)).not.toContain(connection.secret);
    expect((await page(`connectionId=${connection.id}&status=ignored`)).events).toHaveLength(1);
  });

  test.for([
    { query: 'cursor=not-a-cursor', status: 400 },
    { query: 'status=bogus', status: 400 },
    { query: 'connectionId=nope', status: 400 },
    { query: 'limit=0', status: 400 },
  ])('GET /api/v1/events?$query is $status', async ({ query, status }, { app, tokens }) => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: { authorization: tokens.admin } });
    expect(response.statusCode).toBe(status);
  });

  test('accountants may not list or replay events', async ({ app, services, tokens }) => {
    const connection = await createConnection(services, 'shopify');
    const event = await storeEvent(services, connection.id, { at: 0 });
    const list = await app.inject({ method: 'GET', url: '/api/v1/events', headers: { authorization: tokens.accountant } });
    const replay = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/replay`,
      headers: { authorization: tokens.accountant },
    });
    expect([list.statusCode, replay.statusCode]).toEqual([403, 403]);
    expect((await services.prisma.inboxEvent.findUniqueOrThrow({ where: { id: event.id } })).status).toBe('processed');
  });

  test('one event is shown with its raw payload', async ({ app, services, tokens }) => {
    const connection = await createConnection(services, 'shopify');
    const event = await storeEvent(services, connection.id, { at: 0 });
    const response = await app.inject({ method: 'GET', url: `/api/v1/events/${event.id}`, headers: { authorization: tokens.support } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: event.id, payload: '{"id":820982911946154508}' });
    const missing = await app.inject({ method: 'GET', url: `/api/v1/events/${randomUUID()}`, headers: { authorization: tokens.support } });
    expect(missing.statusCode).toBe(404);
  });

  test('replay re-enqueues a processed event whose finished job BullMQ still keeps, with an audit row', async ({
    app,
    services,
    tokens,
  }) => {
    const connection = await createConnection(services, 'shopify');
    const event = await storeEvent(services, connection.id, { at: 0, status: 'received' });
    await services.inbox.relay({ minAgeMs: 0 }); // first run: job added under the inbox id
    const redis = createWorkerRedis(services.config.redis, 'test-worker');
    const worker = new Worker('events', async () => 'done', { connection: redis, prefix: services.config.queuePrefix });
    const queue = services.queues.get('events');
    try {
      await waitFor(async () => (await queue.getJob(event.id))?.finishedOn);
    } finally {
      await worker.close();
      await redis.quit();
    }
    await services.prisma.inboxEvent.update({ where: { id: event.id }, data: { status: 'processed' } });

    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/replay`,
      headers: { authorization: tokens.support },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: event.id, status: 'enqueued' });
    const job = await queue.getJob(event.id);
    expect(await job?.getState()).toBe('waiting');
    expect((await services.prisma.inboxEvent.findUniqueOrThrow({ where: { id: event.id } })).status).toBe('enqueued');
    const audit = await services.prisma.auditEntry.findFirstOrThrow({ where: { entityType: 'inbox_event', entityId: event.id } });
    expect(audit).toMatchObject({ action: 'event.replay', connectionId: connection.id, before: { status: 'processed' } });
    expect(audit.actor).toMatch(/^token:/);
  });

  test.for([
    { status: 'rejected' as const, code: 409 },
    { status: 'ignored' as const, code: 409 },
    { status: 'processing' as const, code: 409 },
  ])('replaying an event stored as $status is $code and changes nothing', async ({ status, code }, { app, services, tokens }) => {
    const connection = await createConnection(services, 'shopify');
    const event = await storeEvent(services, connection.id, { at: 0, status });
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${event.id}/replay`,
      headers: { authorization: tokens.admin },
    });
    expect(response.statusCode).toBe(code);
    expect((await services.prisma.inboxEvent.findUniqueOrThrow({ where: { id: event.id } })).status).toBe(status);
    expect(await services.prisma.auditEntry.count({ where: { entityId: event.id } })).toBe(0);
  });

  test('replaying an unknown event is 404', async ({ app, tokens }) => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/events/${randomUUID()}/replay`,
      headers: { authorization: tokens.admin },
    });
    expect(response.statusCode).toBe(404);
  });
});
