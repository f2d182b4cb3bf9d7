// The demo's customers and warehouse staff: a steady, seeded stream of orders on both stores,
// cancellations, refunds with restock and ERP goods receipts, all on the bestsellers so a newcomer
// watching one of them sees it move. Everything goes through the simulators' own controls, so each
// step reaches stockbridge the real way: as a signed webhook.
import { SHOPIFY_LOCATIONS, WAREHOUSES } from './catalog.js';
import { createRandom } from './random.js';
import { SHOP_DOMAIN, type Simulators } from './simulators.js';

export type TrickleAction =
  | { kind: 'shopify_order'; sku: string; quantity: number; location: string; orderId: string }
  | { kind: 'shopify_cancel'; orderId: string }
  | { kind: 'woocommerce_order'; sku: string; quantity: number; orderId: number }
  | { kind: 'woocommerce_cancel'; orderId: number }
  | { kind: 'woocommerce_refund'; orderId: number }
  | { kind: 'erp_receipt'; sku: string; warehouse: string; quantity: number };

export type Trickle = { stop(): void; counts(): Record<TrickleAction['kind'], number> };

export type TrickleOptions = {
  simulators: Simulators;
  /** The SKUs customers buy (the catalog's bestsellers). */
  skus: string[];
  seed: number;
  actionsPerSecond: number;
  onAction?: (action: TrickleAction) => void;
  onError?: (error: Error) => void;
};

const OPEN_ORDERS_KEPT = 40;

export function startTrickle(options: TrickleOptions): Trickle {
  const { simulators } = options;
  const random = createRandom(options.seed);
  const counts: Record<TrickleAction['kind'], number> = {
    shopify_order: 0,
    shopify_cancel: 0,
    woocommerce_order: 0,
    woocommerce_cancel: 0,
    woocommerce_refund: 0,
    erp_receipt: 0,
  };
  const openShopifyOrders: string[] = [];
  const openWooOrders: number[] = [];
  const remember = <T>(list: T[], id: T) => {
    list.push(id);
    if (list.length > OPEN_ORDERS_KEPT) list.shift();
  };
  const takeRandom = <T>(list: T[]): T | undefined => (list.length === 0 ? undefined : list.splice(random.int(0, list.length - 1), 1)[0]);

  /** Warehouse staff receive goods: stock arrives in the ERP, which tells stockbridge. */
  function receipt(sku: string): TrickleAction {
    const warehouse = random.pick(WAREHOUSES).code;
    const quantity = random.int(4, 12);
    simulators.erp.control.receive({ sku, warehouse, quantity });
    return { kind: 'erp_receipt', sku, warehouse, quantity };
  }

  function shopifyOrder(sku: string, quantity: number): TrickleAction {
    const location = random.pick(SHOPIFY_LOCATIONS).name;
    const level = simulators.shopify.control.levels(SHOP_DOMAIN, sku).find((entry) => entry.location === location);
    // Sold out here: the merchant reorders instead (keeps the stream going without overselling).
    if (!level || level.available < quantity) return receipt(sku);
    const order = simulators.shopify.control.placeOrder(SHOP_DOMAIN, { lineItems: [{ sku, quantity }], location });
    remember(openShopifyOrders, order.id);
    return { kind: 'shopify_order', sku, quantity, location, orderId: order.id };
  }

  function wooOrder(sku: string, quantity: number): TrickleAction {
    const stock = simulators.woocommerce.control.item({ sku }).stockQuantity ?? 0;
    if (stock < quantity) return receipt(sku);
    const orderId = simulators.woocommerce.control.placeOrder({ lines: [{ sku, quantity }], status: 'processing' });
    remember(openWooOrders, orderId);
    return { kind: 'woocommerce_order', sku, quantity, orderId };
  }

  function step(): TrickleAction {
    const sku = random.pick(options.skus);
    const quantity = random.chance(0.8) ? 1 : 2;
    const roll = random.next();
    if (roll < 0.35) return shopifyOrder(sku, quantity);
    if (roll < 0.65) return wooOrder(sku, quantity);
    if (roll < 0.73) {
      const orderId = takeRandom(openShopifyOrders);
      if (orderId === undefined) return shopifyOrder(sku, quantity);
      simulators.shopify.control.cancelOrder(SHOP_DOMAIN, orderId, { restock: true });
      return { kind: 'shopify_cancel', orderId };
    }
    if (roll < 0.81) {
      const orderId = takeRandom(openWooOrders);
      if (orderId === undefined) return wooOrder(sku, quantity);
      simulators.woocommerce.control.setOrderStatus(orderId, 'cancelled');
      return { kind: 'woocommerce_cancel', orderId };
    }
    if (roll < 0.88) {
      const orderId = takeRandom(openWooOrders);
      if (orderId === undefined) return wooOrder(sku, quantity);
      simulators.woocommerce.control.refundOrder(orderId, { restock: true, reason: 'returned by the customer' });
      return { kind: 'woocommerce_refund', orderId };
    }
    return receipt(sku);
  }

  const intervalMs = Math.max(10, Math.round(1000 / options.actionsPerSecond));
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    try {
      const action = step();
      counts[action.kind] += 1;
      options.onAction?.(action);
    } catch (error) {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
    timer = setTimeout(tick, intervalMs);
  };
  if (options.skus.length > 0 && options.actionsPerSecond > 0) timer = setTimeout(tick, intervalMs);

  return {
    // Every step is synchronous (the simulators deliver their webhooks on their own), so stopping
    // the timer stops the stream.
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    counts: () => ({ ...counts }),
  };
}
