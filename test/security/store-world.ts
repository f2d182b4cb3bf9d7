// A small world for driving hostile data end to end: a Shopify store, a WooCommerce store and an
// ERP (credentials encrypted with the services' cipher, so signed webhooks verify), each store
// location mapped to warehouses WH1-WH3, a listing per SKU on both stores and ERP stock per SKU. Signed
// deliveries go through the real webhook routes; stored events are then processed by the engine.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Services } from '../../src/app/services.js';
import { sign } from '../http/webhooks/webhook-helpers.js';
import { addListing, type buildEngine, mapLocation, setErpStock } from '../sync/engine-helpers.js';

export const SHOP_LOCATION = 'gid://shopify/Location/1';
/** Every store location sells from all three; ERP stock is seeded in WH1 only. */
const WAREHOUSES = ['WH1', 'WH2', 'WH3'];

type Kind = 'shopify' | 'woocommerce' | 'erp';

async function connection(services: Services, kind: Kind, secret: string) {
  const settings =
    kind === 'shopify'
      ? { shopDomain: `sec-${randomUUID().slice(0, 8)}.myshopify.com` }
      : kind === 'woocommerce'
        ? { siteUrl: `https://woo-${randomUUID().slice(0, 8)}.example.com` }
        : { erpType: 'generic-rest', baseUrl: 'https://erp.example.com', warehouses: WAREHOUSES };
  const credentials =
    kind === 'shopify'
      ? { kind: 'static', accessToken: 'shpat_world', webhookSecret: secret }
      : kind === 'woocommerce'
        ? { consumerKey: 'ck_world', consumerSecret: 'cs_world', webhookSecret: secret }
        : { apiKey: 'erp-world', webhookSecret: secret };
  const encrypted = services.cipher.encrypt(credentials);
  return services.prisma.connection.create({
    data: {
      kind,
      erpType: kind === 'erp' ? 'generic-rest' : null,
      name: `${kind} world`,
      settings,
      credentials: encrypted.ciphertext,
      credentialsKeyId: encrypted.keyId,
    },
  });
}

export async function createStoreWorld(services: Services, skus: readonly string[], options: { onHand?: number } = {}) {
  const { prisma } = services;
  const secret = `whsec-${randomUUID()}`;
  const shop = await connection(services, 'shopify', secret);
  const woo = await connection(services, 'woocommerce', secret);
  const erp = await connection(services, 'erp', secret);
  await mapLocation(prisma, shop.id, SHOP_LOCATION, WAREHOUSES);
  await mapLocation(prisma, woo.id, 'default', WAREHOUSES);
  const ids = new Map<string, { variant: string; item: string; wooId: string }>();
  for (const [index, sku] of skus.entries()) {
    const numbers = { variant: String(1_000 + index), item: String(5_000 + index), wooId: String(2_000 + index) };
    ids.set(sku, numbers);
    await setErpStock(prisma, { connectionId: erp.id, sku, onHand: options.onHand ?? 50 });
    await addListing(prisma, {
      connectionId: shop.id,
      sku,
      variantId: `gid://shopify/ProductVariant/${numbers.variant}`,
      inventoryItemId: `gid://shopify/InventoryItem/${numbers.item}`,
    });
    await addListing(prisma, { connectionId: woo.id, sku, variantId: numbers.wooId });
  }
  const shopDomain = (shop.settings as { shopDomain: string }).shopDomain;
  const idsOf = (sku: string) => {
    const found = ids.get(sku);
    if (!found) throw new Error(`no listing for ${sku}`);
    return found;
  };

  return {
    shop,
    woo,
    erp,
    secret,
    idsOf,
    shopifyDelivery(body: string, headers: { topic: string; eventId?: string; triggeredAt?: string }): InjectOptions {
      return {
        method: 'POST',
        url: `/webhooks/shopify/${shop.id}`,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': headers.topic,
          'x-shopify-hmac-sha256': sign(body, secret),
          'x-shopify-shop-domain': shopDomain,
          'x-shopify-api-version': '2026-04',
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-event-id': headers.eventId ?? randomUUID(),
          'x-shopify-triggered-at': headers.triggeredAt ?? new Date().toISOString(),
        },
        payload: body,
      };
    },
    wooDelivery(body: string, topic: string, deliveryId = randomUUID()): InjectOptions {
      return {
        method: 'POST',
        url: `/webhooks/woocommerce/${woo.id}`,
        headers: {
          'content-type': 'application/json',
          'x-wc-webhook-topic': topic,
          'x-wc-webhook-signature': sign(body, secret),
          'x-wc-webhook-delivery-id': deliveryId,
          'x-wc-webhook-id': '7',
        },
        payload: body,
      };
    },
    erpDelivery(body: string, eventId = randomUUID()): InjectOptions {
      return {
        method: 'POST',
        url: `/webhooks/erp/${erp.id}`,
        headers: {
          'content-type': 'application/json',
          'x-stockbridge-signature': sign(body, secret),
          'x-stockbridge-event-id': eventId,
        },
        payload: body,
      };
    },
  };
}

export type StoreWorld = Awaited<ReturnType<typeof createStoreWorld>>;

/** Sends a signed delivery and, when it was stored, processes it as the event worker would. */
export async function deliverAndProcess(app: FastifyInstance, engine: ReturnType<typeof buildEngine>, delivery: InjectOptions) {
  const response = await app.inject(delivery);
  const answer = response.json() as { outcome?: string; eventId?: string; error?: { code: string } };
  if (response.statusCode !== 200 || answer.outcome !== 'accepted' || !answer.eventId) return { response, answer, processed: null };
  const row = await engine.processor.process({ inboxEventId: answer.eventId, correlationId: randomUUID() }).catch((error: Error) => error);
  return { response, answer, processed: row };
}
