// Random bodies and headers never crash a webhook route (no 5xx), and nothing unsigned is ever stored.
import fc from 'fast-check';
import { expect } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { dbTest } from '../../helpers/fixtures.js';
import { createConnection, type Kind, sign, type TestConnection } from './webhook-helpers.js';

const test = dbTest.extend('app', { scope: 'file' }, async ({ services }, { onCleanup }) => {
  const app = await buildServer(services);
  onCleanup(() => app.close());
  return app;
});

const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 80 });

const SIGNATURE_HEADERS: Record<Kind, string> = {
  shopify: 'x-shopify-hmac-sha256',
  woocommerce: 'x-wc-webhook-signature',
  erp: 'x-stockbridge-signature',
};

const headerNames = fc.constantFrom(
  'x-shopify-topic',
  'x-shopify-event-id',
  'x-shopify-webhook-id',
  'x-shopify-triggered-at',
  'x-shopify-shop-domain',
  'shopify-topic',
  'x-wc-webhook-topic',
  'x-wc-webhook-delivery-id',
  'x-stockbridge-event-id',
  'x-request-id',
);

const randomHeaders = fc.dictionary(headerNames, headerText, { maxKeys: 6 });

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
);

const deep = fc.integer({ min: 1, max: 3_000 }).map((depth) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
const hostileKeys = fc.constantFrom(
  '{"__proto__":{"x":1}}',
  '{"\\u005f_proto__":1}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"id":1e999,"date_modified_gmt":"9999-99-99T99:99:99"}',
  '{"id":"\\u0000","event":"stock.changed","sku":"\\ud800"}',
  'webhook_id=1',
  'webhook_id=99999999999999999999999',
);

const bodies = fc.oneof(
  fc.string(),
  fc.json().map((json) => json),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  deep,
  hostileKeys,
  fc.jsonValue().map((value) => JSON.stringify({ id: 271878346596884015n.toString(), event: 'stock.changed', value })),
);

test.describe('webhook routes under random input', () => {
  test('unsigned or wrongly signed requests never crash a route and never store anything', async ({ app, services }) => {
    const connections: TestConnection[] = [
      await createConnection(services, 'shopify'),
      await createConnection(services, 'woocommerce'),
      await createConnection(services, 'erp'),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...connections),
        fc.constantFrom<Kind>('shopify', 'woocommerce', 'erp'),
        bodies,
        randomHeaders,
        contentTypes,
        fc.option(fc.base64String({ maxLength: 64 })),
        async (connection, route, body, headers, contentType, signature) => {
          const response = await app.inject({
            method: 'POST',
            url: `/webhooks/${route}/${connection.id}`,
            headers: { ...headers, 'content-type': contentType, ...(signature === null ? {} : { [SIGNATURE_HEADERS[route]]: signature }) },
            payload: body,
          });
          expect(response.statusCode).toBeLessThan(500);
          expect([200, 400, 401, 404, 413, 415]).toContain(response.statusCode);
        },
      ),
      { numRuns: 150 },
    );
    const stored = await services.prisma.inboxEvent.count({ where: { connectionId: { in: connections.map((c) => c.id) } } });
    expect(stored).toBe(0);
  });

  test('correctly signed random bodies and headers never crash a route; what is stored is exactly what was signed', async ({
    app,
    services,
  }) => {
    const connections: TestConnection[] = [
      await createConnection(services, 'shopify'),
      await createConnection(services, 'woocommerce'),
      await createConnection(services, 'erp'),
    ];
    const signedBodies: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...connections), bodies, randomHeaders, async (connection, body, headers) => {
        const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
        signedBodies.push(bytes.toString('utf8'));
        const response = await app.inject({
          method: 'POST',
          url: `/webhooks/${connection.kind}/${connection.id}`,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'x-shopify-shop-domain': connection.shopDomain,
            [SIGNATURE_HEADERS[connection.kind]]: sign(bytes, connection.secret),
          },
          payload: bytes,
        });
        expect(response.statusCode).toBeLessThan(500);
        expect([200, 400]).toContain(response.statusCode);
      }),
      { numRuns: 200 },
    );
    const rows = await services.prisma.inboxEvent.findMany({ where: { connectionId: { in: connections.map((c) => c.id) } } });
    const signed = new Set(signedBodies.map((text) => text.replaceAll('\u0000', '\uFFFD')));
    for (const row of rows) expect(signed.has(row.payload)).toBe(true);
    // Only valid JSON objects with an identity become processable events.
    for (const row of rows.filter((r) => r.status !== 'rejected')) expect(typeof JSON.parse(row.payload)).toBe('object');
  });
});
