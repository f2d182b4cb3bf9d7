// Secrets never reach logs or API responses. Every kind is configured with a distinctive value
// (Shopify access token, client secret, webhook secrets, WooCommerce consumer key and secret, ERP
// API keys and secrets, API tokens, session cookies, user passwords), then the service is driven
// through everything that touches them: connection create (good and wrong credentials), list, get,
// update, test, pause, catalog import, signed and forged webhooks, sign-in (good and bad),
// password reset, token creation, and failures that log errors. Every captured log line (debug
// level) and every response is then searched for every value.
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { dbTest } from '../helpers/fixtures.js';
import { sign } from '../http/webhooks/webhook-helpers.js';
import { CLIENT_SHOP, connectionBodies, leaked, newSecrets, recordingClient, STATIC_SHOP, startPlatforms } from './secret-world.js';
import { adminToken, appWithRoutes } from './security-helpers.js';

let app: FastifyInstance | undefined;
const secrets = newSecrets();

const test = dbTest.extend('platforms', { scope: 'file' }, async ({ services }, { onCleanup }) => {
  const platforms = await startPlatforms(secrets);
  onCleanup(() => platforms.close());
  app = (await appWithRoutes(services)).app;
  return platforms;
});

afterAll(async () => {
  await app?.close();
});

test('no configured secret appears in any log line or API response', { timeout: 120_000 }, async ({ platforms, services }) => {
  const client = recordingClient(app as FastifyInstance);
  const admin = await adminToken(services);
  const bearer = { authorization: `Bearer ${admin}` };
  const sessions: string[] = [];
  const createdTokens: string[] = [];

  // People: a user with a password, a failed and a good sign-in, a token made through the session.
  const email = `secret-owner-${Date.now()}@example.com`;
  const user = await client.call({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer,
    payload: { email, role: 'admin', password: secrets.userPassword },
  });
  expect(user.statusCode, user.body).toBe(201);
  expect((await client.call({ method: 'POST', url: '/auth/login', payload: { email, password: secrets.wrongSecret } })).statusCode).toBe(
    401,
  );
  expect(
    (await client.call({ method: 'POST', url: '/auth/login', payload: { email: 'nobody@example.com', password: secrets.userPassword } }))
      .statusCode,
  ).toBe(401);
  const login = await client.call({ method: 'POST', url: '/auth/login', payload: { email, password: secrets.userPassword } });
  expect(login.statusCode).toBe(200);
  const cookie = login.cookies[0] as { name: string; value: string };
  sessions.push(cookie.value);
  const session = { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': login.json().csrfToken };
  const made = await client.call({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: session,
    payload: { role: 'support', name: 'automation' },
  });
  expect(made.statusCode).toBe(201);
  createdTokens.push(made.json().token);
  expect(
    (await client.call({ method: 'GET', url: '/api/v1/tokens', headers: { authorization: `Bearer ${made.json().token}` } })).statusCode,
  ).toBe(403);
  await client.call({ method: 'GET', url: '/api/v1/tokens', headers: bearer });
  await client.call({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } });

  // Connections: each kind with every secret, then the same with one wrong secret.
  const bodies = connectionBodies(secrets, platforms);
  const ids: Record<string, string> = {};
  for (const [name, body] of Object.entries(bodies)) {
    const created = await client.call({ method: 'POST', url: '/api/v1/connections', headers: bearer, payload: body });
    expect(created.statusCode, `${name}: ${created.body}`).toBe(201);
    ids[name] = created.json().id;
  }
  for (const body of [
    { ...bodies.woo, name: 'wrong woo', consumerSecret: secrets.wrongSecret },
    { ...bodies.shopifyStatic, name: 'wrong shop', accessToken: secrets.wrongSecret },
    { ...bodies.shopifyClient, name: 'wrong client', clientSecret: secrets.wrongSecret },
    { ...bodies.erp, name: 'wrong erp', apiKey: secrets.wrongSecret },
    { ...bodies.erpnext, name: 'wrong erpnext', apiSecret: secrets.wrongSecret },
  ]) {
    const refused = await client.call({ method: 'POST', url: '/api/v1/connections', headers: bearer, payload: body });
    expect(refused.statusCode, `${body.name}: ${refused.body}`).toBe(422);
  }
  await client.call({ method: 'GET', url: '/api/v1/connections', headers: bearer });
  for (const id of Object.values(ids)) {
    await client.call({ method: 'GET', url: `/api/v1/connections/${id}`, headers: bearer });
    await client.call({ method: 'PATCH', url: `/api/v1/connections/${id}`, headers: bearer, payload: { name: 'renamed' } });
    expect((await client.call({ method: 'POST', url: `/api/v1/connections/${id}/test`, headers: bearer })).json().test.outcome).toBe('ok');
    await services.catalogImport.run(id);
  }
  await client.call({ method: 'POST', url: `/api/v1/connections/${ids.woo}/pause`, headers: bearer });
  await client.call({ method: 'POST', url: `/api/v1/connections/${ids.woo}/resume`, headers: bearer });

  // Webhooks: signed with each webhook secret, and forged with a wrong one.
  const body = '{"id":820982911946154508,"event":"stock.changed","created_at":"2026-03-01T09:30:00Z","line_items":[],"items":[]}';
  const deliveries = [
    {
      url: `/webhooks/shopify/${ids.shopifyStatic}`,
      key: secrets.shopifyWebhookSecret,
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': STATIC_SHOP, 'x-shopify-event-id': 'e1' },
      signature: 'x-shopify-hmac-sha256',
    },
    {
      url: `/webhooks/shopify/${ids.shopifyClient}`,
      key: secrets.shopifyClientSecret,
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': CLIENT_SHOP, 'x-shopify-event-id': 'e2' },
      signature: 'x-shopify-hmac-sha256',
    },
    {
      url: `/webhooks/woocommerce/${ids.woo}`,
      key: secrets.wooWebhookSecret,
      headers: { 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-delivery-id': 'd1' },
      signature: 'x-wc-webhook-signature',
    },
    {
      url: `/webhooks/erp/${ids.erp}`,
      key: secrets.erpWebhookSecret,
      headers: { 'x-stockbridge-event-id': 'e3' },
      signature: 'x-stockbridge-signature',
    },
  ];
  for (const delivery of deliveries) {
    const headers = { 'content-type': 'application/json', ...delivery.headers };
    const good = await client.call({
      method: 'POST',
      url: delivery.url,
      headers: { ...headers, [delivery.signature]: sign(body, delivery.key) },
      payload: body,
    });
    expect(good.statusCode, `${delivery.url}: ${good.body}`).toBe(200);
    const forged = await client.call({
      method: 'POST',
      url: delivery.url,
      headers: { ...headers, [delivery.signature]: sign(body, secrets.wrongSecret) },
      payload: body,
    });
    expect(forged.statusCode).toBe(401);
  }

  // Failures that log errors: a platform failing its test, a disconnect whose cleanup fails, and
  // credentials the current key cannot read.
  platforms.erp.control.setKnobs({ errorRate: 1 });
  expect((await client.call({ method: 'POST', url: `/api/v1/connections/${ids.erp}/test`, headers: bearer })).json().test.outcome).not.toBe(
    'ok',
  );
  platforms.erp.control.setKnobs({ errorRate: 0 });
  platforms.woo.control.addFault({ method: 'DELETE', endpoint: /^webhooks\/\d+$/, status: 500, times: 50 });
  expect((await client.call({ method: 'DELETE', url: `/api/v1/connections/${ids.woo}`, headers: bearer })).json()).toEqual({
    webhooksRemoved: false,
  });
  await services.prisma.connection.update({ where: { id: ids.erp }, data: { credentialsKeyId: 'retired-key' } });
  services.inbox.invalidateConnection(ids.erp);
  const unreadable = await client.call({
    method: 'POST',
    url: `/webhooks/erp/${ids.erp}`,
    headers: {
      'content-type': 'application/json',
      'x-stockbridge-event-id': 'e4',
      'x-stockbridge-signature': sign(body, secrets.erpWebhookSecret),
    },
    payload: body,
  });
  expect(unreadable.statusCode).toBe(503);

  // A password reset, the new password's sign-in, and sign-out.
  const reset = await client.call({
    method: 'POST',
    url: `/api/v1/users/${user.json().id}/password`,
    headers: bearer,
    payload: { password: secrets.newPassword },
  });
  expect(reset.statusCode).toBe(204);
  const again = await client.call({ method: 'POST', url: '/auth/login', payload: { email, password: secrets.newPassword } });
  expect(again.statusCode).toBe(200);
  sessions.push((again.cookies[0] as { value: string }).value);
  await client.call({
    method: 'POST',
    url: '/auth/logout',
    headers: { cookie: `${cookie.name}=${sessions[1]}`, 'x-csrf-token': again.json().csrfToken },
  });

  const issued = [...(platforms.shopify.state.shops.get(CLIENT_SHOP)?.issuedTokens.keys() ?? [])];
  expect(issued.length).toBeGreaterThan(0);
  const values: Record<string, string> = {
    ...secrets,
    adminToken: admin,
    ...Object.fromEntries(createdTokens.map((token, index) => [`createdToken${index}`, token])),
    ...Object.fromEntries(sessions.map((token, index) => [`session${index}`, token])),
    ...Object.fromEntries(issued.map((token, index) => [`shopifyIssuedToken${index}`, token])),
  };

  // The scan means something only if the logs hold these flows.
  const logs = services.logs.text();
  for (const line of [
    'connection created',
    'sign-in refused',
    'webhook refused',
    'webhook secret unreadable',
    'could not remove webhooks',
  ]) {
    expect(logs, line).toContain(line);
  }
  expect(leaked(logs, values), 'secrets in the logs').toEqual([]);

  for (const { where, response } of client.responses) {
    const isTokenCreation = where === 'POST /api/v1/tokens';
    const headers = Object.entries(response.headers).filter(([name]) => !(where === 'POST /auth/login' && name === 'set-cookie'));
    const text = `${response.body}\n${JSON.stringify(headers)}`;
    const shown = leaked(text, values).filter((name) => !(isTokenCreation && name === 'createdToken0'));
    expect(shown, `${where} → ${response.statusCode}`).toEqual([]);
  }
});
