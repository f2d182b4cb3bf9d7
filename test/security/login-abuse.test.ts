// Brute force against /auth/login, with small limits (3 per IP and email, 5 per IP, 6 per email).
// test/auth/login-rate-limit.test.ts covers each limit alone; this file plays the attacker: a
// locked-out guesser gets 429 with Retry-After even for the right password, forged
// X-Forwarded-For and re-spelled e-mail addresses do not reset the count, and the lock never spills
// onto other people: another user at another address signs in normally throughout.
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { createTestUser, type TestUser } from '../auth/sign-in.js';
import { createTestServices, dbTest, dropQueuePrefix } from '../helpers/fixtures.js';
import { appWithRoutes } from './security-helpers.js';

const WINDOW_MS = 600_000;

let app: FastifyInstance | undefined;

const test = dbTest.extend('limited', { scope: 'file' }, async ({ database }, { onCleanup }) => {
  const services = await createTestServices(database, {
    LOGIN_RATE_MAX_PER_ACCOUNT: '3',
    LOGIN_RATE_MAX_PER_IP: '5',
    LOGIN_RATE_MAX_PER_EMAIL: '6',
    LOGIN_RATE_WINDOW_MS: String(WINDOW_MS),
  });
  onCleanup(async () => {
    await dropQueuePrefix(services);
    await services.close();
  });
  app = (await appWithRoutes(services)).app;
  return services;
});

afterAll(async () => {
  await app?.close();
});

const attempt = (email: string, password: string, ip: string, headers: Record<string, string> = {}) =>
  (app as FastifyInstance).inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress: ip, headers });

function expectLimited(response: Awaited<ReturnType<typeof attempt>>) {
  expect(response.statusCode, response.body).toBe(429);
  expect(response.json().error).toMatchObject({ code: 'LOGIN_RATE_LIMITED', message: expect.stringMatching(/try again in \d+ s/) });
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
}

test.describe('brute-force sign-in', () => {
  test('a guesser is locked out with 429 and Retry-After, even with the right password; a different user elsewhere is not', async ({
    limited,
  }) => {
    const victim = await createTestUser(limited.users, 'admin');
    const bystander = await createTestUser(limited.users, 'support');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(victim.email, `guess-${i}`, '203.0.113.7')).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    expectLimited(await attempt(victim.email, victim.password, '203.0.113.7'));
    expect(await limited.prisma.session.count({ where: { userId: victim.id } })).toBe(0);

    const other = await attempt(bystander.email, bystander.password, '198.51.100.20');
    expect(other.statusCode, other.body).toBe(200);
    expect(other.cookies.some((cookie) => cookie.value.length > 0)).toBe(true);
  });

  test('an IP that sprayed many accounts is locked out, while those accounts still sign in from their own addresses', async ({
    limited,
  }) => {
    const users: TestUser[] = [];
    for (let i = 0; i < 5; i++) users.push(await createTestUser(limited.users, 'support'));
    for (const user of users) expect((await attempt(user.email, 'spray', '203.0.113.50')).statusCode).toBe(401);
    expectLimited(await attempt(`fresh-${Date.now()}@example.com`, 'spray', '203.0.113.50'));
    expectLimited(await attempt((users[0] as TestUser).email, (users[0] as TestUser).password, '203.0.113.50'));
    for (const [index, user] of users.entries()) {
      const own = await attempt(user.email, user.password, `198.51.100.${100 + index}`);
      expect(own.statusCode, `${user.email}: ${own.body}`).toBe(200);
    }
  });

  test('forged X-Forwarded-For headers do not give the guesser fresh addresses (TRUST_PROXY is off)', async ({ limited }) => {
    const victim = await createTestUser(limited.users, 'accountant');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const forged = { 'x-forwarded-for': `10.9.${i}.1`, 'x-real-ip': `10.9.${i}.1` };
      statuses.push((await attempt(victim.email, `guess-${i}`, '203.0.113.80', forged)).statusCode);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(await limited.redis.keys(`${limited.config.queuePrefix}:login-limit:*10.9.*`)).toEqual([]);
  });

  test('re-spelling the e-mail (case, spaces) counts against the same account', async ({ limited }) => {
    const victim = await createTestUser(limited.users, 'admin');
    const spellings = [victim.email, victim.email.toUpperCase(), `  ${victim.email}  `];
    for (const email of spellings) expect((await attempt(email, 'wrong', '203.0.113.90')).statusCode).toBe(401);
    expectLimited(
      await attempt(
        victim.email.replace(/^./, (c) => c.toUpperCase()),
        victim.password,
        '203.0.113.90',
      ),
    );
  });

  test('the per-email ceiling stops guessing from rotating addresses; other accounts at those addresses are unaffected', async ({
    limited,
  }) => {
    const victim = await createTestUser(limited.users, 'admin');
    const neighbour = await createTestUser(limited.users, 'admin');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(victim.email, 'wrong', `192.0.2.${10 + i}`)).statusCode);
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(401));
    expect(statuses[6]).toBe(429);
    expectLimited(await attempt(victim.email, victim.password, '192.0.2.200'));
    expect((await attempt(neighbour.email, neighbour.password, '192.0.2.10')).statusCode).toBe(200);
  });
});
