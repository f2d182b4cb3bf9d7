// The webhook topics the sync engine acts on, per source, exactly as each platform names them
// (Shopify's X-Shopify-Topic, WooCommerce's X-WC-Webhook-Topic, our ERP contract's `event`).
// Ingestion stores other topics as `ignored`; the engine switches over these.

export const SHOPIFY_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'refunds/create',
  'inventory_levels/update',
  'products/update',
  'app/uninstalled',
] as const;

export const WOOCOMMERCE_TOPICS = [
  'order.created',
  'order.updated',
  'order.deleted',
  'order.restored',
  'product.updated',
  'product.deleted',
] as const;

export const ERP_TOPICS = ['stock.changed'] as const;

export type EventSource = 'shopify' | 'woocommerce' | 'erp' | 'poll';
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];
export type WooCommerceTopic = (typeof WOOCOMMERCE_TOPICS)[number];
export type ErpTopic = (typeof ERP_TOPICS)[number];

export function isKnownTopic(source: 'shopify' | 'woocommerce' | 'erp', topic: string): boolean {
  const known: readonly string[] = source === 'shopify' ? SHOPIFY_TOPICS : source === 'woocommerce' ? WOOCOMMERCE_TOPICS : ERP_TOPICS;
  return known.includes(topic);
}
