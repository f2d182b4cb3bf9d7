// ERP webhook deliveries (our generic contract, product.md "Interfaces"): signed like WooCommerce's,
// base64 HMAC-SHA256 of the raw body in X-Stockbridge-Signature, identified by X-Stockbridge-Event-Id;
// the topic is the body's top-level `event` (e.g. "stock.changed").
import type { KeyObject } from 'node:crypto';
import {
  type BodyFields,
  boundedText,
  headerValue,
  identityText,
  matchesBase64HmacSha256,
  pickHeaders,
  type UnidentifiedDelivery,
  type WebhookDelivery,
  type WebhookHeaders,
} from '../webhook-delivery.js';

const KEPT_HEADERS = ['x-stockbridge-event-id', 'user-agent'] as const;

/** Top-level body fields the identity needs. */
export const ERP_BODY_FIELDS = ['event', 'sku'] as const;

export function verifyErpWebhook(body: Buffer, headers: WebhookHeaders, secret: string | KeyObject): boolean {
  return matchesBase64HmacSha256(body, headerValue(headers, 'x-stockbridge-signature'), secret);
}

export function readErpDelivery(headers: WebhookHeaders, fields: BodyFields): WebhookDelivery | UnidentifiedDelivery {
  const eventId = headerValue(headers, 'x-stockbridge-event-id');
  const topic = fields.get('event');
  const missing = [...(eventId ? [] : ['X-Stockbridge-Event-Id']), ...(topic ? [] : ['event'])];
  if (!eventId || !topic) return { outcome: 'missing_headers', missing };
  const sku = fields.get('sku');
  return {
    outcome: 'ok',
    topic: boundedText(topic, 100),
    dedupeKey: `event:${identityText(eventId)}`,
    webhookId: null,
    resourceId: sku ? identityText(sku) : null,
    triggeredAt: null,
    headers: pickHeaders(headers, KEPT_HEADERS),
  };
}
