// State changes that happen "in the store": a customer places or cancels an order, a merchant
// edits a level in the admin, a variant's SKU changes, the app is uninstalled. Each sends the
// webhooks Shopify would, with REST-shaped payloads whose ids are bare (big) numbers.

import { findVariantBySku, gid, type Level, locationByRef, parseGid, type SimItem, type SimOrder, type SimShop } from './state.js';
import type { WebhookDispatcher } from './webhooks.js';

export type ActionContext = { shop: SimShop; nextId: (type: string) => string; webhooks: WebhookDispatcher };

export class SimInputError extends Error {}

const big = (id: string) => BigInt(id);

export function levelPayload(item: SimItem, locationId: string, level: Level) {
  return {
    inventory_item_id: big(item.id),
    location_id: big(locationId),
    available: level.available,
    updated_at: level.updatedAt,
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${item.id}`,
  };
}

export function orderPayload(shop: SimShop, order: SimOrder) {
  return {
    id: big(order.id),
    admin_graphql_api_id: gid('Order', order.id),
    name: order.name,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason,
    financial_status: 'paid',
    fulfillment_status: null,
    location_id: order.lineItems[0] ? big(order.lineItems[0].locationId) : null,
    test: false,
    line_items: order.lineItems.map((line) => {
      const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
      return {
        id: big(line.id),
        admin_graphql_api_id: gid('LineItem', line.id),
        variant_id: line.variantId ? big(line.variantId) : null,
        product_id: variant ? big(variant.productId) : null,
        sku: line.sku,
        quantity: line.quantity,
        fulfillable_quantity: order.cancelledAt ? 0 : line.currentQuantity,
        fulfillment_status: null,
      };
    }),
  };
}

/** Changes available at one level and tells subscribers (inventory_levels/update). */
export function changeAvailable(context: ActionContext, item: SimItem, locationId: string, available: number): Level {
  const level = item.levels.get(locationId);
  if (!level) throw new SimInputError('item is not stocked at that location');
  const delta = available - level.available;
  level.available = available;
  level.onHand += delta;
  level.updatedAt = new Date().toISOString();
  if (delta !== 0) context.webhooks.emit(context.shop, 'inventory_levels/update', levelPayload(item, locationId, level));
  return level;
}

export function itemByRef(shop: SimShop, ref: { sku?: string; inventoryItemId?: string }): SimItem {
  if (ref.inventoryItemId) {
    const id = parseGid(ref.inventoryItemId)?.id ?? ref.inventoryItemId;
    const item = shop.items.get(id);
    if (item) return item;
  }
  const variant = ref.sku !== undefined ? findVariantBySku(shop, ref.sku) : undefined;
  const item = variant ? shop.items.get(variant.inventoryItemId) : undefined;
  if (!item) throw new SimInputError(`unknown item ${ref.sku ?? ref.inventoryItemId ?? ''}`);
  return item;
}

/** A merchant typing a new quantity in the Shopify admin. */
export function editLevel(context: ActionContext, input: { sku?: string; inventoryItemId?: string; location?: string; available: number }) {
  const item = itemByRef(context.shop, input);
  const location = locationByRef(context.shop, input.location);
  if (!location) throw new SimInputError('unknown location');
  return changeAvailable(context, item, location.id, input.available);
}

export function placeOrder(context: ActionContext, input: { lineItems: { sku: string; quantity: number }[]; location?: string }): SimOrder {
  const { shop } = context;
  const location = locationByRef(shop, input.location);
  if (!location) throw new SimInputError('unknown location');
  if (input.lineItems.length === 0) throw new SimInputError('an order needs line items');
  const now = new Date().toISOString();
  const lines = input.lineItems.map((line) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new SimInputError('quantities must be positive integers');
    const variant = findVariantBySku(shop, line.sku);
    if (!variant) throw new SimInputError(`unknown sku ${line.sku}`);
    return { variant, quantity: line.quantity };
  });
  const order: SimOrder = {
    id: context.nextId('Order'),
    name: `#${1000 + shop.orders.size + 1}`,
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    cancelReason: null,
    lineItems: lines.map(({ variant, quantity }) => ({
      id: context.nextId('LineItem'),
      variantId: variant.id,
      sku: variant.sku,
      quantity,
      currentQuantity: quantity,
      locationId: location.id,
    })),
  };
  shop.orders.set(order.id, order);
  // Shopify sends orders/create, then the levels move (available down, committed up).
  context.webhooks.emit(shop, 'orders/create', orderPayload(shop, order));
  for (const { variant, quantity } of lines) {
    const item = shop.items.get(variant.inventoryItemId) as SimItem;
    const level = item.levels.get(location.id);
    if (!level || !item.tracked) continue;
    level.committed += quantity;
    level.onHand += quantity; // on_hand = available + committed + …: only available moves
    changeAvailable(context, item, location.id, level.available - quantity);
  }
  return order;
}

export function cancelOrder(context: ActionContext, orderRef: string, options: { restock?: boolean } = {}): SimOrder {
  const { shop } = context;
  const order = shop.orders.get(parseGid(orderRef)?.id ?? orderRef);
  if (!order) throw new SimInputError('unknown order');
  if (order.cancelledAt) throw new SimInputError('order already cancelled');
  const now = new Date().toISOString();
  order.cancelledAt = now;
  order.cancelReason = 'customer';
  order.updatedAt = now;
  context.webhooks.emit(shop, 'orders/cancelled', orderPayload(shop, order));
  if (options.restock ?? true) {
    for (const line of order.lineItems) {
      const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
      const item = variant ? shop.items.get(variant.inventoryItemId) : undefined;
      const level = item?.levels.get(line.locationId);
      if (!item || !level || !item.tracked) continue;
      level.committed -= line.currentQuantity;
      level.onHand -= line.currentQuantity;
      changeAvailable(context, item, line.locationId, level.available + line.currentQuantity);
    }
  }
  return order;
}

export function changeSku(context: ActionContext, input: { sku: string; newSku: string }) {
  const { shop } = context;
  const variant = findVariantBySku(shop, input.sku);
  if (!variant) throw new SimInputError(`unknown sku ${input.sku}`);
  variant.sku = input.newSku;
  variant.updatedAt = new Date().toISOString();
  const product = shop.products.get(variant.productId);
  if (!product) return variant;
  product.updatedAt = variant.updatedAt;
  context.webhooks.emit(shop, 'products/update', {
    id: big(product.id),
    admin_graphql_api_id: gid('Product', product.id),
    title: product.title,
    updated_at: product.updatedAt,
    variants: product.variantIds.map((id) => {
      const v = shop.variants.get(id);
      const item = v ? shop.items.get(v.inventoryItemId) : undefined;
      const total = item ? [...item.levels.values()].reduce((sum, level) => sum + level.available, 0) : 0;
      return {
        id: big(id),
        sku: v?.sku ?? '',
        inventory_item_id: item ? big(item.id) : null,
        inventory_quantity: total,
        updated_at: v?.updatedAt,
      };
    }),
  });
  return variant;
}

/** The merchant removes the app: Shopify sends app/uninstalled, then tokens and subscriptions die. */
export function uninstall(context: ActionContext) {
  const { shop } = context;
  context.webhooks.emit(shop, 'app/uninstalled', { id: big(shop.id), name: shop.name, domain: shop.domain, myshopify_domain: shop.domain });
  shop.uninstalled = true;
  shop.issuedTokens.clear();
  shop.webhooks.clear();
}
