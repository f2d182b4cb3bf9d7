// Pure: one stored inbox event → the platform facts the engine acts on (which order lines, which
// level, which ERP rows), still in platform terms (variant ids, line ids). Resolving them to SKUs
// needs the listings table and happens next (resolve-skus.ts).
import type { z } from 'zod';
import {
  ErpStockChanged,
  type ErpStockItem,
  parseLossless,
  Quantity,
  ShopifyInventoryLevel,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyRefund,
  WooDeleted,
  WooOrder,
  WooProduct,
} from './payloads.js';

export type Platform = 'shopify' | 'woocommerce' | 'erp';

export type OrderLineFact = { lineId: string; variantId: string | null; sku: string; quantity: number; restockedQuantity: number };

export type RefundLineFact = {
  refundId: string;
  refundLineId: string;
  lineId: string;
  variantId: string | null;
  sku: string;
  quantity: number;
  restock: boolean;
  /** The refunded line's ordered quantity, when the refund carries it (lets a refund place a missed order). */
  lineQuantity: number | null;
  occurredAt: Date;
};

export type ShopifyOrderFacts = {
  kind: 'shopify_order';
  orderId: string;
  placedAt: Date;
  cancelledAt: Date | null;
  externalLocationId: string | null;
  lines: OrderLineFact[];
  refunds: RefundLineFact[];
};

/** WooCommerce core: these statuses hold stock, these release it, the rest change nothing. */
export type WooStockEffect = 'hold' | 'release' | 'keep';

export type WooOrderFacts = {
  kind: 'woo_order';
  orderId: string;
  status: string;
  effect: WooStockEffect;
  modifiedAt: Date;
  lines: OrderLineFact[];
};

export type RefundFacts = { kind: 'shopify_refund'; orderId: string; refunds: RefundLineFact[] };

/** A store's quantity for one item at one location (our echo, its own sale, or a manual edit). */
export type LevelFacts = {
  kind: 'level';
  platform: 'shopify' | 'woocommerce';
  /** Every form the item id may be stored in (Shopify: bare number and gid). */
  itemIds: string[];
  itemIdKind: 'inventory_item' | 'variant';
  locationIds: string[];
  available: number;
  reportedAt: Date;
  /** The SKU the platform reports for the item now, when the payload says (SKU-change detection). */
  reportedSku: string | null;
};

export type VariantSkuFacts = { kind: 'variant_skus'; variants: { variantIds: string[]; sku: string }[] };
export type ListingDeletedFacts = { kind: 'listing_deleted'; variantIds: string[] };
export type ErpStockFacts = { kind: 'erp_stock'; rows: ErpStockItem[] };
export type IgnoreFacts = { kind: 'ignore'; reason: string };

export type EventFacts =
  | ShopifyOrderFacts
  | WooOrderFacts
  | RefundFacts
  | LevelFacts
  | VariantSkuFacts
  | ListingDeletedFacts
  | ErpStockFacts
  | IgnoreFacts;

export type StoredEvent = { platform: Platform; topic: string; payload: string; receivedAt: Date; triggeredAt: Date | null };

/** Thrown for a body that is not the shape its topic promises (a permanent, dead-letter case). */
export class EventPayloadError extends Error {
  readonly code = 'EVENT_PAYLOAD_INVALID';
  readonly kind = 'permanent' as const;
  constructor(message: string) {
    super(message);
    this.name = 'EventPayloadError';
  }
}

const WOO_HOLDING = new Set(['processing', 'completed', 'on-hold']);
const WOO_RELEASING = new Set(['cancelled', 'pending']);
const RESTOCK_TYPES = new Set(['cancel', 'return', 'legacy_restock']);

export function wooStockEffect(status: string): WooStockEffect {
  if (WOO_HOLDING.has(status)) return 'hold';
  if (WOO_RELEASING.has(status)) return 'release';
  return 'keep';
}

export function shopifyGid(type: string, id: string): string[] {
  return id.startsWith('gid://') ? [id] : [id, `gid://shopify/${type}/${id}`];
}

export function interpretEvent(event: StoredEvent): EventFacts {
  const body = parseBody(event.payload);
  const when = event.triggeredAt ?? event.receivedAt;
  if (event.platform === 'shopify') return interpretShopify(event.topic, body, when);
  if (event.platform === 'woocommerce') return interpretWoo(event.topic, body, when);
  if (event.topic !== 'stock.changed') return { kind: 'ignore', reason: `ERP topic ${event.topic} is not acted on` };
  return { kind: 'erp_stock', rows: shape(ErpStockChanged, body, 'stock.changed').items };
}

function interpretShopify(topic: string, body: unknown, when: Date): EventFacts {
  switch (topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled':
      return shopifyOrderFacts(shape(ShopifyOrder, body, topic), topic === 'orders/cancelled' ? when : null);
    case 'refunds/create': {
      const refund = shape(ShopifyRefund, body, topic);
      return { kind: 'shopify_refund', orderId: refund.order_id, refunds: refundLines(refund, when) };
    }
    case 'inventory_levels/update': {
      const level = shape(ShopifyInventoryLevel, body, topic);
      if (level.available === null) return { kind: 'ignore', reason: 'item does not track stock at this location' };
      return {
        kind: 'level',
        platform: 'shopify',
        itemIds: shopifyGid('InventoryItem', level.inventory_item_id),
        itemIdKind: 'inventory_item',
        locationIds: shopifyGid('Location', level.location_id),
        available: level.available,
        reportedAt: level.updated_at,
        reportedSku: null,
      };
    }
    case 'products/update': {
      // Quantities here are not per location (inventory_levels/update carries those); the topic is
      // read only to notice a SKU changed on the store.
      const product = shape(ShopifyProduct, body, topic);
      return {
        kind: 'variant_skus',
        variants: product.variants.map((variant) => ({
          variantIds: shopifyGid('ProductVariant', variant.id),
          sku: (variant.sku ?? '').trim(),
        })),
      };
    }
    default:
      return { kind: 'ignore', reason: `Shopify topic ${topic} changes no stock` };
  }
}

function shopifyOrderFacts(order: ShopifyOrder, cancelledFallback: Date | null): ShopifyOrderFacts {
  const cancelledAt = order.cancelled_at ?? cancelledFallback;
  return {
    kind: 'shopify_order',
    orderId: order.id,
    placedAt: order.created_at,
    cancelledAt,
    externalLocationId: order.location_id ?? null,
    lines: order.line_items.map((line) => ({
      lineId: line.id,
      variantId: line.variant_id ?? null,
      sku: (line.sku ?? '').trim(),
      quantity: line.quantity,
      restockedQuantity: 0,
    })),
    refunds: (order.refunds ?? []).flatMap((refund) =>
      refundLines({ ...refund, order_id: order.id }, order.updated_at ?? order.created_at),
    ),
  };
}

function refundLines(refund: ShopifyRefund, when: Date): RefundLineFact[] {
  const occurredAt = refund.processed_at ?? refund.created_at ?? when;
  return refund.refund_line_items.map((line) => ({
    refundId: refund.id,
    refundLineId: line.id,
    lineId: line.line_item_id,
    variantId: line.line_item?.variant_id ?? null,
    sku: (line.line_item?.sku ?? '').trim(),
    quantity: line.quantity,
    restock: line.restock_type ? RESTOCK_TYPES.has(line.restock_type) : refund.restock === true,
    lineQuantity: line.line_item?.quantity ?? null,
    occurredAt,
  }));
}

function interpretWoo(topic: string, body: unknown, when: Date): EventFacts {
  switch (topic) {
    case 'order.created':
    case 'order.updated': {
      const order = shape(WooOrder, body, topic);
      return {
        kind: 'woo_order',
        orderId: order.id,
        status: order.status,
        effect: wooStockEffect(order.status),
        modifiedAt: order.date_modified_gmt ?? order.date_created_gmt ?? when,
        lines: order.line_items.map((line) => ({
          lineId: line.id,
          variantId: line.variation_id && line.variation_id !== '0' ? line.variation_id : line.product_id,
          sku: (line.sku ?? '').trim(),
          quantity: line.quantity,
          restockedQuantity: restockedOf(line.meta_data),
        })),
      };
    }
    case 'product.updated': {
      const product = shape(WooProduct, body, topic);
      if (product.manage_stock !== true || product.stock_quantity === null || product.stock_quantity === undefined) {
        return { kind: 'ignore', reason: 'product does not manage its own stock' };
      }
      return {
        kind: 'level',
        platform: 'woocommerce',
        itemIds: [product.id],
        itemIdKind: 'variant',
        locationIds: ['default'],
        available: product.stock_quantity,
        reportedAt: product.date_modified_gmt ?? when,
        reportedSku: product.sku === undefined || product.sku === null ? null : product.sku.trim(),
      };
    }
    case 'product.deleted':
      return { kind: 'listing_deleted', variantIds: [shape(WooDeleted, body, topic).id] };
    default:
      // order.deleted / order.restored move no stock in core: trashing keeps the reduction.
      return { kind: 'ignore', reason: `WooCommerce topic ${topic} changes no stock` };
  }
}

/** Core records restocked refund units on the line (`_restock_refunded_items`) when it exposes them. */
function restockedOf(meta: { key: string; value: unknown }[] | undefined): number {
  const entry = meta?.find((item) => item.key === '_restock_refunded_items');
  const parsed = Quantity.safeParse(typeof entry?.value === 'number' ? String(entry.value) : entry?.value);
  return parsed.success ? Math.max(0, parsed.data) : 0;
}

function parseBody(payload: string): unknown {
  try {
    return parseLossless(payload);
  } catch (error) {
    throw new EventPayloadError(`payload is not JSON: ${(error as Error).message}`);
  }
}

function shape<T extends z.ZodType>(schema: T, body: unknown, topic: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new EventPayloadError(`${topic} payload invalid: ${problems.join('; ')}`);
}
