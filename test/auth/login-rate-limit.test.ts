import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { createTestServices, dbTest, dropQueuePrefix, type ServicesFixture } from '../helpers/fixtures.js';
import { createTestUser, type TestUser } from './sign-in.js';

// Small limits so the test needs few attempts: 3 per (IP, email), 5 per IP, 6 per email.
const test = dbTest.extend('limited', { scope: 'file' }, async ({ database }, { onCleanup }) => {
  const services = await createTestServices(database, {
    LOGIN_RATE_MAX_PER_ACCOUNT: '3',
    LOGIN_RATE_MAX_PER_IP: '5',
    LOGIN_RATE_MAX_PER_EMAIL: '6',
    LOGIN_RATE_WINDOW_MS: '600000',
  });
  onCleanup(async () => {
    await dropQueuePrefix(services);
    await services.close();
  });
  return services;
});

let app: FastifyInstance;

const attempt = (user: { email: string }, password: string, ip: string) =>
  app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password }, remoteAddress: ip });

async function userOf(services: ServicesFixture): Promise<TestUser> {
  return createTestUser(services.users, 'admin');
}

test.describe('sign-in rate limit (Redis, per IP and email)', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('after 3 failures for one account from one IP, even the right password gets 429 with Retry-After', async ({ limited, database }) => {
    app = await buildServer(limited);
    const user = await userOf(limited);
    for (let i = 0; i < 3; i++) expect((await attempt(user, 'wrong password', '10.1.0.1')).statusCode).toBe(401);
    const blocked = await attempt(user, user.password, '10.1.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('LOGIN_RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(await database.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    // The counter lives in Redis under this deployment's prefix, so every API process shares it.
    expect(await limited.redis.keys(`${limited.config.queuePrefix}:login-limit:*`)).not.toHaveLength(0);
  });

  test('the same account from another IP is not blocked', async ({ limited }) => {
    const user = await userOf(limited);
    for (let i = 0; i < 3; i++) await attempt(user, 'wrong password', '10.2.0.1');
    expect((await attempt(user, 'wrong password', '10.2.0.1')).statusCode).toBe(429);
    expect((await attempt(user, user.password, '10.2.0.2')).statusCode).toBe(200);
  });

  test('one IP spraying many accounts hits the per-IP limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt({ email: `spray-${i}@example.com` }, 'guess', '10.3.0.1')).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  test('one account guessed from ever-changing IPs hits the per-email limit', async ({ limited }) => {
    const user = await userOf(limited);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(user, 'wrong password', `10.4.0.${i + 1}`)).statusCode);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses[6]).toBe(429);
    expect((await attempt(user, user.password, '10.4.1.1')).statusCode).toBe(429);
  });
});
