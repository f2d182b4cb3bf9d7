import { expect } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { dbTest, waitFor } from '../../helpers/fixtures.js';
import { counterValue, createConnection, inboxRows, jobCount, shopifyDelivery, shopifyOrderBody, sign } from './webhook-helpers.js';

const test = dbTest.extend('app', { scope: 'file' }, async ({ services }, { onCleanup }) => {
  const app = await buildServer(services);
  onCleanup(() => app.close());
  return app;
});

test.describe('POST /webhooks/shopify/:connectionId', () => {
  test('a signed delivery is stored with its raw bytes and exact ids, then enqueued under the inbox id', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    // Non-ASCII text and escaped slashes: a re-serialisation would change the bytes and the HMAC.
    const body = shopifyOrderBody('820982911946154508');
    const response = await app.inject(shopifyDelivery(connection, { body, eventId: 'ev-1', webhookId: 'wh-1' }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ outcome: 'accepted' });
    const [row] = await inboxRows(services, connection.id);
    expect(row).toMatchObject({
      source: 'shopify',
      topic: 'orders/create',
      dedupeKey: 'event:ev-1:orders/create',
      webhookId: 'wh-1',
      resourceId: '820982911946154508', // JSON.parse would give 820982911946154500
      payload: body,
      triggeredAt: new Date('2026-04-01T10:00:00.123Z'),
    });
    expect(row?.id).toBe(response.json().eventId);
    expect(JSON.stringify(row?.headers)).not.toContain('hmac');
    const enqueued = await waitFor(async () => {
      const stored = await services.prisma.inboxEvent.findUniqueOrThrow({ where: { id: row?.id } });
      return stored.status === 'enqueued' ? stored : null;
    });
    expect(enqueued.enqueuedAt).not.toBeNull();
    const job = await services.queues.get('events').getJob(row?.id ?? '');
    expect(job?.name).toBe('event.process');
    expect(job?.data).toEqual({ inboxEventId: row?.id, correlationId: row?.correlationId });
  });

  test('50 concurrent copies of one delivery are stored once and enqueued once', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const jobsBefore = await jobCount(services);
    const delivery = shopifyDelivery(connection, { body: shopifyOrderBody('9007199254740993'), eventId: 'race-1' });
    const responses = await Promise.all(Array.from({ length: 50 }, () => app.inject(delivery)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    const outcomes = responses.map((r) => r.json().outcome as string);
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(49);
    const rows = await inboxRows(services, connection.id);
    expect(rows).toHaveLength(1);
    await waitFor(
      async () => (await services.prisma.inboxEvent.findFirst({ where: { connectionId: connection.id, status: 'enqueued' } })) !== null,
    );
    expect(await jobCount(services)).toBe(jobsBefore + 1);
  });

  test('the same event for two topics is two events; a redelivery with a new webhook id is a duplicate', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const body = shopifyOrderBody();
    const first = await app.inject(shopifyDelivery(connection, { body, eventId: 'ev-7', webhookId: 'a', topic: 'orders/create' }));
    const retry = await app.inject(shopifyDelivery(connection, { body, eventId: 'ev-7', webhookId: 'b', topic: 'orders/create' }));
    const other = await app.inject(shopifyDelivery(connection, { body, eventId: 'ev-7', webhookId: 'c', topic: 'orders/updated' }));
    expect([first.json().outcome, retry.json().outcome, other.json().outcome]).toEqual(['accepted', 'duplicate', 'accepted']);
    expect(await inboxRows(services, connection.id)).toHaveLength(2);
  });

  test('without an event id the webhook id is the identity', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const delivery = shopifyDelivery(connection, { body: shopifyOrderBody(), webhookId: 'only-wh' });
    delete (delivery.headers as Record<string, string>)['x-shopify-event-id'];
    expect((await app.inject(delivery)).json().outcome).toBe('accepted');
    expect((await app.inject(delivery)).json().outcome).toBe('duplicate');
    expect((await inboxRows(services, connection.id)).map((row) => row.dedupeKey)).toEqual(['webhook:only-wh']);
  });

  test('inventory_levels/update is keyed by its inventory item id, read losslessly', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const body = '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":6,"updated_at":"2026-04-01T10:00:00-04:00"}';
    await app.inject(shopifyDelivery(connection, { body, topic: 'inventory_levels/update' }));
    const [row] = await inboxRows(services, connection.id);
    expect(row?.resourceId).toBe('271878346596884015');
  });

  test('a bad signature is 401: nothing stored, counted, one rate-limited warning without the payload', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const before = await counterValue(services.metrics.webhookOutcomes, { source: 'shopify', outcome: 'bad_signature' });
    const body = '{"id":1,"note":"secret-customer-note"}';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await app.inject(shopifyDelivery(connection, { body, secret: 'not-the-secret' }))).statusCode);
    }
    const missing = shopifyDelivery(connection, { body });
    delete (missing.headers as Record<string, string>)['x-shopify-hmac-sha256'];
    statuses.push((await app.inject(missing)).statusCode);
    expect(statuses).toEqual(Array(6).fill(401));
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
    expect(await counterValue(services.metrics.webhookOutcomes, { source: 'shopify', outcome: 'bad_signature' })).toBe(before + 6);
    const warnings = services.logs.lines.filter((line) => line.includes(connection.id) && line.includes('webhook refused'));
    expect(warnings).toHaveLength(1);
    expect(services.logs.text()).not.toContain('secret-customer-note');
    expect(services.logs.text()).not.toContain(connection.secret);
  });

  test('a shop domain that is not the connection’s is 401 even with a valid signature', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const response = await app.inject(
      shopifyDelivery(connection, { body: shopifyOrderBody(), headers: { 'x-shopify-shop-domain': 'someone-else.myshopify.com' } }),
    );
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SHOP_MISMATCH');
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
  });

  test('the shop domain is compared case-insensitively', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const response = await app.inject(
      shopifyDelivery(connection, { body: shopifyOrderBody(), headers: { 'x-shopify-shop-domain': connection.shopDomain.toUpperCase() } }),
    );
    expect(response.statusCode).toBe(200);
  });

  test('Events-style deliveries with un-prefixed Shopify headers are verified and stored', async ({ app, services }) => {
    const connection = await createConnection(services, 'shopify');
    const body = shopifyOrderBody();
    const response = await app.inject({
      method: 'POST',
      url: `/webhooks/shopify/${connection.id}`,
      headers: {
        'content-type': 'application/json',
        'shopify-hmac-sha256': sign(body, connection.secret),
        'shopify-topic': 'orders/create',
        'shopify-shop-domain': connection.shopDomain,
        'shopify-webhook-id': 'evt-style-1',
      },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    expect((await inboxRows(services, connection.id))[0]?.dedupeKey).toBe('webhook:evt-style-1');
  });
});
