import { expect } from 'vitest';
import { buildServer } from '../../../src/http/server.js';
import { dbTest, waitFor } from '../../helpers/fixtures.js';
import { createConnection, erpDelivery, inboxRows, jobCount, wooDelivery } from './webhook-helpers.js';

const test = dbTest.extend('app', { scope: 'file' }, async ({ services }, { onCleanup }) => {
  const app = await buildServer(services);
  onCleanup(() => app.close());
  return app;
});

// WooCommerce's payload shape: wp_json_encode escapes slashes, dates in GMT without a zone.
const wooOrder = (modified: string) =>
  `{"id":727,"status":"processing","date_modified_gmt":"${modified}","billing":{"first_name":"Zoë"},` +
  `"permalink":"https:\\/\\/store.example.com\\/?p=727","line_items":[{"id":315,"product_id":93,"sku":"SKU-1","quantity":1}]}`;

test.describe('POST /webhooks/woocommerce/:connectionId', () => {
  test('the creation ping (form body, unsigned) gets exactly 200 and stores nothing', async ({ app, services }) => {
    const connection = await createConnection(services, 'woocommerce');
    const response = await app.inject({
      method: 'POST',
      url: `/webhooks/woocommerce/${connection.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'webhook_id=42',
    });
    expect(response.statusCode).toBe(200);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
  });

  test.for([{ payload: 'webhook_id=42&x=1' }, { payload: 'webhook_id=abc' }, { payload: 'topic=order.created' }])(
    'a form body that is not the ping ($payload) is 415 and stores nothing',
    async ({ payload }, { app, services }) => {
      const connection = await createConnection(services, 'woocommerce');
      const response = await app.inject({
        method: 'POST',
        url: `/webhooks/woocommerce/${connection.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      });
      expect(response.statusCode).toBe(415);
      expect(await inboxRows(services, connection.id)).toHaveLength(0);
    },
  );

  test('a ping for an unknown connection is 404', async ({ app }) => {
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/woocommerce/00000000-0000-4000-8000-000000000000',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'webhook_id=1',
    });
    expect(response.statusCode).toBe(404);
  });

  test('the same change delivered twice (new delivery ids) is one event; a newer change is another', async ({ app, services }) => {
    const connection = await createConnection(services, 'woocommerce');
    const first = await app.inject(wooDelivery(connection, { body: wooOrder('2026-04-01T10:00:00') }));
    const again = await app.inject(wooDelivery(connection, { body: wooOrder('2026-04-01T10:00:00') }));
    const newer = await app.inject(wooDelivery(connection, { body: wooOrder('2026-04-01T10:05:00') }));
    expect([first, again, newer].map((r) => r.json().outcome)).toEqual(['accepted', 'duplicate', 'accepted']);
    const rows = await inboxRows(services, connection.id);
    expect(rows.map((row) => row.dedupeKey)).toEqual(['order.updated:727:2026-04-01T10:00:00', 'order.updated:727:2026-04-01T10:05:00']);
    expect(rows[0]).toMatchObject({
      source: 'woocommerce',
      resourceId: '727',
      webhookId: '7',
      triggeredAt: new Date('2026-04-01T10:00:00Z'),
    });
    expect(rows[0]?.payload).toBe(wooOrder('2026-04-01T10:00:00'));
    expect(Object.keys(rows[0]?.headers as object)).not.toContain('x-wc-webhook-signature');
  });

  test('a deleted payload ({"id": N}) is keyed by its delivery id', async ({ app, services }) => {
    const connection = await createConnection(services, 'woocommerce');
    const delivery = wooDelivery(connection, { body: '{"id":727}', topic: 'order.deleted', deliveryId: 'd1' });
    expect((await app.inject(delivery)).json().outcome).toBe('accepted');
    expect((await app.inject(delivery)).json().outcome).toBe('duplicate');
    expect((await inboxRows(services, connection.id)).map((row) => row.dedupeKey)).toEqual(['order.deleted:727:delivery:d1']);
  });

  test('a wrong or missing X-WC-Webhook-Signature is 401', async ({ app, services }) => {
    const connection = await createConnection(services, 'woocommerce');
    const wrong = await app.inject(wooDelivery(connection, { body: wooOrder('2026-04-01T10:00:00'), secret: 'other' }));
    const missing = wooDelivery(connection, { body: wooOrder('2026-04-01T10:00:00') });
    delete (missing.headers as Record<string, string>)['x-wc-webhook-signature'];
    expect([wrong.statusCode, (await app.inject(missing)).statusCode]).toEqual([401, 401]);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
  });
});

test.describe('POST /webhooks/erp/:connectionId', () => {
  const stockChanged = '{"event":"stock.changed","items":[{"sku":"SKU-1","warehouse":"MAIN","onHand":7,"available":5}]}';

  test('a signed stock.changed is stored under its event id and enqueued; a retry is a duplicate', async ({ app, services }) => {
    const connection = await createConnection(services, 'erp');
    const jobsBefore = await jobCount(services);
    const first = await app.inject(erpDelivery(connection, { body: stockChanged, eventId: 'erp-ev-1' }));
    const retry = await app.inject(erpDelivery(connection, { body: stockChanged, eventId: 'erp-ev-1' }));
    expect([first.json().outcome, retry.json().outcome]).toEqual(['accepted', 'duplicate']);
    const rows = await inboxRows(services, connection.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'erp', topic: 'stock.changed', dedupeKey: 'event:erp-ev-1', payload: stockChanged });
    await waitFor(async () => (await jobCount(services)) === jobsBefore + 1);
  });

  test('an event id longer than 255 characters is hashed, not truncated into a collision', async ({ app, services }) => {
    const connection = await createConnection(services, 'erp');
    const base = 'e'.repeat(300);
    await app.inject(erpDelivery(connection, { body: stockChanged, eventId: `${base}1` }));
    await app.inject(erpDelivery(connection, { body: stockChanged, eventId: `${base}2` }));
    const keys = (await inboxRows(services, connection.id)).map((row) => row.dedupeKey);
    expect(new Set(keys).size).toBe(2);
    expect(keys.every((key) => key.length < 100)).toBe(true);
  });

  test('an ERP connection without a webhook secret refuses every delivery with 401', async ({ app, services }) => {
    const connection = await createConnection(services, 'erp', { secret: null });
    const response = await app.inject(erpDelivery(connection, { body: stockChanged, secret: '' }));
    expect(response.statusCode).toBe(401);
    expect(await inboxRows(services, connection.id)).toHaveLength(0);
  });

  test('a signed event without X-Stockbridge-Event-Id or without `event` is 400 and recorded as rejected', async ({ app, services }) => {
    const connection = await createConnection(services, 'erp');
    const noId = erpDelivery(connection, { body: stockChanged });
    delete (noId.headers as Record<string, string>)['x-stockbridge-event-id'];
    const noEvent = erpDelivery(connection, { body: '{"items":[]}' });
    expect([(await app.inject(noId)).statusCode, (await app.inject(noEvent)).statusCode]).toEqual([400, 400]);
    expect((await inboxRows(services, connection.id)).map((row) => row.status)).toEqual(['rejected', 'rejected']);
  });
});
