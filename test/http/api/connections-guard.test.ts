// The SSRF guard and the base-URL switch, with the service configured as in production.
import { expect } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { createTestServices, dbTest as test } from '../../helpers/fixtures.js';

test('loopback and metadata URLs are refused unless ALLOW_PRIVATE_ENDPOINTS=true; overrides can be switched off', async ({ database }) => {
  const services = await createTestServices(database, { ALLOW_PRIVATE_ENDPOINTS: 'false' });
  const strict = await createTestServices(database, { ALLOW_BASE_URL_OVERRIDE: 'false' });
  try {
    const app = await buildServer(services);
    const token = (await services.apiTokens.create({ role: 'admin', name: 'a' })).token;
    const post = (target: typeof app, body: object) =>
      target.inject({ method: 'POST', url: '/api/v1/connections', headers: { authorization: `Bearer ${token}` }, payload: body });
    for (const baseUrl of ['http://127.0.0.1:9/', 'http://169.254.169.254/latest', 'http://[::1]:80/', 'http://10.0.0.8/']) {
      const response = await post(app, { kind: 'erp', erpType: 'generic-rest', name: 'x', baseUrl, apiKey: 'k' });
      expect(response.statusCode, baseUrl).toBe(400);
      expect(response.json().error.code).toBe('ENDPOINT_REFUSED');
    }
    const strictApp = await buildServer(strict);
    const override = await post(strictApp, {
      kind: 'shopify',
      name: 's',
      shopDomain: 'a.myshopify.com',
      accessToken: 't',
      webhookSecret: 'w',
      baseUrl: 'https://sim.example.com',
    });
    expect(override.statusCode).toBe(400);
    expect(override.json().error.code).toBe('BASE_URL_OVERRIDE_NOT_ALLOWED');
    expect(await services.prisma.connection.count()).toBe(0);
    await app.close();
    await strictApp.close();
  } finally {
    await services.close();
    await strict.close();
  }
});
