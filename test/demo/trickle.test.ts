// The demo's order stream, against the simulators alone: it places orders on both stores, cancels
// and refunds some, receives goods in the ERP, never sells what a store does not have, touches only
// the SKUs it was given, and stops when told.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildDemoCatalog } from '../../src/demo/catalog.js';
import { SHOP_DOMAIN, type Simulators, startSimulators } from '../../src/demo/simulators.js';
import { startTrickle, type TrickleAction } from '../../src/demo/trickle.js';
import { waitFor } from '../helpers/fixtures.js';

const catalog = buildDemoCatalog({ skus: 40, seed: 5 });
let simulators: Simulators;

beforeAll(async () => {
  simulators = await startSimulators({ catalog, seed: 5 });
});
afterAll(async () => {
  await simulators?.close();
});

test('a seeded stream of orders, cancellations, refunds and receipts on the bestsellers only, never overselling', async () => {
  const hot = new Set(catalog.hotSkus);
  const quiet = catalog.skus.filter((sku) => !hot.has(sku));
  const quietBefore = quiet.map((sku) => simulators.shopify.control.levels(SHOP_DOMAIN, sku));
  const actions: TrickleAction[] = [];
  const errors: Error[] = [];
  const trickle = startTrickle({
    simulators,
    skus: catalog.hotSkus,
    seed: 9,
    actionsPerSecond: 200,
    onAction: (action) => actions.push(action),
    onError: (error) => errors.push(error),
  });
  await waitFor(async () => actions.length >= 300, { timeoutMs: 20_000, what: '300 actions' });
  trickle.stop();
  const stoppedAt = actions.length;

  expect(errors).toEqual([]);
  const counts = trickle.counts();
  for (const kind of [
    'shopify_order',
    'shopify_cancel',
    'woocommerce_order',
    'woocommerce_cancel',
    'woocommerce_refund',
    'erp_receipt',
  ] as const) {
    expect(counts[kind], kind).toBeGreaterThan(0);
  }
  for (const action of actions) if ('sku' in action) expect(hot.has(action.sku)).toBe(true);
  for (const sku of catalog.hotSkus) {
    expect(simulators.shopify.control.levels(SHOP_DOMAIN, sku).every((level) => level.available >= 0)).toBe(true);
    expect(simulators.woocommerce.control.item({ sku }).stockQuantity ?? 0).toBeGreaterThanOrEqual(0);
  }
  expect(quiet.map((sku) => simulators.shopify.control.levels(SHOP_DOMAIN, sku))).toEqual(quietBefore);
  const wooOrders = simulators.woocommerce.control.orders();
  expect(wooOrders.some((order) => order.refunds.some((refund) => refund.restock))).toBe(true);
  expect(simulators.erp.control.state().movements).toEqual([]);

  // Stopped means stopped: no action after stop().
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(actions.length).toBe(stoppedAt);
});
