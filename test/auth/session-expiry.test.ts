import { expect } from 'vitest';
import { createSessions } from '../../src/auth/sessions.js';
import { buildServer } from '../../src/http/server.js';
import { dbTest as test } from '../helpers/fixtures.js';
import { createTestUser, signIn } from './sign-in.js';

const TTL_MS = 30 * 60_000;

test('a session works until its lifetime ends, then is 401 and its row is deleted', async ({ services, database }) => {
  let now = new Date('2026-03-01T09:00:00Z');
  const sessions = createSessions({ prisma: services.prisma, ttlMs: TTL_MS, clock: () => now });
  const app = await buildServer({ ...services, sessions });
  try {
    const user = await createTestUser(services.users, 'support');
    const session = await signIn(app, user);
    const me = () => app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } });

    const row = await database.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.expiresAt.toISOString()).toBe('2026-03-01T09:30:00.000Z');

    now = new Date(now.getTime() + TTL_MS - 1_000);
    expect((await me()).statusCode).toBe(200);
    now = new Date(now.getTime() + 1_000);
    const expired = await me();
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('UNAUTHENTICATED');
    expect(await database.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  } finally {
    await app.close();
  }
});

test('activity does not extend the lifetime', async ({ services }) => {
  let now = new Date('2026-03-01T09:00:00Z');
  const sessions = createSessions({ prisma: services.prisma, ttlMs: TTL_MS, clock: () => now });
  const app = await buildServer({ ...services, sessions });
  try {
    const session = await signIn(app, await createTestUser(services.users, 'accountant'));
    for (let minute = 5; minute < 30; minute += 5) {
      now = new Date(Date.parse('2026-03-01T09:00:00Z') + minute * 60_000);
      expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(200);
    }
    now = new Date('2026-03-01T09:30:00Z');
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  } finally {
    await app.close();
  }
});

test('disabling a user ends their live sessions at once', async ({ services }) => {
  const app = await buildServer(services);
  try {
    const user = await createTestUser(services.users, 'support');
    const session = await signIn(app, user);
    await services.users.update(user.id, { disabled: true });
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  } finally {
    await app.close();
  }
});

test('a forged or malformed cookie is 401 without a database lookup surprise', async ({ services }) => {
  const app = await buildServer(services);
  try {
    for (const value of ['sbs_' + 'A'.repeat(43), 'not-a-token', '']) {
      const response = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `sb_session=${value}` } });
      expect(response.statusCode).toBe(401);
    }
  } finally {
    await app.close();
  }
});
