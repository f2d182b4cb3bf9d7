// The simulated shop's state: products, variations, orders and webhooks, with WooCommerce's stock
// rules (wc-stock-functions.php): an order reduces stock once when it reaches processing, on-hold or
// completed, gives it back when it goes to cancelled or pending, and a refund restocks only when
// asked to. Every save notifies `onChange`, from which the webhook dispatcher builds deliveries.
// Modification times are kept to the second, as post_modified_gmt is.

export type ManageStock = boolean | 'parent';
export type ProductType = 'simple' | 'variable' | 'grouped' | 'external';
export type MetaEntry = { id: number; key: string; value: unknown };

export type SimItem = {
  id: number;
  kind: 'product' | 'variation';
  type: ProductType | 'variation';
  parentId: number;
  name: string;
  sku: string;
  price: string;
  manageStock: ManageStock;
  stockQuantity: number | null;
  attributes: { name: string; option: string }[];
  variationIds: number[];
  meta: MetaEntry[];
  createdAt: Date;
  modifiedAt: Date;
};

export type SimLineItem = {
  id: number;
  productId: number;
  variationId: number;
  sku: string;
  name: string;
  quantity: number;
  reduced: number;
};
export type SimRefund = { id: number; reason: string; restock: boolean; items: { lineItemId: number; quantity: number }[] };
export type SimOrder = { id: number; status: string; lineItems: SimLineItem[]; refunds: SimRefund[]; createdAt: Date; modifiedAt: Date };

export type SimWebhook = {
  id: number;
  name: string;
  topic: string;
  deliveryUrl: string;
  secret: string;
  status: 'active' | 'paused' | 'disabled';
  failureCount: number;
  pendingDelivery: boolean;
  createdAt: Date;
  modifiedAt: Date;
};

export type SeedVariation = {
  id?: number;
  sku?: string;
  name?: string;
  manageStock?: ManageStock;
  stockQuantity?: number | null;
  modifiedAt?: string;
};
export type SeedProduct = {
  id?: number;
  name: string;
  sku?: string;
  type?: ProductType;
  manageStock?: boolean;
  stockQuantity?: number | null;
  modifiedAt?: string;
  variations?: SeedVariation[];
};

export type ChangeTopic = 'order.created' | 'order.updated' | 'product.updated' | 'product.deleted';
export type StoreError = { error: { code: string; message: string; status: number } };

const REDUCING = new Set(['processing', 'on-hold', 'completed']);
const RESTORING = new Set(['cancelled', 'pending']);
export const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed'];

const toSecond = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);
const fail = (code: string, message: string, status = 400): StoreError => ({ error: { code, message, status } });

export function createWooStore(options: { now: () => Date; onChange: (topic: ChangeTopic, resourceId: number) => void }) {
  const items = new Map<number, SimItem>();
  const orders = new Map<number, SimOrder>();
  const webhooks = new Map<number, SimWebhook>();
  let nextId = 1;
  let nextMetaId = 1;
  const now = () => toSecond(options.now());
  const takeId = (wanted?: number) => {
    const id = wanted ?? nextId;
    nextId = Math.max(nextId, id + 1);
    return id;
  };

  function makeItem(fields: Partial<SimItem> & Pick<SimItem, 'id' | 'kind' | 'type' | 'name'>, modifiedAt?: string): SimItem {
    const at = modifiedAt ? toSecond(new Date(modifiedAt)) : now();
    return {
      parentId: 0,
      sku: '',
      price: '10.00',
      manageStock: false,
      stockQuantity: null,
      attributes: [],
      variationIds: [],
      meta: [],
      createdAt: at,
      modifiedAt: at,
      ...fields,
    };
  }

  /** The item whose stock a sale moves: a variation with manage_stock "parent" uses its parent's. */
  function stockHolder(item: SimItem): SimItem | null {
    if (item.manageStock === true) return item;
    if (item.kind === 'variation' && item.manageStock === 'parent') {
      const parent = items.get(item.parentId);
      return parent?.manageStock === true ? parent : null;
    }
    return null;
  }

  /** A save: bumps modified time; a variation's save re-syncs and saves its parent too (WC_Product_Variable::sync). */
  function touch(item: SimItem) {
    item.modifiedAt = now();
    if (item.kind === 'variation') {
      const parent = items.get(item.parentId);
      if (parent) parent.modifiedAt = item.modifiedAt;
    }
    options.onChange('product.updated', item.id);
  }

  function adjustStock(item: SimItem, delta: number) {
    const holder = stockHolder(item);
    if (!holder || delta === 0) return;
    holder.stockQuantity = (holder.stockQuantity ?? 0) + delta;
    touch(holder);
  }

  function touchOrder(order: SimOrder, topic: ChangeTopic = 'order.updated') {
    order.modifiedAt = now();
    options.onChange(topic, order.id);
  }

  function setOrderStatus(order: SimOrder, status: string) {
    const previous = order.status;
    order.status = status;
    for (const line of order.lineItems) {
      const item = items.get(line.variationId || line.productId);
      if (!item) continue;
      if (REDUCING.has(status) && !REDUCING.has(previous) && line.reduced === 0) {
        adjustStock(item, -line.quantity);
        line.reduced = line.quantity;
      } else if (RESTORING.has(status) && line.reduced > 0) {
        adjustStock(item, line.reduced);
        line.reduced = 0;
      }
    }
    touchOrder(order);
  }

  return {
    items,
    orders,
    webhooks,
    now,
    takeId,

    seed(products: SeedProduct[]) {
      items.clear();
      orders.clear();
      for (const seed of products) {
        const product = makeItem(
          {
            id: takeId(seed.id),
            kind: 'product',
            type: seed.type ?? (seed.variations ? 'variable' : 'simple'),
            name: seed.name,
            sku: seed.sku ?? '',
            manageStock: seed.manageStock ?? seed.stockQuantity !== undefined,
            stockQuantity: seed.stockQuantity ?? null,
          },
          seed.modifiedAt,
        );
        items.set(product.id, product);
        for (const [position, variation] of (seed.variations ?? []).entries()) {
          const option = variation.name ?? `Option ${position + 1}`;
          const item = makeItem(
            {
              id: takeId(variation.id),
              kind: 'variation',
              type: 'variation',
              parentId: product.id,
              name: `${product.name} - ${option}`,
              sku: variation.sku ?? '',
              manageStock: variation.manageStock ?? variation.stockQuantity !== undefined,
              stockQuantity: variation.stockQuantity ?? null,
              attributes: [{ name: 'Option', option }],
            },
            variation.modifiedAt,
          );
          items.set(item.id, item);
          product.variationIds.push(item.id);
        }
      }
    },

    /** A REST update of stock fields (product or variation), as the batch endpoints apply it. */
    updateItem(
      item: SimItem,
      changes: { manage_stock?: unknown; stock_quantity?: unknown; sku?: unknown; name?: unknown; meta_data?: unknown },
    ): StoreError | null {
      if (changes.manage_stock !== undefined) {
        const allowed = item.kind === 'variation' ? [true, false, 'parent'] : [true, false];
        if (!allowed.includes(changes.manage_stock as ManageStock)) return fail('rest_invalid_param', 'Invalid parameter(s): manage_stock');
        item.manageStock = changes.manage_stock as ManageStock;
        if (item.manageStock !== true) item.stockQuantity = null;
      }
      if (changes.stock_quantity !== undefined && changes.stock_quantity !== null) {
        const quantity = Number(changes.stock_quantity);
        if (!Number.isInteger(quantity)) return fail('rest_invalid_param', 'Invalid parameter(s): stock_quantity');
        // WooCommerce applies stock_quantity only to items that manage their own stock.
        if (item.manageStock === true) item.stockQuantity = quantity;
      }
      if (typeof changes.sku === 'string') {
        const clash = [...items.values()].some((other) => other.id !== item.id && changes.sku !== '' && other.sku === changes.sku);
        if (clash) return fail('product_invalid_sku', 'Invalid or duplicated SKU.');
        item.sku = changes.sku;
      }
      if (typeof changes.name === 'string') item.name = changes.name;
      if (Array.isArray(changes.meta_data)) {
        for (const entry of changes.meta_data as { key?: unknown; value?: unknown }[]) {
          if (typeof entry?.key !== 'string') continue;
          const existing = item.meta.find((meta) => meta.key === entry.key);
          if (existing) existing.value = entry.value;
          else item.meta.push({ id: nextMetaId++, key: entry.key, value: entry.value });
        }
      }
      touch(item);
      return null;
    },

    /** A stock edit in the WordPress admin (no API call). */
    editStock(item: SimItem, quantity: number) {
      item.manageStock = true;
      item.stockQuantity = quantity;
      touch(item);
    },

    placeOrder(lines: { item: SimItem; quantity: number }[], status: string): SimOrder {
      const at = now();
      const order: SimOrder = { id: takeId(), status: 'pending', lineItems: [], refunds: [], createdAt: at, modifiedAt: at };
      for (const { item, quantity } of lines) {
        const isVariation = item.kind === 'variation';
        order.lineItems.push({
          id: takeId(),
          productId: isVariation ? item.parentId : item.id,
          variationId: isVariation ? item.id : 0,
          sku: item.sku,
          name: item.name,
          quantity,
          reduced: 0,
        });
      }
      orders.set(order.id, order);
      options.onChange('order.created', order.id);
      if (status !== 'pending') setOrderStatus(order, status);
      return order;
    },

    setOrderStatus,

    /** A refund of some (or all) lines; `restock` puts the refunded units back (wc_restock_refunded_items). */
    refundOrder(order: SimOrder, refund: { restock: boolean; reason?: string; items?: { lineItemId: number; quantity: number }[] }) {
      const refunded = refund.items ?? order.lineItems.map((line) => ({ lineItemId: line.id, quantity: line.quantity }));
      if (refund.restock) {
        for (const { lineItemId, quantity } of refunded) {
          const line = order.lineItems.find((candidate) => candidate.id === lineItemId);
          const item = line && items.get(line.variationId || line.productId);
          if (!line || !item) continue;
          const back = Math.min(quantity, line.reduced);
          adjustStock(item, back);
          line.reduced -= back;
        }
      }
      order.refunds.push({ id: takeId(), reason: refund.reason ?? '', restock: refund.restock, items: refunded });
      const total = order.lineItems.reduce((sum, line) => sum + line.quantity, 0);
      const refundedTotal = order.refunds.flatMap((entry) => entry.items).reduce((sum, entry) => sum + entry.quantity, 0);
      if (refundedTotal >= total) order.status = 'refunded';
      touchOrder(order);
    },

    findBySku(sku: string): SimItem | undefined {
      return [...items.values()].find((item) => item.sku !== '' && item.sku === sku);
    },
  };
}

export type WooStore = ReturnType<typeof createWooStore>;
