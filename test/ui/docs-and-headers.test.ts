import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { importMapHash } from '../../src/ui/index-html.js';
import { dbTest as test } from '../helpers/fixtures.js';

let app: FastifyInstance;
const routes: string[] = [];

test.describe('OpenAPI docs, UI serving and security headers', () => {
  beforeAll(() => {});
  afterAll(async () => {
    await app?.close();
  });

  test('/docs/json describes every /api/v1 route, from the zod schemas', async ({ services }) => {
    app = await buildServer(services, {
      onRoute: (route) => {
        if (!route.url.startsWith('/api/v1')) return;
        for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method.toLowerCase()} ${route.url}`);
      },
    });
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const spec = response.json();
    expect(spec.openapi).toMatch(/^3\./);
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    for (const route of routes) expect(documented, route).toContain(route);
    // A zod body shows up as a JSON schema with its constraints.
    const createUser = spec.paths['/api/v1/users'].post.requestBody.content['application/json'].schema;
    expect(createUser.properties.role.enum).toEqual(['admin', 'support', 'accountant']);
    expect(createUser.properties.password.minLength).toBe(10);
    expect(Object.keys(spec.paths).some((path) => path.startsWith('/ui'))).toBe(false);
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('/docs serves Swagger UI from our own origin', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui-bundle.js');
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.(js|css)/);
  });

  test('every response carries a same-origin-only CSP that allows just the import map inline', async () => {
    for (const url of ['/ui/', '/docs/', '/api/v1/me', '/healthz']) {
      const response = await app.inject({ method: 'GET', url });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain(`script-src 'self' '${importMapHash}'`);
      expect(csp, url).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN');
    }
    // Plain-http demo: no HSTS, no upgrade of requests to https.
    const ui = await app.inject({ method: 'GET', url: '/ui/' });
    expect(ui.headers['strict-transport-security']).toBeUndefined();
    expect(String(ui.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
  });

  test('deep UI links answer the app page, the import map matches its CSP hash, and vendor modules are ours', async () => {
    const page = await app.inject({ method: 'GET', url: '/ui/skus/ABC-1' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const importMap = /<script type="importmap">(.*?)<\/script>/s.exec(page.body)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    expect(`sha256-${createHash('sha256').update(importMap).digest('base64')}`).toBe(importMapHash);
    for (const specifier of Object.values(JSON.parse(importMap).imports as Record<string, string>)) {
      const module = await app.inject({ method: 'GET', url: specifier });
      expect(module.statusCode, specifier).toBe(200);
      expect(module.headers['content-type'], specifier).toMatch(/javascript/);
    }
    expect((await app.inject({ method: 'GET', url: '/ui/assets/js/main.js' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/ui/vendor/nope.mjs' })).statusCode).toBe(404);
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/ui/');
  });
});
