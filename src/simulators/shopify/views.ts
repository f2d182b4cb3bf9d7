// State records → GraphQL objects. Fields that take arguments or lead elsewhere are functions,
// which graphql-js's default resolver calls with (args, context), so only what a query selects
// is ever built. Connections page like Shopify's (first/last required, at most 250) except in a
// bulk operation, where they return everything.
import { GraphQLError } from 'graphql';
import { gid, parseGid, type SimBulkOperation, type SimItem, type SimOrder, type SimShop, type SimVariant } from './state.js';
import type { WebhookDispatcher } from './webhooks.js';

export type ResolveContext = {
  shop: SimShop;
  nextId: (type: string) => string;
  webhooks: WebhookDispatcher;
  apiVersion: string;
  /** Raw request variables (directive arguments may name them). */
  variables: Record<string, unknown>;
  /** Bulk operations lift pagination limits. */
  bulk: boolean;
  /** Base URL for files the simulator serves (bulk results). */
  publicUrl: () => string;
  startBulk: (query: string, context: ResolveContext) => { bulkOperation: unknown; userErrors: unknown[] };
};

type PageArgs = { first?: number | null; after?: string | null; last?: number | null; before?: string | null };

const cursorOf = (id: string) => Buffer.from(`cursor:${id}`).toString('base64url');

export function paginate<T extends { id: string }>(items: T[], args: PageArgs, context: ResolveContext, view: (item: T) => unknown) {
  const { first, last, after, before } = args;
  if (!context.bulk) {
    if ((first === null || first === undefined) && (last === null || last === undefined)) {
      throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
    }
    if ((first ?? 0) > 250 || (last ?? 0) > 250) {
      throw new GraphQLError('The maximum number of items per page is 250', { extensions: { code: 'BAD_REQUEST' } });
    }
  }
  let list = items;
  if (after) list = list.slice(list.findIndex((item) => cursorOf(item.id) === after) + 1);
  if (before) {
    const index = list.findIndex((item) => cursorOf(item.id) === before);
    if (index !== -1) list = list.slice(0, index);
  }
  const page = typeof first === 'number' ? list.slice(0, first) : typeof last === 'number' ? list.slice(-last) : list;
  return {
    nodes: () => page.map(view),
    edges: () => page.map((item) => ({ cursor: cursorOf(item.id), node: view(item) })),
    pageInfo: {
      hasNextPage: typeof first === 'number' && list.length > first,
      hasPreviousPage: Boolean(after) || (typeof last === 'number' && list.length > last),
      startCursor: page[0] ? cursorOf(page[0].id) : null,
      endCursor: page.length > 0 ? cursorOf((page[page.length - 1] as T).id) : null,
    },
  };
}

export function locationView(shop: SimShop, id: string) {
  const location = shop.locations.get(id);
  if (!location) return null;
  return { __typename: 'Location', id: gid('Location', id), legacyResourceId: id, name: location.name, isActive: location.isActive };
}

export function productView(shop: SimShop, id: string) {
  const product = shop.products.get(id);
  if (!product) return null;
  return {
    __typename: 'Product',
    id: gid('Product', id),
    legacyResourceId: id,
    title: product.title,
    updatedAt: product.updatedAt,
    variants: (args: PageArgs, context: ResolveContext) =>
      paginate(
        product.variantIds.map((variantId) => shop.variants.get(variantId)).filter((v): v is SimVariant => Boolean(v)),
        args,
        context,
        (v) => variantView(shop, v),
      ),
  };
}

export function variantView(shop: SimShop, variant: SimVariant) {
  const item = shop.items.get(variant.inventoryItemId) as SimItem;
  const product = shop.products.get(variant.productId);
  return {
    __typename: 'ProductVariant',
    id: gid('ProductVariant', variant.id),
    legacyResourceId: variant.id,
    sku: variant.sku,
    title: variant.title,
    displayName: `${product?.title ?? ''} - ${variant.title}`,
    updatedAt: variant.updatedAt,
    inventoryQuantity: [...item.levels.values()].reduce((sum, level) => sum + level.available, 0),
    product: () => productView(shop, variant.productId),
    inventoryItem: () => itemView(shop, item),
  };
}

export function itemView(shop: SimShop, item: SimItem) {
  const levels = [...item.levels.entries()].map(([locationId]) => ({ id: locationId }));
  return {
    __typename: 'InventoryItem',
    id: gid('InventoryItem', item.id),
    legacyResourceId: item.id,
    sku: shop.variants.get(item.variantId)?.sku ?? null,
    tracked: item.tracked,
    variant: () => variantView(shop, shop.variants.get(item.variantId) as SimVariant),
    inventoryLevels: (args: PageArgs, context: ResolveContext) =>
      paginate(levels, args, context, (level) => levelView(shop, item, level.id)),
    inventoryLevel: ({ locationId }: { locationId: string }) => {
      const id = parseGid(locationId)?.id;
      return id && item.levels.has(id) ? levelView(shop, item, id) : null;
    },
  };
}

export function levelView(shop: SimShop, item: SimItem, locationId: string) {
  const level = item.levels.get(locationId);
  if (!level) return null;
  const values: Record<string, number> = { available: level.available, on_hand: level.onHand, committed: level.committed };
  return {
    __typename: 'InventoryLevel',
    id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${item.id}`,
    updatedAt: level.updatedAt,
    location: () => locationView(shop, locationId),
    item: () => itemView(shop, item),
    quantities: ({ names }: { names: string[] }) =>
      names.map((name) => ({
        id: `gid://shopify/InventoryQuantity/${locationId}?inventory_item_id=${item.id}&name=${name}`,
        name,
        quantity: values[name] ?? 0,
        updatedAt: level.updatedAt,
      })),
  };
}

export function orderView(shop: SimShop, order: SimOrder) {
  const cancelledFully = Boolean(order.cancelledAt);
  return {
    __typename: 'Order',
    id: gid('Order', order.id),
    legacyResourceId: order.id,
    name: order.name,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason ? order.cancelReason.toUpperCase() : null,
    displayFinancialStatus: cancelledFully ? 'REFUNDED' : 'PAID',
    displayFulfillmentStatus: 'UNFULFILLED',
    test: false,
    lineItems: (args: PageArgs, context: ResolveContext) =>
      paginate(order.lineItems, args, context, (line) => {
        const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
        return {
          __typename: 'LineItem',
          id: gid('LineItem', line.id),
          sku: line.sku,
          quantity: line.quantity,
          currentQuantity: cancelledFully ? 0 : line.currentQuantity,
          title: line.sku,
          variant: () => (variant ? variantView(shop, variant) : null),
          product: () => (variant ? productView(shop, variant.productId) : null),
        };
      }),
  };
}

export function bulkView(operation: SimBulkOperation, publicUrl: string, shop: SimShop) {
  return {
    __typename: 'BulkOperation',
    id: gid('BulkOperation', operation.id),
    status: operation.status,
    errorCode: operation.errorCode,
    createdAt: operation.createdAt,
    completedAt: operation.completedAt,
    objectCount: String(operation.objectCount),
    fileSize: operation.fileToken ? String(operation.fileSize) : null,
    url: operation.fileToken ? `${publicUrl}/_sim/bulk/${shop.domain}/${operation.fileToken}.jsonl` : null,
    partialDataUrl: null,
    query: operation.query,
  };
}

/** Resolves any gid this simulator knows to its GraphQL object (null when unknown). */
export function nodeView(shop: SimShop, value: string, context: ResolveContext): unknown {
  const parsed = parseGid(value);
  if (!parsed) return null;
  const { type, id } = parsed;
  switch (type) {
    case 'Location':
      return locationView(shop, id);
    case 'Product':
      return productView(shop, id);
    case 'ProductVariant': {
      const variant = shop.variants.get(id);
      return variant ? variantView(shop, variant) : null;
    }
    case 'InventoryItem': {
      const item = shop.items.get(id);
      return item ? itemView(shop, item) : null;
    }
    case 'Order': {
      const order = shop.orders.get(id);
      return order ? orderView(shop, order) : null;
    }
    case 'BulkOperation': {
      const operation = shop.bulkOperations.get(id);
      return operation ? bulkView(operation, context.publicUrl(), shop) : null;
    }
    default:
      return null;
  }
}
