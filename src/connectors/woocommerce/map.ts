// WooCommerce REST v3 resources as we read them, and how they become catalog items and levels.
// Schemas are loose: the platform sends far more fields than we read, and webhook-shaped payloads
// must keep them all.
import { z } from 'zod';
import type { CatalogItem, ChannelLevel } from '../contract.js';

/** WooCommerce has no locations: each store is one stock location. */
export const WOO_LOCATION_ID = 'default';

const WooId = z.number().int().positive();
const Quantity = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** A product or a variation (both carry the stock fields). `manage_stock` is "parent" on a variation whose parent holds the stock. */
export const WooStockItem = z.looseObject({
  id: WooId,
  name: z.string().optional(),
  type: z.string().optional(),
  parent_id: z.number().int().nonnegative().optional(),
  sku: z.string().nullable().optional(),
  manage_stock: z.union([z.boolean(), z.literal('parent')]).optional(),
  stock_quantity: Quantity.nullable().optional(),
  date_created_gmt: z.string().nullable().optional(),
  date_modified_gmt: z.string().nullable().optional(),
  attributes: z.array(z.looseObject({ name: z.string().optional(), option: z.string().optional() })).optional(),
});
export type WooStockItem = z.infer<typeof WooStockItem>;
export const WooStockItemList = z.array(WooStockItem);

export const WooOrder = z.looseObject({
  id: WooId,
  status: z.string(),
  date_created_gmt: z.string().nullable().optional(),
  date_modified_gmt: z.string().nullable().optional(),
});
export type WooOrder = z.infer<typeof WooOrder>;
export const WooOrderList = z.array(WooOrder);

export const WooWebhookStatus = z.enum(['active', 'paused', 'disabled']);
export const WooWebhook = z.looseObject({
  id: WooId,
  name: z.string().optional(),
  status: z.string(),
  topic: z.string(),
  delivery_url: z.string(),
});
export type WooWebhook = z.infer<typeof WooWebhook>;
export const WooWebhookList = z.array(WooWebhook);

const WooItemError = z.looseObject({
  code: z.string(),
  message: z.string().optional(),
  // WP_Error data: usually { status }, but whatever a plugin attached; read leniently.
  data: z.unknown().optional(),
});
/** One entry of a batch response's `update` list: the saved object, or `{ id, error }`. */
export const WooBatchEntry = WooStockItem.extend({ id: z.coerce.number().int().nonnegative().catch(0), error: WooItemError.optional() });
export type WooBatchEntry = z.infer<typeof WooBatchEntry>;
// An empty batch answers `[]` (PHP's empty array), a non-empty one `{ update: [...] }`.
export const WooBatchResponse = z.union([
  z.looseObject({ update: z.array(WooBatchEntry).default([]) }),
  z.array(z.never()).transform(() => ({ update: [] })),
]);

/** WooCommerce's *_gmt fields are UTC without a zone designator ("2024-05-01T10:00:00"). */
export function parseGmt(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The `modified_after` value for a query with dates_are_gmt=true: whole seconds, no zone. */
export function formatGmt(date: Date): string {
  return date.toISOString().slice(0, 19);
}

export function skuOf(item: WooStockItem): string {
  return (item.sku ?? '').trim();
}

export function managesStock(item: WooStockItem): boolean {
  return item.manage_stock === true;
}

function variationTitle(parent: WooStockItem, variation: WooStockItem): string {
  const options = (variation.attributes ?? []).map((attribute) => attribute.option).filter(Boolean);
  const suffix = options.length > 0 ? options.join(', ') : (variation.name ?? `#${variation.id}`);
  return `${parent.name ?? `#${parent.id}`} – ${suffix}`;
}

/** A product that is itself a stock item (simple, or a variable parent holding its variations' stock). */
export function productCatalogItem(product: WooStockItem): CatalogItem {
  return {
    sku: skuOf(product),
    externalProductId: String(product.id),
    externalVariantId: String(product.id),
    title: product.name ?? `#${product.id}`,
    manageStock: managesStock(product),
  };
}

export function variationCatalogItem(parent: WooStockItem, variation: WooStockItem): CatalogItem {
  return {
    sku: skuOf(variation),
    externalProductId: String(parent.id),
    externalVariantId: String(variation.id),
    title: variationTitle(parent, variation),
    manageStock: managesStock(variation),
  };
}

export function toLevel(item: WooStockItem): ChannelLevel {
  const updatedAt = parseGmt(item.date_modified_gmt);
  return {
    sku: skuOf(item),
    externalVariantId: String(item.id),
    externalLocationId: WOO_LOCATION_ID,
    // A quantity only means something when WooCommerce manages the item's stock.
    available: managesStock(item) ? (item.stock_quantity ?? null) : null,
    ...(updatedAt ? { updatedAt } : {}),
  };
}

/** Product types that hold stock; grouped and external products never do. */
export function holdsStock(product: WooStockItem): boolean {
  return product.type !== 'grouped' && product.type !== 'external';
}

/** The HTTP status inside a per-item error's `data`, when there is one. */
export function itemErrorStatus(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null || !('status' in data)) return undefined;
  const status = Number((data as { status: unknown }).status);
  return Number.isInteger(status) ? status : undefined;
}
