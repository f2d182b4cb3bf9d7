// Eight workers hammer one store whose bucket holds only a few calls. The shared budget must make
// them wait their turn: the simulator's call log shows no THROTTLED answer at all, every call went
// through, and the waiting really happened (the budget reported waits).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCostBudget } from '../../../src/connectors/shopify/cost-budget.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../src/simulators/shopify/server.js';
import { buildConnector, createTestRedis, STATIC_TOKEN } from './helpers.js';

const redis = createTestRedis('shopify-throttle');
const DOMAIN = 'tiny-bucket.myshopify.com';
let sim: ShopifySimulator;

beforeAll(async () => {
  // 60 points, 300 back per second: about three catalog pages (17 points each) at once.
  sim = await startShopifySimulator({
    webhookSecret: 'whsec',
    shops: [{ domain: DOMAIN, accessToken: STATIC_TOKEN, plan: { bucketSize: 60, restoreRate: 300 } }],
  });
  sim.control.seed(DOMAIN, {
    locations: [{ name: 'Warehouse' }],
    products: Array.from({ length: 12 }, (_, n) => ({ title: `P${n}`, variants: [{ sku: `SKU-${n}`, levels: { Warehouse: n } }] })),
  });
});
afterAll(async () => {
  await sim.close();
  await redis.drop();
});

it('8 concurrent workers never send a call the bucket cannot afford', async () => {
  const waits: number[] = [];
  // One budget per worker, as in separate processes: they share only Redis.
  const keyPrefix = `${redis.prefix}budget:`;
  const workers = Array.from({ length: 8 }, () =>
    buildConnector(redis, {
      shopDomain: DOMAIN,
      baseUrl: sim.shopUrl(DOMAIN),
      pageSize: 5,
      budget: createCostBudget({ redis: redis.redis, keyPrefix, onWait: (event) => waits.push(event.waitMs) }),
    }),
  );
  await Promise.all(
    workers.map(async ({ connector }) => {
      for (let round = 0; round < 4; round += 1) {
        const page = await connector.listCatalog(null);
        expect(page.items).toHaveLength(5);
      }
    }),
  );
  const calls = sim.control.calls(DOMAIN);
  expect(calls.filter((call) => call.outcome === 'throttled')).toEqual([]);
  expect(calls.filter((call) => call.outcome === 'ok')).toHaveLength(32);
  expect(calls.every((call) => call.requestedCost === 17)).toBe(true);
  expect(waits.length).toBeGreaterThan(0);
  // The model in Redis stayed at or below what the simulator really had.
  const modelled = await workers[0]?.connector.rateBudget?.();
  expect(modelled?.maximum).toBe(60);
});
