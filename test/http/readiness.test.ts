import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { createTestDatabase, createTestServices, type ServicesFixture, type TestDatabase, waitFor } from '../helpers/fixtures.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

describe('/healthz and /readyz', () => {
  let database: TestDatabase;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let services: ServicesFixture;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase();
    pgProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    redisProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const url = new URL(database.url);
    url.port = String(pgProxy.port);
    services = await createTestServices(database, {
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      DATABASE_CONNECT_TIMEOUT_MS: '500',
      DATABASE_STATEMENT_TIMEOUT_MS: '500',
      REDIS_COMMAND_TIMEOUT_MS: '300',
    });
    app = await buildServer(services);
  });

  afterAll(async () => {
    await app?.close();
    await services?.close();
    await pgProxy?.close();
    await redisProxy?.close();
    await database?.close();
  });

  const readiness = async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    return { status: response.statusCode, body: response.json() as { down: string[] } };
  };

  it('/healthz answers while the process is up', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('goes to 503 naming PostgreSQL when it is unreachable, and back to 200 when it returns', async () => {
    await waitFor(async () => (await readiness()).status === 200, { what: 'ready' });
    pgProxy.cut();
    const down = await waitFor(async () => {
      const result = await readiness();
      return result.status === 503 ? result : null;
    });
    expect(down.body.down).toEqual(['postgres']);
    pgProxy.restore();
    await waitFor(async () => (await readiness()).status === 200, { what: 'postgres back' });
  });

  it('goes to 503 naming Redis when it is unreachable, and back to 200 when it returns', async () => {
    redisProxy.cut();
    const down = await waitFor(async () => {
      const result = await readiness();
      return result.status === 503 ? result : null;
    });
    expect(down.body.down).toEqual(['redis']);
    redisProxy.restore();
    await waitFor(async () => (await readiness()).status === 200, { what: 'redis back', timeoutMs: 15_000 });
  });

  it('answers 503 within the timeouts when PostgreSQL hangs instead of refusing', async () => {
    pgProxy.blackhole();
    const started = Date.now();
    const result = await readiness();
    expect(result.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3_000);
    pgProxy.restore();
    await waitFor(async () => (await readiness()).status === 200, { what: 'postgres back', timeoutMs: 15_000 });
  });
});
