// WooCommerce webhook deliveries: ping, signature and identity (platform-apis.md §5,
// woocommerce/includes/class-wc-webhook.php).
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
  'x-wc-webhook-source',
  'x-wc-webhook-topic',
  'x-wc-webhook-resource',
  'x-wc-webhook-event',
  'x-wc-webhook-id',
  'x-wc-webhook-delivery-id',
] as const;

/** Top-level body fields the identity needs. */
export const WOOCOMMERCE_BODY_FIELDS = ['id', 'date_modified_gmt'] as const;

const PING = /^webhook_id=\d{1,20}$/;

/**
 * The ping WooCommerce sends when a webhook is created or its URL changes: the form body
 * `webhook_id=<id>`, unsigned, with no X-WC-* headers. Only an exact 200 clears its pending state;
 * anything else and the store shows the webhook as failing.
 */
export function isWooCommercePing(body: Buffer): boolean {
  return body.length <= 40 && PING.test(body.toString('latin1'));
}

/**
 * X-WC-Webhook-Signature: base64 HMAC-SHA256 of the body exactly as sent, keyed by the webhook
 * secret (WooCommerce HTML-decodes its stored secret first, so the key is the secret as typed).
 */
export function verifyWooCommerceWebhook(body: Buffer, headers: WebhookHeaders, secret: string | KeyObject): boolean {
  return matchesBase64HmacSha256(body, headerValue(headers, 'x-wc-webhook-signature'), secret);
}

/**
 * Identity of a delivery. WooCommerce has no event id: its delivery id is a hash of the webhook id
 * and the second it was sent, new on every delivery. The same change delivered twice carries the same
 * resource id and date_modified_gmt, so (topic, id, date_modified_gmt) is the key. `deleted` payloads
 * are only `{"id": N}`: without a modification time the delivery id is the best identity there is.
 */
export function readWooCommerceDelivery(headers: WebhookHeaders, fields: BodyFields): WebhookDelivery | UnidentifiedDelivery {
  const topic = headerValue(headers, 'x-wc-webhook-topic');
  if (!topic) return { outcome: 'missing_headers', missing: ['X-WC-Webhook-Topic'] };
  const boundedTopic = boundedText(topic, 100);
  const resourceId = fields.get('id');
  const modifiedGmt = fields.get('date_modified_gmt');
  const deliveryId = headerValue(headers, 'x-wc-webhook-delivery-id');
  const version = modifiedGmt ? identityText(modifiedGmt) : deliveryId ? `delivery:${identityText(deliveryId)}` : undefined;
  if (!version) return { outcome: 'missing_headers', missing: ['date_modified_gmt', 'X-WC-Webhook-Delivery-ID'] };
  const webhookId = headerValue(headers, 'x-wc-webhook-id');
  return {
    outcome: 'ok',
    topic: boundedTopic,
    dedupeKey: `${boundedTopic}:${resourceId ? identityText(resourceId) : '-'}:${version}`,
    webhookId: webhookId ? identityText(webhookId) : null,
    resourceId: resourceId ? identityText(resourceId) : null,
    // date_modified_gmt is UTC without a zone designator ("2026-04-01T10:00:00").
    triggeredAt: modifiedGmt && /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(modifiedGmt) ? timestampOrNull(`${modifiedGmt}Z`) : null,
    headers: pickHeaders(headers, KEPT_HEADERS),
  };
}
