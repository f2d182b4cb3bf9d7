import { expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { dbTest as test } from '../helpers/fixtures.js';

test('tokens, credentials and authorization headers never reach the logs', async ({ services }) => {
  const app = await buildServer(services);
  const { token } = await services.apiTokens.create({ role: 'admin', name: 'log-probe' });
  await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}`, cookie: 'sb_session=abcdef123456' } });
  const secret = 'shpat_0123456789abcdef0123456789abcdef';
  services.log.info({ connection: { name: 'shop', credentials: { accessToken: secret } }, accessToken: secret }, 'probe');
  services.log.info({ body: { consumerSecret: secret, webhookSecret: secret, password: secret } }, 'probe 2');
  await app.close();
  const text = services.logs.text();
  expect(text).toContain('probe');
  expect(text).toContain('[redacted]');
  expect(text).not.toContain(token);
  expect(text).not.toContain(secret);
  expect(text).not.toContain('abcdef123456');
});
