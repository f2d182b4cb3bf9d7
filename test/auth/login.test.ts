import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { hashToken } from '../../src/auth/secrets.js';
import { buildServer } from '../../src/http/server.js';
import { createTestServices, dbTest as test } from '../helpers/fixtures.js';
import { createTestUser, signIn } from './sign-in.js';

let app: FastifyInstance;

test.describe('signing in to the admin UI', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('the right password sets an httpOnly SameSite=Strict cookie whose session is stored only as a hash', async ({
    services,
    database,
  }) => {
    app = await buildServer(services);
    const user = await createTestUser(services.users, 'support');
    const response = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email.toUpperCase(), password: user.password },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ id: user.id, email: user.email, role: 'support' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const cookie = response.cookies[0]!;
    expect(cookie).toMatchObject({ name: 'sb_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeUndefined();
    const rows = await database.prisma.session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idHash).toBe(hashToken(cookie.value));
    expect(JSON.stringify(rows)).not.toContain(cookie.value);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `sb_session=${cookie.value}` } });
    expect(me.json()).toMatchObject({ kind: 'user', id: user.id, role: 'support' });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).not.toBeNull();
  });

  test('GET /auth/session returns the user and the same CSRF token; without a cookie it is 401', async ({ services }) => {
    const user = await createTestUser(services.users, 'accountant');
    const session = await signIn(app, user);
    const response = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: session.cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { email: user.email, role: 'accountant' }, csrfToken: session.csrfToken });
    // The UI draws its menu from these: the role's rows of the one permission table.
    const permissions: string[] = response.json().permissions;
    expect(permissions).toContain('GET /api/v1/reconciliations');
    expect(permissions).not.toContain('GET /api/v1/users');
    expect(permissions).not.toContain('POST /api/v1/connections');
    expect((await app.inject({ method: 'GET', url: '/auth/session' })).statusCode).toBe(401);
  });

  test.for([
    ['a wrong password', (email: string) => ({ email, password: 'not the password' })],
    ['an unknown email', () => ({ email: 'nobody@example.com', password: 'correct horse battery' })],
  ] as const)('%s is 401 with the same message and starts no session', async ([, body], { services, database }) => {
    const user = await createTestUser(services.users, 'admin');
    const before = await database.prisma.session.count();
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload: body(user.email), remoteAddress: '10.9.0.1' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'wrong email or password' });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await database.prisma.session.count()).toBe(before);
  });

  test('a disabled user cannot sign in', async ({ services }) => {
    const user = await createTestUser(services.users, 'support');
    await services.users.update(user.id, { disabled: true });
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } });
    expect(response.statusCode).toBe(401);
  });

  test.for([
    ['no email', { password: 'x' }],
    ['an empty password', { email: 'a@example.com', password: '' }],
    ['a number for email', { email: 42, password: 'correct horse battery' }],
  ] as const)('a body with %s is 400 and starts no session', async ([, payload], { database }) => {
    const before = await database.prisma.session.count();
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(await database.prisma.session.count()).toBe(before);
  });

  test('a login posted from another site (Origin header) is refused', async ({ services, database }) => {
    const user = await createTestUser(services.users, 'admin');
    const response = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { origin: 'https://evil.example' },
      payload: { email: user.email, password: user.password },
    });
    expect(response.statusCode).toBe(403);
    expect(await database.prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  test('logout with the CSRF token ends the session; the old cookie no longer works', async ({ services, database }) => {
    const user = await createTestUser(services.users, 'admin');
    const session = await signIn(app, user);
    const refused = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: session.cookie } });
    expect(refused.statusCode).toBe(403);
    expect(await database.prisma.session.count({ where: { userId: user.id } })).toBe(1);
    const out = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies[0]).toMatchObject({ name: 'sb_session', value: '' });
    expect(await database.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  test('behind https the cookie is Secure and uses the __Host- prefix', async ({ database }) => {
    const secureServices = await createTestServices(database, { PUBLIC_URL: 'https://stock.example.com' });
    const secureApp = await buildServer(secureServices);
    try {
      const user = await createTestUser(secureServices.users, 'admin');
      const session = await signIn(secureApp, user);
      const response = await secureApp.inject({ method: 'GET', url: '/auth/session', headers: { cookie: session.cookie } });
      expect(session.cookieName).toBe('__Host-sb_session');
      expect(response.statusCode).toBe(200);
      const login = await secureApp.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } });
      expect(login.cookies[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      expect(login.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    } finally {
      await secureApp.close();
      await secureServices.close();
    }
  });
});
