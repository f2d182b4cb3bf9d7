import { describe, expect, it } from 'vitest';
import { isWooCommercePing, readWooCommerceDelivery, verifyWooCommerceWebhook } from '../../../src/connectors/woocommerce/webhooks.js';

// base64(hash_hmac('sha256', $body, $secret, true)), computed independently (Python's hmac module)
// over a body as wp_json_encode writes it: escaped slashes, raw UTF-8.
const body = '{"id":727,"name":"Café – \\/ Bar","date_modified_gmt":"2026-04-01T10:00:00"}';
const secret = 'wc_secret_&amp;x';
const signature = 'ZZ6Ua+0vdKHj82vx1RyQuluJTjEYzqbp559GkCGZqCY=';

describe('verifyWooCommerceWebhook', () => {
  it('accepts the signature WooCommerce computes over the exact bytes', () => {
    expect(verifyWooCommerceWebhook(Buffer.from(body), { 'x-wc-webhook-signature': signature }, secret)).toBe(true);
  });

  it('refuses the same signature over a re-serialised body, or under another secret', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body)));
    expect(verifyWooCommerceWebhook(reserialised, { 'x-wc-webhook-signature': signature }, secret)).toBe(false);
    expect(verifyWooCommerceWebhook(Buffer.from(body), { 'x-wc-webhook-signature': signature }, 'wc_secret_&x')).toBe(false);
  });
});

describe('isWooCommercePing', () => {
  it.each([
    ['webhook_id=12', true],
    ['webhook_id=', false],
    ['webhook_id=12&x=1', false],
    ['{"webhook_id":12}', false],
    [`webhook_id=${'9'.repeat(50)}`, false],
  ])('%s → %s', (text, expected) => {
    expect(isWooCommercePing(Buffer.from(text))).toBe(expected);
  });
});

describe('readWooCommerceDelivery', () => {
  const headers = {
    'x-wc-webhook-topic': 'product.updated',
    'x-wc-webhook-id': '31',
    'x-wc-webhook-delivery-id': 'f1a9c2',
    'x-wc-webhook-signature': 'must-not-be-kept',
  };

  it('keys by topic, resource id and date_modified_gmt, read as UTC', () => {
    const delivery = readWooCommerceDelivery(
      headers,
      new Map([
        ['id', '93'],
        ['date_modified_gmt', '2026-04-01T10:00:00'],
      ]),
    );
    expect(delivery).toMatchObject({
      outcome: 'ok',
      dedupeKey: 'product.updated:93:2026-04-01T10:00:00',
      webhookId: '31',
      resourceId: '93',
      triggeredAt: new Date('2026-04-01T10:00:00Z'),
    });
    expect(JSON.stringify(delivery)).not.toContain('must-not-be-kept');
  });

  it('falls back to the delivery id when the payload has no modification time', () => {
    const delivery = readWooCommerceDelivery({ ...headers, 'x-wc-webhook-topic': 'product.deleted' }, new Map([['id', '93']]));
    expect(delivery.outcome === 'ok' && delivery.dedupeKey).toBe('product.deleted:93:delivery:f1a9c2');
  });

  it('needs a topic, and a modification time or a delivery id', () => {
    expect(readWooCommerceDelivery({}, new Map()).outcome).toBe('missing_headers');
    expect(readWooCommerceDelivery({ 'x-wc-webhook-topic': 'order.deleted' }, new Map([['id', '1']])).outcome).toBe('missing_headers');
  });
});
