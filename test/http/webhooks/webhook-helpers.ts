// Helpers for webhook tests: connection rows written straight to the database (credentials encrypted
// with the services' own cipher), signatures computed exactly as each platform computes them, and
// readers for what was stored and enqueued.
import { createHmac, randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import type { Services } from '../../../src/app/services.js';

export type Kind = 'shopify' | 'woocommerce' | 'erp';

export type TestConnection = { id: string; kind: Kind; secret: string; shopDomain: string };

/** base64(HMAC-SHA256(secret, raw body bytes)): Shopify, WooCommerce and our ERP contract alike. */
export function sign(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export async function createConnection(
  services: Services,
  kind: Kind,
  options: { paused?: boolean; deleted?: boolean; secret?: string | null; shopDomain?: string } = {},
): Promise<TestConnection> {
  const secret = options.secret === undefined ? `whsec-${randomUUID()}` : (options.secret ?? '');
  const shopDomain = options.shopDomain ?? `shop-${randomUUID().slice(0, 8)}.myshopify.com`;
  const settings =
    kind === 'shopify'
      ? { shopDomain }
      : kind === 'woocommerce'
        ? { siteUrl: 'https://store.example.com' }
        : { erpType: 'generic-rest', baseUrl: 'https://erp.example.com' };
  const credentials =
    kind === 'shopify'
      ? { kind: 'static', accessToken: 'shpat_test', webhookSecret: secret }
      : kind === 'woocommerce'
        ? { consumerKey: 'ck_test', consumerSecret: 'cs_test', webhookSecret: secret }
        : { apiKey: 'erp-key', ...(options.secret === null ? {} : { webhookSecret: secret }) };
  const encrypted = services.cipher.encrypt(credentials);
  const row = await services.prisma.connection.create({
    data: {
      kind,
      erpType: kind === 'erp' ? 'generic-rest' : null,
      name: `${kind} test`,
      settings,
      credentials: encrypted.ciphertext,
      credentialsKeyId: encrypted.keyId,
      paused: options.paused ?? false,
      deletedAt: options.deleted ? new Date() : null,
    },
  });
  return { id: row.id, kind, secret, shopDomain };
}

type DeliveryOptions = { body: string | Buffer; headers?: Record<string, string>; secret?: string; contentType?: string };

function request(kind: Kind, connection: TestConnection, options: DeliveryOptions, platformHeaders: Record<string, string>): InjectOptions {
  return {
    method: 'POST',
    url: `/webhooks/${kind}/${connection.id}`,
    headers: { 'content-type': options.contentType ?? 'application/json', ...platformHeaders, ...options.headers },
    payload: options.body,
  };
}

export function shopifyDelivery(
  connection: TestConnection,
  options: DeliveryOptions & { topic?: string; eventId?: string; webhookId?: string },
): InjectOptions {
  return request('shopify', connection, options, {
    'x-shopify-topic': options.topic ?? 'orders/create',
    'x-shopify-hmac-sha256': sign(options.body, options.secret ?? connection.secret),
    'x-shopify-shop-domain': connection.shopDomain,
    'x-shopify-api-version': '2026-04',
    'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
    'x-shopify-event-id': options.eventId ?? randomUUID(),
    'x-shopify-triggered-at': '2026-04-01T10:00:00.123456789Z',
  });
}

export function wooDelivery(connection: TestConnection, options: DeliveryOptions & { topic?: string; deliveryId?: string }): InjectOptions {
  const topic = options.topic ?? 'order.updated';
  return request('woocommerce', connection, options, {
    'x-wc-webhook-source': 'https://store.example.com/',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': topic.split('.')[0] ?? '',
    'x-wc-webhook-event': topic.split('.')[1] ?? '',
    'x-wc-webhook-signature': sign(options.body, options.secret ?? connection.secret),
    'x-wc-webhook-id': '7',
    'x-wc-webhook-delivery-id': options.deliveryId ?? randomUUID().replaceAll('-', ''),
    'user-agent': 'WooCommerce/9.8.0 Hookshot (WordPress/6.8)',
  });
}

export function erpDelivery(connection: TestConnection, options: DeliveryOptions & { eventId?: string }): InjectOptions {
  return request('erp', connection, options, {
    'x-stockbridge-signature': sign(options.body, options.secret ?? connection.secret),
    'x-stockbridge-event-id': options.eventId ?? randomUUID(),
  });
}

/** A Shopify orders/create body of realistic shape, with ids above 2^53 and non-ASCII text. */
export function shopifyOrderBody(orderId = '820982911946154508'): string {
  return (
    `{"id":${orderId},"admin_graphql_api_id":"gid:\\/\\/shopify\\/Order\\/${orderId}","name":"#1001",` +
    `"created_at":"2026-04-01T12:00:00-04:00","updated_at":"2026-04-01T12:00:00-04:00","cancelled_at":null,` +
    `"note":"Bitte schnell – danke ✓ 🚚","line_items":[{"id":866550311766439020,"variant_id":808950810,` +
    `"product_id":632910392,"sku":"SKU-Ä-1","quantity":2,"fulfillable_quantity":2}],` +
    `"customer":{"id":115310627314723954,"first_name":"Jörg"}}`
  );
}

export async function inboxRows(services: Services, connectionId: string) {
  return services.prisma.inboxEvent.findMany({ where: { connectionId }, orderBy: { receivedAt: 'asc' } });
}

export async function jobCount(services: Services): Promise<number> {
  const counts = await services.queues.get('events').getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'completed', 'failed');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** The value of one labelled counter, e.g. webhookOutcomes{source, outcome}. */
export async function counterValue(
  counter: { get(): Promise<{ values: { labels: object; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((entry) => Object.entries(labels).every(([key, value]) => (entry.labels as Record<string, unknown>)[key] === value))
    .reduce((sum, entry) => sum + entry.value, 0);
}
