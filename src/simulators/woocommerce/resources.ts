// JSON shapes of WooCommerce REST v3 resources (woocommerce-rest-api-docs wp-api-v3 _products.md,
// _product-variations.md, _orders.md, _webhooks.md), trimmed to the fields a stock sync can use
// plus the ones clients commonly expect to be present. Dates: site time zone is UTC, so the local
// and *_gmt fields agree; both are written without a zone designator, as WordPress does.
import type { SimItem, SimOrder, SimWebhook, WooStore } from './store.js';

export const wpDate = (date: Date) => date.toISOString().slice(0, 19);

export function wooError(code: string, message: string, status: number) {
  return { code, message, data: { status } };
}

function stockStatus(item: SimItem, store: WooStore): string {
  const holder = item.manageStock === 'parent' ? store.items.get(item.parentId) : item;
  if (holder?.manageStock !== true) return 'instock';
  return (holder.stockQuantity ?? 0) > 0 ? 'instock' : 'outofstock';
}

function dates(createdAt: Date, modifiedAt: Date) {
  return {
    date_created: wpDate(createdAt),
    date_created_gmt: wpDate(createdAt),
    date_modified: wpDate(modifiedAt),
    date_modified_gmt: wpDate(modifiedAt),
  };
}

/** A product (or a variation read through /products/{id}, which WooCommerce serves in product shape). */
export function renderProduct(item: SimItem, store: WooStore, siteUrl: string) {
  return {
    id: item.id,
    name: item.name,
    slug: item.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    permalink: `${siteUrl}/?p=${item.id}`,
    ...dates(item.createdAt, item.modifiedAt),
    type: item.type,
    status: 'publish',
    sku: item.sku,
    price: item.price,
    regular_price: item.price,
    sale_price: '',
    manage_stock: item.manageStock,
    stock_quantity: item.stockQuantity,
    stock_status: stockStatus(item, store),
    backorders: 'no',
    backorders_allowed: false,
    backordered: false,
    parent_id: item.parentId,
    attributes: item.attributes,
    variations: item.variationIds,
    meta_data: item.meta,
  };
}

/** A variation as /products/{id}/variations lists it. */
export function renderVariation(item: SimItem, store: WooStore, siteUrl: string) {
  return {
    id: item.id,
    name: item.name,
    type: 'variation',
    parent_id: item.parentId,
    permalink: `${siteUrl}/?p=${item.parentId}&variation=${item.id}`,
    ...dates(item.createdAt, item.modifiedAt),
    status: 'publish',
    sku: item.sku,
    price: item.price,
    regular_price: item.price,
    manage_stock: item.manageStock,
    stock_quantity: item.stockQuantity,
    stock_status: stockStatus(item, store),
    backorders: 'no',
    attributes: item.attributes,
    meta_data: item.meta,
  };
}

export function renderOrder(order: SimOrder, store: WooStore) {
  const lineTotal = (quantity: number, productId: number) => (quantity * Number(store.items.get(productId)?.price ?? '10')).toFixed(2);
  return {
    id: order.id,
    parent_id: 0,
    status: order.status,
    currency: 'EUR',
    version: '9.9.0',
    prices_include_tax: false,
    ...dates(order.createdAt, order.modifiedAt),
    customer_id: 0,
    payment_method: 'bacs',
    total: order.lineItems.reduce((sum, line) => sum + Number(lineTotal(line.quantity, line.variationId || line.productId)), 0).toFixed(2),
    line_items: order.lineItems.map((line) => ({
      id: line.id,
      name: line.name,
      product_id: line.productId,
      variation_id: line.variationId,
      quantity: line.quantity,
      sku: line.sku,
      subtotal: lineTotal(line.quantity, line.variationId || line.productId),
      total: lineTotal(line.quantity, line.variationId || line.productId),
      meta_data: line.reduced > 0 ? [{ id: line.id, key: '_reduced_stock', value: String(line.reduced) }] : [],
    })),
    refunds: order.refunds.map((refund) => ({ id: refund.id, reason: refund.reason, total: '0.00' })),
    meta_data: [],
  };
}

/** `secret` is only in the "edit" context (create and update responses). */
export function renderWebhook(webhook: SimWebhook, context: 'view' | 'edit') {
  const [resource = '', event = ''] = webhook.topic.split('.');
  return {
    id: webhook.id,
    name: webhook.name,
    status: webhook.status,
    topic: webhook.topic,
    resource,
    event,
    hooks: [],
    delivery_url: webhook.deliveryUrl,
    ...(context === 'edit' ? { secret: webhook.secret } : {}),
    date_created: wpDate(webhook.createdAt),
    date_created_gmt: wpDate(webhook.createdAt),
    date_modified: wpDate(webhook.modifiedAt),
    date_modified_gmt: wpDate(webhook.modifiedAt),
  };
}
