// Dependencies failing under the webhook route: Redis down must not lose or refuse an event once it
// is committed; PostgreSQL down or hung must answer 503 (the platform retries) instead of hanging.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { relayInboxHandler } from '../../../workers/relay-inbox.js';
import { startWorkerProcess } from '../../../workers/start.js';
import {
  createTestDatabase,
  createTestServices,
  dropQueuePrefix,
  type ServicesFixture,
  type TestDatabase,
  waitFor,
} from '../../helpers/fixtures.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';
import { counterValue, createConnection, shopifyDelivery, shopifyOrderBody, type TestConnection } from './webhook-helpers.js';

describe('webhooks when PostgreSQL or Redis fail', () => {
  let database: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let services: ServicesFixture;
  let app: FastifyInstance;
  let connection: TestConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    pgProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    redisProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const url = new URL(database.url);
    url.port = String(pgProxy.port);
    services = await createTestServices(database, {
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      REDIS_COMMAND_TIMEOUT_MS: '300',
      INBOX_RELAY_INTERVAL_MS: '200',
      INBOX_RELAY_MIN_AGE_MS: '1',
    });
    app = await buildServer(services);
    connection = await createConnection(services, 'shopify');
  });

  afterAll(async () => {
    pgProxy?.restore();
    redisProxy?.restore();
    await app?.close();
    if (services) await dropQueuePrefix(services).catch(() => {});
    await services?.close();
    await pgProxy?.close();
    await redisProxy?.close();
    await database?.close();
  });

  it('with Redis down a delivery still gets 200 once stored, and is enqueued when Redis returns', async () => {
    redisProxy.cut();
    const response = await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody(), eventId: 'during-redis-outage' }));
    expect(response.statusCode).toBe(200);
    const id = response.json().eventId as string;
    // The enqueue after commit fails: the row waits as `received`.
    await waitFor(async () => services.logs.text().includes('enqueue after commit failed'), { what: 'the failed enqueue' });
    const waiting = await database.prisma.inboxEvent.findUniqueOrThrow({ where: { id } });
    expect([waiting.status, waiting.enqueuedAt]).toEqual(['received', null]);
    const worker = startWorkerProcess(services, { 'inbox.relay': relayInboxHandler(services.inbox) });
    try {
      redisProxy.restore();
      const row = await waitFor(
        async () => {
          const stored = await database.prisma.inboxEvent.findUniqueOrThrow({ where: { id } });
          return stored.status === 'enqueued' ? stored : null;
        },
        { timeoutMs: 20_000, what: 'the relay to enqueue the row' },
      );
      const job = await services.queues.get('events').getJob(id);
      expect(job?.data).toEqual({ inboxEventId: id, correlationId: row.correlationId });
      expect(await services.queues.get('maintenance').getJobScheduler('inbox.relay')).toBeTruthy();
      expect(await counterValue(services.metrics.inboxRelayed, {})).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.close();
    }
  });

  it('with PostgreSQL hung a delivery gets 503 with Retry-After, well inside Shopify’s 5 s', async () => {
    // Warm the connection cache, then stop PostgreSQL answering (connections stay open).
    expect((await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody() }))).statusCode).toBe(200);
    pgProxy.blackhole();
    try {
      const started = Date.now();
      const response = await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody(), eventId: 'during-pg-hang' }));
      const elapsedMs = Date.now() - started;
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('INBOX_UNAVAILABLE');
      expect(response.headers['retry-after']).toBe('5');
      // WEBHOOK_STORE_TIMEOUT_MS (1.5 s) bounds it; pg's own query timeout (6 s) would be too late.
      expect(elapsedMs).toBeLessThan(4_000);
    } finally {
      pgProxy.restore();
    }
  });

  it('with PostgreSQL refusing connections, an unknown connection id gets 503, not 404 or 500', async () => {
    pgProxy.cut();
    try {
      const stranger = { ...connection, id: '6f1c2b7e-0000-4000-8000-000000000001' };
      const response = await app.inject(shopifyDelivery(stranger, { body: shopifyOrderBody() }));
      expect(response.statusCode).toBe(503);
    } finally {
      pgProxy.restore();
    }
    await waitFor(async () => (await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody() }))).statusCode === 200, {
      timeoutMs: 15_000,
      what: 'PostgreSQL back',
    });
  });
});
