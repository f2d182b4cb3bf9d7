// Shapes Shopify sends back, and how they become contract types. External ids are kept as the
// GraphQL gid strings (gid://shopify/InventoryItem/271878346596884015): they exceed 2^53 and must
// never become JavaScript numbers. Webhooks carry the bare numbers; toGid() joins the two worlds.
import type { ChannelLevel } from '../contract.js';

export type PageInfo = { hasNextPage: boolean; endCursor: string | null };
export type Connection<T> = { nodes: T[]; pageInfo: PageInfo };

export type LevelNode = {
  location: { id: string };
  updatedAt?: string | null;
  quantities: { name: string; quantity: number }[];
};

export type VariantWithLevels = {
  id: string;
  sku: string | null;
  inventoryItem: { id: string; tracked: boolean; inventoryLevels: { nodes: LevelNode[] } } | null;
};

/** "gid://shopify/Order/450789469" → "450789469" (a string: the number may exceed 2^53). */
export function legacyIdOf(gid: string): string {
  const tail = gid.slice(gid.lastIndexOf('/') + 1);
  const query = tail.indexOf('?');
  return query === -1 ? tail : tail.slice(0, query);
}

/** A webhook's numeric id, as digits (never a parsed number), → its gid. */
export function toGid(type: string, id: string | bigint): string {
  const digits = String(id);
  if (!/^\d+$/.test(digits)) throw new Error(`not a Shopify numeric id: ${digits}`);
  return `gid://shopify/${type}/${digits}`;
}

export function availableOf(level: LevelNode): number | null {
  const entry = level.quantities.find((quantity) => quantity.name === 'available');
  return entry ? entry.quantity : null;
}

export function levelsOfVariant(variant: VariantWithLevels): ChannelLevel[] {
  const item = variant.inventoryItem;
  if (!item) return [];
  return item.inventoryLevels.nodes.map((level) => ({
    sku: variant.sku ?? '',
    externalVariantId: variant.id,
    externalInventoryItemId: item.id,
    externalLocationId: level.location.id,
    // An untracked item has no meaningful quantity: the contract says null.
    available: item.tracked ? availableOf(level) : null,
    updatedAt: level.updatedAt ? new Date(level.updatedAt) : undefined,
  }));
}

export type OrderNode = {
  id: string;
  legacyResourceId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  test: boolean;
  lineItems: Connection<OrderLineNode>;
};

export type OrderLineNode = {
  id: string;
  sku: string | null;
  quantity: number;
  currentQuantity: number;
  variant: { id: string; legacyResourceId: string } | null;
};

const FULFILLMENT_STATUS: Record<string, string | null> = {
  FULFILLED: 'fulfilled',
  PARTIALLY_FULFILLED: 'partial',
  RESTOCKED: 'restocked',
};

/**
 * An order in the shape of the orders/create webhook (REST resource), so the engine handles polled
 * and pushed orders alike. Difference: ids are strings of digits here, where webhooks send numbers.
 */
export function toOrderPayload(order: OrderNode, lines: OrderLineNode[]) {
  return {
    id: order.legacyResourceId,
    admin_graphql_api_id: order.id,
    name: order.name,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason ? order.cancelReason.toLowerCase() : null,
    financial_status: order.displayFinancialStatus ? order.displayFinancialStatus.toLowerCase() : null,
    fulfillment_status: FULFILLMENT_STATUS[order.displayFulfillmentStatus ?? ''] ?? null,
    test: order.test,
    line_items: lines.map((line) => ({
      id: legacyIdOf(line.id),
      admin_graphql_api_id: line.id,
      variant_id: line.variant ? line.variant.legacyResourceId : null,
      sku: line.sku ?? '',
      quantity: line.quantity,
      current_quantity: line.currentQuantity,
    })),
  };
}
