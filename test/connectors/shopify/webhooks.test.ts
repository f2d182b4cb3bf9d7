import { getHmac } from '@shopify/shopify-api/test-helpers';
import { describe, expect, it } from 'vitest';
import { readShopifyDelivery, shopDomainOf, verifyShopifyWebhook } from '../../../src/connectors/shopify/webhooks.js';

const secret = 'shpss_app_secret_key';
// Shopify's own sample shape: ids above 2^53, escaped slashes in the gid, non-ASCII text.
const body =
  '{"inventory_item_id":271878346596884015,"location_id":24826418,"available":6,"admin_graphql_api_id":"gid:\\/\\/shopify\\/InventoryLevel\\/24826418?inventory_item_id=271878346596884015","note":"Größe ✓"}';

describe('verifyShopifyWebhook', () => {
  it('accepts the HMAC Shopify’s own library computes over the raw body', () => {
    const headers = { 'x-shopify-hmac-sha256': getHmac(body, secret) };
    expect(verifyShopifyWebhook(Buffer.from(body), headers, secret)).toBe(true);
  });

  it.each([
    ['a different secret', { 'x-shopify-hmac-sha256': getHmac(body, 'other') }],
    ['the re-serialised body', { 'x-shopify-hmac-sha256': getHmac(JSON.stringify(JSON.parse(body)), secret) }],
    ['a truncated signature', { 'x-shopify-hmac-sha256': getHmac(body, secret).slice(0, 20) }],
    ['no signature', {}],
    ['an oversized header', { 'x-shopify-hmac-sha256': 'A'.repeat(10_000) }],
  ])('refuses %s', (_name, headers) => {
    expect(verifyShopifyWebhook(Buffer.from(body), headers, secret)).toBe(false);
  });

  it('also reads the un-prefixed header of Events deliveries', () => {
    expect(verifyShopifyWebhook(Buffer.from(body), { 'shopify-hmac-sha256': getHmac(body, secret) }, secret)).toBe(true);
  });
});

describe('readShopifyDelivery', () => {
  const headers = {
    'x-shopify-topic': 'inventory_levels/update',
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
    'x-shopify-triggered-at': '2026-04-01T18:00:27.877041743Z',
    'x-shopify-shop-domain': 'Example.myshopify.com',
    'x-shopify-hmac-sha256': 'must-not-be-kept',
  };

  it('keys by event id and topic, keeps the webhook id, and never keeps the signature', () => {
    const delivery = readShopifyDelivery(headers, new Map([['inventory_item_id', '271878346596884015']]));
    expect(delivery).toMatchObject({
      outcome: 'ok',
      topic: 'inventory_levels/update',
      dedupeKey: 'event:98880550-7158-44d4-b7cd-2c97c8a091b5:inventory_levels/update',
      webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      resourceId: '271878346596884015',
      triggeredAt: new Date('2026-04-01T18:00:27.877Z'),
    });
    expect(JSON.stringify(delivery)).not.toContain('must-not-be-kept');
  });

  it('says which headers are missing', () => {
    expect(readShopifyDelivery({}, new Map())).toEqual({
      outcome: 'missing_headers',
      missing: ['X-Shopify-Topic', 'X-Shopify-Webhook-Id'],
    });
  });

  it('turns an unparseable trigger time into null, not an Invalid Date', () => {
    const delivery = readShopifyDelivery({ ...headers, 'x-shopify-triggered-at': 'yesterday-ish' }, new Map());
    expect(delivery.outcome === 'ok' && delivery.triggeredAt).toBeNull();
  });

  it('lower-cases the shop domain', () => {
    expect(shopDomainOf(headers)).toBe('example.myshopify.com');
  });
});
