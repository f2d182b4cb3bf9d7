// Test helpers for the admin UI's sessions: make a user, sign in through the real endpoint, and
// carry the cookie and CSRF token into later requests.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/auth/roles.js';
import type { Users } from '../../src/auth/users.js';

export type TestUser = { id: string; email: string; password: string; role: Role };

export async function createTestUser(users: Users, role: Role, password = 'correct horse battery'): Promise<TestUser> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const created = await users.create({ email, role, password, name: `Test ${role}` });
  return { id: created.id, email, password, role };
}

export type SignedIn = { cookie: string; csrfToken: string; cookieName: string; token: string };

export async function signIn(app: FastifyInstance, user: { email: string; password: string }, ip = '127.0.0.1'): Promise<SignedIn> {
  const response = await app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email: user.email, password: user.password },
    remoteAddress: ip,
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies[0];
  if (!cookie) throw new Error('sign-in set no cookie');
  return { cookie: `${cookie.name}=${cookie.value}`, csrfToken: response.json().csrfToken, cookieName: cookie.name, token: cookie.value };
}
