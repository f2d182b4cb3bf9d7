// Walks EVERY /api/v1 route the app registers (collected at runtime, so a route added tomorrow is
// covered without touching this file) for no credentials and each role, and holds the answers to
// the permission table: 401 without credentials, 403 for a role the table leaves out, and for a
// role it lets in, anything but 401/403 (the call reaches the handler; bad input is 400, unknown
// ids 404, and never a 5xx).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { rolesFor } from '../../src/auth/permissions.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { buildServer } from '../../src/http/server.js';
import { createTestUser, signIn } from '../auth/sign-in.js';
import { dbTest as test } from '../helpers/fixtures.js';

type Route = { method: string; url: string };

let app: FastifyInstance;
const routes: Route[] = [];
const tokens = new Map<Role, string>();

/** A concrete URL for a route pattern: ids become unknown UUIDs, other parameters plain words. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_match, name: string) => (/id$/i.test(name) ? randomUUID() : `matrix-${name}`));
}

function call(route: Route, headers: Record<string, string>) {
  const hasBody = !['GET', 'DELETE', 'HEAD'].includes(route.method);
  return app.inject({ method: route.method as 'GET', url: concrete(route.url), headers, ...(hasBody ? { payload: {} } : {}) });
}

test.describe('route × role matrix', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('every /api/v1 route the app registers is collected and has a permission entry', async ({ services }) => {
    app = await buildServer(services, {
      onRoute: (route) => {
        if (!route.url.startsWith('/api/v1')) return;
        for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: route.url });
      },
    });
    await app.ready();
    for (const role of ROLES) tokens.set(role, (await services.apiTokens.create({ role, name: `matrix ${role}` })).token);
    // The floor: the routes this helper knows exist must be among those walked.
    for (const known of ['GET /api/v1/me', 'GET /api/v1/tokens', 'POST /api/v1/users/:id/password']) {
      expect(routes.map((r) => `${r.method} ${r.url}`)).toContain(known);
    }
    for (const route of routes) expect(rolesFor(route.method, route.url), `${route.method} ${route.url}`).toBeDefined();
  });

  test('without credentials every route is 401, before its body is even parsed', async () => {
    for (const route of routes) {
      const response = await call(route, {});
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      const malformed = await app.inject({
        method: route.method as 'POST',
        url: concrete(route.url),
        headers: { 'content-type': 'application/json' },
        payload: '{"not json',
      });
      expect(malformed.statusCode, `malformed ${route.method} ${route.url}`).toBe(401);
    }
  });

  test.for(ROLES)('a %s token gets 403 exactly where the table says no', async (role) => {
    const token = tokens.get(role)!;
    for (const route of routes) {
      const allowed = rolesFor(route.method, route.url)!.includes(role);
      const response = await call(route, { authorization: `Bearer ${token}` });
      const where = `${role} ${route.method} ${route.url} → ${response.statusCode} ${response.body.slice(0, 200)}`;
      if (allowed) {
        expect([401, 403], where).not.toContain(response.statusCode);
        expect(response.statusCode, where).toBeLessThan(500);
      } else {
        expect(response.statusCode, where).toBe(403);
        expect(response.json().error.code, where).toBe('FORBIDDEN');
      }
    }
  });

  test('a signed-in support user (cookie + CSRF token) gets the same answers as a support token', async ({ services }) => {
    const session = await signIn(app, await createTestUser(services.users, 'support'));
    for (const route of routes) {
      const allowed = rolesFor(route.method, route.url)!.includes('support');
      const response = await call(route, { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
      const where = `session ${route.method} ${route.url} → ${response.statusCode}`;
      if (allowed) expect([401, 403], where).not.toContain(response.statusCode);
      else expect(response.statusCode, where).toBe(403);
    }
  });
});
