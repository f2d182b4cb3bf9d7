// Shopify webhook deliveries: signature and identity (platform-apis.md §1).
// Classic deliveries use X-Shopify-* headers; "Events" deliveries the same names without the "X-"
// prefix, so each header is read under both names.
import type { KeyObject } from 'node:crypto';
import {
  type BodyFields,
  boundedText,
  headerValue,
  identityText,
  matchesBase64HmacSha256,
  pickHeaders,
  timestampOrNull,
  type UnidentifiedDelivery,
  type WebhookDelivery,
  type WebhookHeaders,
} from '../webhook-delivery.js';

const KEPT_HEADERS = [
  'x-shopify-topic',
  'x-shopify-shop-domain',
  'x-shopify-api-version',
  'x-shopify-webhook-id',
  'x-shopify-event-id',
  'x-shopify-triggered-at',
  'x-shopify-name',
  'shopify-topic',
  'shopify-shop-domain',
  'shopify-api-version',
  'shopify-webhook-id',
  'shopify-triggered-at',
] as const;

/** Top-level body fields the identity needs: the resource id, read as exact text. */
export const SHOPIFY_BODY_FIELDS = ['id', 'inventory_item_id'] as const;

const shopifyHeader = (headers: WebhookHeaders, name: string) =>
  headerValue(headers, `x-shopify-${name}`) ?? headerValue(headers, `shopify-${name}`);

/** X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body, keyed by the app's API secret key. */
export function verifyShopifyWebhook(body: Buffer, headers: WebhookHeaders, secret: string | KeyObject): boolean {
  return matchesBase64HmacSha256(body, shopifyHeader(headers, 'hmac-sha256'), secret);
}

/** The shop the delivery claims to come from, lower-cased (Shopify domains are case-insensitive). */
export function shopDomainOf(headers: WebhookHeaders): string | undefined {
  return shopifyHeader(headers, 'shop-domain')?.toLowerCase();
}

/**
 * Identity of a delivery. Shopify's own guidance disagrees on the duplicate key: one page says
 * X-Shopify-Event-Id (one event fans out to one delivery per subscription), another calls the webhook
 * id the idempotency key. Event id + topic when present, else the webhook id; both are stored.
 */
export function readShopifyDelivery(headers: WebhookHeaders, fields: BodyFields): WebhookDelivery | UnidentifiedDelivery {
  const topic = shopifyHeader(headers, 'topic');
  const webhookId = shopifyHeader(headers, 'webhook-id');
  const eventId = shopifyHeader(headers, 'event-id');
  const missing = [...(topic ? [] : ['X-Shopify-Topic']), ...(webhookId || eventId ? [] : ['X-Shopify-Webhook-Id'])];
  if (!topic || missing.length > 0) return { outcome: 'missing_headers', missing };
  const boundedTopic = boundedText(topic, 100);
  const dedupeKey = eventId ? `event:${identityText(eventId)}:${boundedTopic}` : `webhook:${identityText(webhookId ?? '')}`;
  // inventory_levels/update has no id of its own: its resource is the inventory item.
  const resourceId = boundedTopic === 'inventory_levels/update' ? fields.get('inventory_item_id') : fields.get('id');
  return {
    outcome: 'ok',
    topic: boundedTopic,
    dedupeKey,
    webhookId: webhookId ? identityText(webhookId) : null,
    resourceId: resourceId ? identityText(resourceId) : null,
    triggeredAt: timestampOrNull(shopifyHeader(headers, 'triggered-at')),
    headers: pickHeaders(headers, KEPT_HEADERS),
  };
}
