// Hostile bodies sent to EVERY route that takes one (webhooks, /auth, /api/v1): oversized, deeply
// nested, invalid UTF-8, NUL and unpaired surrogates. Each is a 4xx that names the problem (and,
// where a field is at fault, the field), and nothing is written anywhere.
import type { FastifyInstance } from 'fastify';
import { afterAll, expect } from 'vitest';
import { dbTest } from '../helpers/fixtures.js';
import { createConnection, type TestConnection } from '../http/webhooks/webhook-helpers.js';
import {
  adminToken,
  appWithRoutes,
  concrete,
  expectNamedField,
  expectNoServerError,
  hasBody,
  isApi,
  isWebhook,
  type Route,
  send,
  writableRowCounts,
} from './security-helpers.js';

let app: FastifyInstance;
let token = '';
let bodyRoutes: Route[] = [];
let webhookConnections = new Map<string, TestConnection>();

const test = dbTest.extend('ready', { scope: 'file' }, async ({ services }) => {
  const built = await appWithRoutes(services);
  app = built.app;
  bodyRoutes = built.routes.filter(hasBody);
  token = await adminToken(services);
  webhookConnections = new Map([
    ['shopify', await createConnection(services, 'shopify')],
    ['woocommerce', await createConnection(services, 'woocommerce')],
    ['erp', await createConnection(services, 'erp')],
  ]);
  return true;
});

afterAll(async () => {
  await app?.close();
});

/** A concrete URL for a body route: webhook routes get a real connection, so only the body is wrong. */
function urlOf(route: Route): string {
  const source = /^\/webhooks\/(\w+)\//.exec(route.url)?.[1];
  return concrete(route.url, (name) => (source && name === 'connectionId' ? webhookConnections.get(source)?.id : undefined));
}

const post = (route: Route, payload: string | Buffer, headers: Record<string, string> = {}) =>
  send(
    app,
    {
      method: route.method as 'POST',
      url: urlOf(route),
      headers: { 'content-type': 'application/json', ...(isApi(route) ? { authorization: `Bearer ${token}` } : {}), ...headers },
      payload,
    },
    `${route.method} ${route.url}`,
  );

// 500,000 levels in 1,000,000 bytes: just under the 1 MiB body limit.
const DEEP_ARRAYS = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
const DEEP_OBJECTS = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
const INVALID_UTF8 = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('","sku":"x"}')]);

test.describe('hostile bodies on every route that takes one', () => {
  test.for([
    { name: 'a body over 1 MiB', body: () => `{"name":"${'x'.repeat(1_100_000)}"}`, api: [413], webhook: [413] },
    { name: '500,000 nested arrays', body: () => DEEP_ARRAYS, api: [400], webhook: [401] },
    { name: '100,000 nested objects', body: () => DEEP_OBJECTS, api: [400], webhook: [401] },
    {
      name: 'deep nesting beside a __proto__ key',
      body: () => `{"__proto__":{},"a":${DEEP_ARRAYS.slice(0, 200_000)}}`,
      api: [400],
      webhook: [401],
    },
    { name: 'invalid UTF-8 bytes', body: () => INVALID_UTF8, api: [400], webhook: [401] },
    { name: 'a NUL in a string', body: () => '{"name":"a\\u0000b","sku":"a\\u0000b","email":"a\\u0000@b.cd"}', api: [400], webhook: [401] },
    { name: 'an unpaired surrogate', body: () => '{"name":"\\ud800","sku":"\\udfff","email":"\\ud800@b.cd"}', api: [400], webhook: [401] },
    { name: 'a truncated document', body: () => '{"name":"x",', api: [400], webhook: [401] },
  ])('$name: a clear 4xx on every body route and nothing written', { timeout: 120_000 }, async (probe, { ready, services }) => {
    expect(ready).toBe(true);
    const before = await writableRowCounts(services);
    const payload = probe.body();
    for (const route of bodyRoutes) {
      const response = await post(route, payload);
      const where = `${probe.name}: ${route.method} ${route.url}`;
      expectNoServerError(response, where);
      // Routes that declare no body (pause, test, replay, logout) ignore it: any answer but a 5xx.
      if (!route.readsBody) continue;
      expect(isWebhook(route) ? probe.webhook : probe.api, `${where} → ${response.statusCode} ${response.body.slice(0, 200)}`).toContain(
        response.statusCode,
      );
    }
    expect(await writableRowCounts(services)).toEqual(before);
  });

  test('a signed body over the limit, deeply nested or not UTF-8 is refused on every webhook route too', async ({ ready, services }) => {
    expect(ready).toBe(true);
    const { sign } = await import('../http/webhooks/webhook-helpers.js');
    const headersFor = (source: string, body: string | Buffer): Record<string, string> => {
      const secret = webhookConnections.get(source)?.secret ?? '';
      const shop = webhookConnections.get('shopify')?.shopDomain ?? '';
      const signature = sign(body, secret);
      return {
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': shop,
        'x-shopify-event-id': 'e-1',
        'x-shopify-hmac-sha256': signature,
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-delivery-id': 'd-1',
        'x-wc-webhook-signature': signature,
        'x-stockbridge-event-id': 'e-1',
        'x-stockbridge-signature': signature,
      };
    };
    for (const route of bodyRoutes.filter(isWebhook)) {
      const source = /^\/webhooks\/(\w+)\//.exec(route.url)?.[1] ?? '';
      for (const [body, status, code] of [
        [`{"id":1,"a":${DEEP_ARRAYS.slice(0, 20_000)}${DEEP_ARRAYS.slice(-20_000)}}`, 400, 'TOO_DEEP'],
        [INVALID_UTF8, 400, 'MALFORMED_JSON'],
        [`{"id":1,"pad":"${'x'.repeat(services.config.webhooks.bodyLimitBytes)}"}`, 413, 'FST_ERR_CTP_BODY_TOO_LARGE'],
      ] as const) {
        const response = await post(route, body, headersFor(source, body));
        expect(response.statusCode, `${route.url} ${code}`).toBe(status);
        expect(response.json().error.code).toBe(code);
      }
    }
    // Signed but unusable bodies are kept as `rejected` for support; none is ever processable.
    const stored = await services.prisma.inboxEvent.findMany({ where: { status: { not: 'rejected' } } });
    expect(stored).toHaveLength(0);
  });

  test.for([
    { url: '/auth/login', method: 'POST', field: 'email', base: { password: 'x' } },
    { url: '/api/v1/tokens', method: 'POST', field: 'name', base: { role: 'admin' } },
    { url: '/api/v1/users', method: 'POST', field: 'email', base: { role: 'support', password: 'long enough password' } },
    {
      url: '/api/v1/connections',
      method: 'POST',
      field: 'name',
      base: { kind: 'erp', erpType: 'generic-rest', baseUrl: 'https://e.example' },
    },
    { url: '/api/v1/resyncs', method: 'POST', field: 'sku', base: {} },
    { url: '/api/v1/reconciliations', method: 'POST', field: 'sku', base: {} },
    { url: '/api/v1/dead-letters/replay', method: 'POST', field: 'ids', base: {} },
  ])('$method $url: a wrong $field is a 400 naming body.$field, whatever it holds', async (row, { ready, services }) => {
    expect(ready).toBe(true);
    const before = await writableRowCounts(services);
    const headers = { 'content-type': 'application/json', ...(row.url.startsWith('/api') ? { authorization: `Bearer ${token}` } : {}) };
    const field = JSON.stringify(row.field);
    const base = JSON.stringify(row.base).slice(1, -1);
    const join = base ? `${base},` : '';
    for (const value of [
      DEEP_ARRAYS.slice(0, 400_000) + DEEP_ARRAYS.slice(-400_000),
      '"a\\u0000b"',
      '"\\ud83d"',
      '9007199254740993',
      '{"$ne":null}',
    ]) {
      const response = await send(app, { method: 'POST', url: row.url, headers, payload: `{${join}${field}:${value}}` }, row.url);
      expectNamedField(response, new RegExp(`body\\.${row.field}`), `${row.url} ${value.slice(0, 20)}`);
    }
    expect(await writableRowCounts(services)).toEqual(before);
  });
});
