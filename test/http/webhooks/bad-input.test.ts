import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { dbTest } from '../../helpers/fixtures.js';
import { counterValue, createConnection, inboxRows, jobCount, shopifyDelivery, shopifyOrderBody, sign } from './webhook-helpers.js';

const test = dbTest.extend('app', { scope: 'file' }, async ({ services }, { onCleanup }) => {
  const app = await buildServer(services);
  onCleanup(() => app.close());
  return app;
});

const deepArrays = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
const deepInObject = `{"id":1,"x":${deepArrays}}`;

test.describe('webhook bad input', () => {
  test.for([
    { name: 'malformed JSON', body: '{"id":1,', code: 'MALFORMED_JSON' },
    { name: 'a trailing comma', body: '{"id":1,}', code: 'MALFORMED_JSON' },
    { name: 'an empty body', body: '', code: 'MALFORMED_JSON' },
    { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), code: 'MALFORMED_JSON' },
    { name: '10 kB of 5,000 nested arrays', body: deepInObject, code: 'TOO_DEEP' },
    { name: 'a bare deep array', body: deepArrays, code: 'TOO_DEEP' },
    { name: 'a __proto__ key', body: '{"id":1,"__proto__":{"admin":true}}', code: 'FORBIDDEN_KEY' },
    { name: 'a nested, escaped __proto__ key', body: '{"id":1,"a":[{"\\u005f_proto__":{"x":1}}]}', code: 'FORBIDDEN_KEY' },
    { name: 'a JSON array', body: '[1,2,3]', code: 'NOT_OBJECT' },
    { name: 'NUL bytes in a broken body', body: '{"id":1,\u0000', code: 'MALFORMED_JSON' },
  ])('a signed body with $name is 400 and recorded as rejected, never enqueued', async ({ body, code }, { app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const jobsBefore = await jobCount(services);
    const response = await app.inject(shopifyDelivery(connection, { body }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    const rows = await inboxRows(services, connection.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'rejected', error: code.toLowerCase(), topic: 'orders/create' });
    expect(await jobCount(services)).toBe(jobsBefore);
  });

  test('a signed delivery without a topic header is 400 and recorded as rejected', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const delivery = shopifyDelivery(connection, { body: shopifyOrderBody() });
    delete (delivery.headers as Record<string, string>)['x-shopify-topic'];
    const response = await app.inject(delivery);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('MISSING_HEADERS');
    expect((await inboxRows(services, connection.id)).map((row) => row.status)).toEqual(['rejected']);
  });

  test('a body over the limit is 413 and nothing is stored', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const body = `{"id":1,"pad":"${'x'.repeat(services.config.webhooks.bodyLimitBytes)}"}`;
    const before = await counterValue(services.metrics.webhookOutcomes, { source: 'shopify', outcome: 'too_large' });
    const response = await app.inject(shopifyDelivery(connection, { body }));
    expect(response.statusCode).toBe(413);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
    expect(await counterValue(services.metrics.webhookOutcomes, { source: 'shopify', outcome: 'too_large' })).toBe(before + 1);
  });

  test.for([
    { contentType: 'text/plain' },
    { contentType: 'application/xml' },
    { contentType: 'application/jsonx' },
    { contentType: 'application/x-www-form-urlencoded' },
  ])('content type $contentType is 415 and nothing is stored', async ({ contentType }, { app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const response = await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody(), contentType }));
    expect(response.statusCode).toBe(415);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
  });

  test('a POST with no body and no content type is 415', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const response = await app.inject({ method: 'POST', url: `/webhooks/shopify/${connection.id}` });
    expect(response.statusCode).toBe(415);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
  });

  test('an unknown connection, a malformed id, a deleted connection and the wrong platform are 404', async ({ app, services }) => {
    const deleted = await createConnection(services, 'shopify', { deleted: true });
    const woo = await createConnection(services, 'woocommerce');
    const unknown = { ...deleted, id: randomUUID() };
    const malformed = { ...deleted, id: 'not-a-uuid' };
    const asShopify = { ...woo, shopDomain: 'x.myshopify.com' };
    for (const connection of [unknown, malformed, deleted, asShopify]) {
      const response = await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody() }));
      expect(response.statusCode, connection.id).toBe(404);
      expect(response.json().error.code).toBe('CONNECTION_NOT_FOUND');
    }
    expect(await services.prisma.inboxEvent.count({ where: { connectionId: { in: [deleted.id, woo.id] } } })).toBe(0);
  });

  test('a connection whose credentials cannot be decrypted answers 503 (retry later) and logs an error', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    await services.prisma.connection.update({ where: { id: connection.id }, data: { credentialsKeyId: 'retired-key' } });
    const response = await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody() }));
    expect(response.statusCode).toBe(503);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
    expect(services.logs.lines.some((line) => line.includes('webhook secret unreadable') && line.includes(connection.id))).toBe(true);
  });

  test('a paused connection answers 200 and stores the event as paused, without a job', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify', { paused: true });
    const jobsBefore = await jobCount(services);
    const response = await app.inject(shopifyDelivery(connection, { body: shopifyOrderBody() }));
    expect(response.statusCode).toBe(200);
    expect(response.json().outcome).toBe('paused');
    expect((await inboxRows(services, connection.id)).map((row) => row.status)).toEqual(['paused']);
    expect(await jobCount(services)).toBe(jobsBefore);
  });

  test('an unknown topic answers 200 and is stored as ignored, without a job', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const jobsBefore = await jobCount(services);
    const response = await app.inject(shopifyDelivery(connection, { body: '{"id":5}', topic: 'customers/create' }));
    expect(response.statusCode).toBe(200);
    expect(response.json().outcome).toBe('ignored');
    const rows = await inboxRows(services, connection.id);
    expect(rows.map((row) => [row.status, row.topic])).toEqual([['ignored', 'customers/create']]);
    expect(await jobCount(services)).toBe(jobsBefore);
  });

  test('a signature over different bytes (re-serialised JSON) is refused', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const body = shopifyOrderBody();
    const reserialised = JSON.stringify(JSON.parse(body));
    const delivery = shopifyDelivery(connection, { body, headers: { 'x-shopify-hmac-sha256': sign(reserialised, connection.secret) } });
    expect((await app.inject(delivery)).statusCode).toBe(401);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
  });
});
