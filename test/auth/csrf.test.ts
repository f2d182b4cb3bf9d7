import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { dbTest as test } from '../helpers/fixtures.js';
import { createTestUser, type SignedIn, signIn } from './sign-in.js';

let app: FastifyInstance;
let admin: SignedIn;

const createToken = (headers: Record<string, string>, payload: object = { role: 'support', name: 'csrf probe' }) =>
  app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload });

test.describe('CSRF protection for cookie-authenticated requests', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('a state-changing request with the session cookie but no token is 403 and writes nothing', async ({ services, database }) => {
    app = await buildServer(services);
    admin = await signIn(app, await createTestUser(services.users, 'admin'));
    const before = await database.prisma.apiToken.count();
    const response = await createToken({ cookie: admin.cookie });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('CSRF_TOKEN_INVALID');
    expect(await database.prisma.apiToken.count()).toBe(before);
  });

  test.for([
    ['a wrong token', 'x'.repeat(43)],
    ['an empty token', ''],
  ] as const)('%s is 403 and writes nothing', async ([, token], { database }) => {
    const before = await database.prisma.apiToken.count();
    const response = await createToken({ cookie: admin.cookie, 'x-csrf-token': token });
    expect(response.statusCode).toBe(403);
    expect(await database.prisma.apiToken.count()).toBe(before);
  });

  test('the token of another session is refused', async ({ services, database }) => {
    const other = await signIn(app, await createTestUser(services.users, 'admin'));
    const before = await database.prisma.apiToken.count();
    const response = await createToken({ cookie: admin.cookie, 'x-csrf-token': other.csrfToken });
    expect(response.statusCode).toBe(403);
    expect(await database.prisma.apiToken.count()).toBe(before);
  });

  test('the session’s own token in X-CSRF-Token is accepted', async ({ database }) => {
    const response = await createToken({ cookie: admin.cookie, 'x-csrf-token': admin.csrfToken }, { role: 'support', name: 'via header' });
    expect(response.statusCode).toBe(201);
    expect(await database.prisma.apiToken.count({ where: { name: 'via header' } })).toBe(1);
  });

  test('the token in the _csrf body field is accepted too (form posts)', async ({ database }) => {
    const response = await createToken({ cookie: admin.cookie }, { role: 'support', name: 'via field', _csrf: admin.csrfToken });
    expect(response.statusCode).toBe(201);
    expect(await database.prisma.apiToken.count({ where: { name: 'via field' } })).toBe(1);
  });

  test('reads need no token', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie: admin.cookie } });
    expect(response.statusCode).toBe(200);
  });

  test('bearer-token calls need no CSRF token, even with a stray session cookie', async ({ services, database }) => {
    const { token } = await services.apiTokens.create({ role: 'admin', name: 'automation' });
    const response = await createToken(
      { authorization: `Bearer ${token}`, cookie: admin.cookie },
      { role: 'accountant', name: 'by bearer' },
    );
    expect(response.statusCode).toBe(201);
    expect(await database.prisma.apiToken.findFirstOrThrow({ where: { name: 'by bearer' } })).toMatchObject({ role: 'accountant' });
  });
});
