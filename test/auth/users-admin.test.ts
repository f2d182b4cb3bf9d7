import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { dbTest as test } from '../helpers/fixtures.js';
import { createTestUser, type SignedIn, signIn, type TestUser } from './sign-in.js';

let app: FastifyInstance;
let adminUser: TestUser;
let admin: SignedIn;

const asAdmin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  app.inject({ method, url, payload, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken } });

test.describe('user management by admins', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('an admin creates a user who can then sign in; the list never shows password hashes', async ({ services, database }) => {
    app = await buildServer(services);
    adminUser = await createTestUser(services.users, 'admin');
    admin = await signIn(app, adminUser);
    const created = await asAdmin('POST', '/api/v1/users', {
      email: 'Dana@Example.com',
      name: 'Dana',
      role: 'accountant',
      password: 'a long first password',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'dana@example.com', role: 'accountant' });
    expect((await signIn(app, { email: 'dana@example.com', password: 'a long first password' })).csrfToken).toBeTruthy();
    const list = await asAdmin('GET', '/api/v1/users');
    expect(list.json().users.map((u: { email: string }) => u.email)).toContain('dana@example.com');
    expect(list.body).not.toMatch(/scrypt|passwordHash/);
    expect(await database.prisma.user.count({ where: { email: 'dana@example.com' } })).toBe(1);
  });

  test.for([
    ['a short password', { email: 'x@example.com', role: 'support', password: 'short' }, 'body.password'],
    ['an unknown role', { email: 'x@example.com', role: 'root', password: 'long enough password' }, 'body.role'],
    ['a malformed email', { email: 'not-an-email', role: 'support', password: 'long enough password' }, 'body.email'],
  ] as const)('creating a user with %s is 400 naming the field, and creates nothing', async ([, payload, path], { database }) => {
    const before = await database.prisma.user.count();
    const response = await asAdmin('POST', '/api/v1/users', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await database.prisma.user.count()).toBe(before);
  });

  test('a second user with the same email is 409', async () => {
    const response = await asAdmin('POST', '/api/v1/users', {
      email: 'dana@example.com',
      role: 'support',
      password: 'another long password',
    });
    expect(response.statusCode).toBe(409);
  });

  test('resetting a password ends the user’s sessions and only the new password works', async ({ services }) => {
    const user = await createTestUser(services.users, 'support');
    const old = await signIn(app, user);
    const reset = await asAdmin('POST', `/api/v1/users/${user.id}/password`, { password: 'brand new password 1' });
    expect(reset.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: old.cookie } })).statusCode).toBe(401);
    expect(await services.users.verify(user.email, user.password)).toBeNull();
    expect(await services.users.verify(user.email, 'brand new password 1')).not.toBeNull();
  });

  test('resetting the password of an unknown user is 404; a short one is 400', async ({ services }) => {
    expect(
      (await asAdmin('POST', '/api/v1/users/00000000-0000-4000-8000-000000000000/password', { password: 'long enough password' }))
        .statusCode,
    ).toBe(404);
    const user = await createTestUser(services.users, 'support');
    expect((await asAdmin('POST', `/api/v1/users/${user.id}/password`, { password: 'short' })).statusCode).toBe(400);
    expect(await services.users.verify(user.email, user.password)).not.toBeNull();
  });

  test('disabling a user signs them out and blocks sign-in; enabling restores it', async ({ services }) => {
    const user = await createTestUser(services.users, 'support');
    const session = await signIn(app, user);
    const disabled = await asAdmin('PATCH', `/api/v1/users/${user.id}`, { disabled: true });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ id: user.id, disabled: true });
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
    const login = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: user.password },
      remoteAddress: '10.7.0.1',
    });
    expect(login.statusCode).toBe(401);
    expect((await asAdmin('PATCH', `/api/v1/users/${user.id}`, { disabled: false })).statusCode).toBe(200);
    expect((await signIn(app, user, '10.7.0.2')).csrfToken).toBeTruthy();
  });

  test('changing a user’s role ends their sessions, so the new role applies at once', async ({ services }) => {
    const user = await createTestUser(services.users, 'admin');
    const session = await signIn(app, user, '10.8.0.1');
    const changed = await asAdmin('PATCH', `/api/v1/users/${user.id}`, { role: 'accountant' });
    expect(changed.json()).toMatchObject({ role: 'accountant' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
    const again = await signIn(app, user, '10.8.0.2');
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: { cookie: again.cookie } })).statusCode).toBe(403);
  });

  test('an admin cannot disable or demote themself', async ({ database }) => {
    expect((await asAdmin('PATCH', `/api/v1/users/${adminUser.id}`, { disabled: true })).statusCode).toBe(409);
    expect((await asAdmin('PATCH', `/api/v1/users/${adminUser.id}`, { role: 'support' })).statusCode).toBe(409);
    expect(await database.prisma.user.findUniqueOrThrow({ where: { id: adminUser.id } })).toMatchObject({ disabled: false, role: 'admin' });
  });

  test('an empty change is 400', async () => {
    expect((await asAdmin('PATCH', `/api/v1/users/${adminUser.id}`, {})).statusCode).toBe(400);
  });
});
