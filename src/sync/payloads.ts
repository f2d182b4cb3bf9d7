// The webhook bodies the engine reads, as zod schemas over a lossless parse. Shopify ids exceed
// 2^53 (platform-apis.md §1), so every JSON number is first kept as its digits (a string) and each
// field then says what it is: an id stays a string, a quantity becomes a safe integer.
// Schemas are loose: payloads carry far more than we read, and unknown fields are not errors.
import { parse } from 'lossless-json';
import { z } from 'zod';

/** Parses JSON keeping every number as its exact text. Throws SyntaxError on bad JSON. */
export function parseLossless(text: string): unknown {
  return parse(text, null, (digits: string) => digits);
}

/** An id: digits from a JSON number, or a string (GraphQL-shaped polls send strings). */
export const ExternalId = z.union([z.string().trim().min(1).max(200), z.number().int()]).transform(String);

/** A whole quantity within ±1e9 (JSON number kept as text, or a numeric string). */
export const Quantity = z
  .union([z.string().regex(/^-?\d{1,10}$/), z.number().int()])
  .transform(Number)
  .pipe(z.number().int().min(-1_000_000_000).max(1_000_000_000));

/**
 * An order or refund line's quantity: a Quantity that is never negative. Platforms book a refund
 * as its own event; a negative line would otherwise be held as a negative reservation and skew
 * every later resize of that line.
 */
export const LineQuantity = Quantity.pipe(z.number().min(0, 'must not be negative'));

/** An instant with a zone (ISO 8601 / RFC 3339). */
export const Instant = z
  .string()
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be an ISO 8601 date-time');

/** WooCommerce's *_gmt fields: UTC wall-clock time without a zone designator. */
export const WooGmtInstant = z
  .string()
  .transform((value) => new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be a date-time');

const optionalText = z.string().nullable().optional();

export const ShopifyLineItem = z.looseObject({
  id: ExternalId,
  variant_id: ExternalId.nullable().optional(),
  sku: optionalText,
  quantity: LineQuantity,
});
export type ShopifyLineItem = z.infer<typeof ShopifyLineItem>;

export const ShopifyRefundLine = z.looseObject({
  id: ExternalId,
  line_item_id: ExternalId,
  quantity: LineQuantity,
  /** no_restock | cancel | return | legacy_restock (RefundLineItemRestockType). */
  restock_type: optionalText,
  location_id: ExternalId.nullable().optional(),
  line_item: z
    .looseObject({ variant_id: ExternalId.nullable().optional(), sku: optionalText, quantity: LineQuantity.optional() })
    .optional(),
});
export type ShopifyRefundLine = z.infer<typeof ShopifyRefundLine>;

export const ShopifyRefund = z.looseObject({
  id: ExternalId,
  order_id: ExternalId,
  created_at: Instant.optional(),
  processed_at: Instant.nullable().optional(),
  /** Legacy flag, read only when a line has no restock_type. */
  restock: z.boolean().optional(),
  refund_line_items: z.array(ShopifyRefundLine).default([]),
});
export type ShopifyRefund = z.infer<typeof ShopifyRefund>;

export const ShopifyOrder = z.looseObject({
  id: ExternalId,
  created_at: Instant,
  updated_at: Instant.optional(),
  cancelled_at: Instant.nullable().optional(),
  location_id: ExternalId.nullable().optional(),
  line_items: z.array(ShopifyLineItem),
  /** Present on the REST order resource: lets orders/updated (and polls) catch missed refunds. */
  refunds: z.array(ShopifyRefund.omit({ order_id: true }).extend({ order_id: ExternalId.optional() })).optional(),
});
export type ShopifyOrder = z.infer<typeof ShopifyOrder>;

export const ShopifyInventoryLevel = z.looseObject({
  inventory_item_id: ExternalId,
  location_id: ExternalId,
  available: Quantity.nullable(),
  updated_at: Instant,
});
export type ShopifyInventoryLevel = z.infer<typeof ShopifyInventoryLevel>;

export const ShopifyProduct = z.looseObject({
  id: ExternalId,
  variants: z.array(z.looseObject({ id: ExternalId, sku: optionalText, inventory_item_id: ExternalId.nullable().optional() })).default([]),
});
export type ShopifyProduct = z.infer<typeof ShopifyProduct>;

const WooMeta = z.looseObject({ key: z.string(), value: z.unknown() });

export const WooLineItem = z.looseObject({
  id: ExternalId,
  product_id: ExternalId,
  variation_id: ExternalId.nullable().optional(),
  sku: optionalText,
  quantity: LineQuantity,
  meta_data: z.array(WooMeta).optional(),
});
export type WooLineItem = z.infer<typeof WooLineItem>;

export const WooOrder = z.looseObject({
  id: ExternalId,
  status: z.string().min(1),
  date_created_gmt: WooGmtInstant.nullable().optional(),
  date_modified_gmt: WooGmtInstant.nullable().optional(),
  line_items: z.array(WooLineItem).default([]),
});
export type WooOrder = z.infer<typeof WooOrder>;

export const WooProduct = z.looseObject({
  id: ExternalId,
  sku: optionalText,
  type: z.string().optional(),
  manage_stock: z
    .union([z.boolean(), z.literal('parent')])
    .nullable()
    .optional(),
  stock_quantity: Quantity.nullable().optional(),
  date_modified_gmt: WooGmtInstant.nullable().optional(),
});
export type WooProduct = z.infer<typeof WooProduct>;

/** `{ "id": N }`: WooCommerce's *.deleted payloads. */
export const WooDeleted = z.looseObject({ id: ExternalId });

export const ErpStockItem = z.looseObject({
  sku: z.string().trim().min(1).max(200),
  warehouse: z.string().trim().min(1).max(200),
  onHand: Quantity,
  reserved: Quantity,
  incoming: Quantity,
  available: Quantity,
  unitCost: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .nullable()
    .optional(),
  name: z.string().nullable().optional(),
  updatedAt: Instant,
});
export type ErpStockItem = z.infer<typeof ErpStockItem>;

export const ErpStockChanged = z.looseObject({ event: z.literal('stock.changed'), items: z.array(ErpStockItem).min(1) });
