// The reusable end-to-end stack, in this process: a WooCommerce order travels as a signed webhook
// through the inbox, the engine and a push until the Shopify simulator shows the lower quantity, and
// the movement is posted to the ERP. stop() then leaves no port, database or queue key behind.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { databaseExists } from '../../src/db/scratch-database.js';
import { type Stack, startStack } from '../../src/demo/stack.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createLogCapture, waitFor } from '../helpers/fixtures.js';
import { allInSync, countQueueKeys, portOf, portsStillListening, readSku, shopifyAvailable, wooStock } from '../helpers/stack.js';
import { TEST_DATABASE_SERVER } from '../helpers/template-database.js';

let stack: Stack;
const logs = createLogCapture();

beforeAll(async () => {
  stack = await startStack({
    ephemeral: true,
    databaseTemplate: process.env.STOCKBRIDGE_TEST_TEMPLATE,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', PUSH_COALESCE_MS: '50' },
    catalog: { skus: 40, seed: 7 },
    overrides: { log: logs.log, metrics: createMetrics({ defaultMetrics: false }) },
    settleTimeoutMs: 120_000,
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('startStack in process', () => {
  test('returns with every store location of every SKU showing its target', async () => {
    const slots = await stack.db.prisma.syncState.groupBy({ by: ['status'], _count: true });
    expect(slots).toEqual([{ status: 'in_sync', _count: 40 * 3 }]);
    // The seeded drift was healed: each store shows what the engine targets.
    for (const sku of stack.catalog.skus.slice(0, 10)) {
      const reading = await readSku(stack.api, sku);
      expect(allInSync(reading, 3)).toBe(true);
      const woo = reading.channels.find((channel) => channel.kind === 'woocommerce');
      expect(wooStock(stack.simulators, sku)).toBe(woo?.target);
    }
  });

  test('a WooCommerce order lowers the Shopify store: webhook, inbox, engine, push, and the ERP gets the movement', async () => {
    const sku = stack.catalog.skus.find((candidate) => wooStock(stack.simulators, candidate) >= 5) as string;
    const shopifyBefore = shopifyAvailable(stack.simulators, sku);
    const orderId = stack.simulators.woocommerce.control.placeOrder({ lines: [{ sku, quantity: 3 }], status: 'processing' });

    await waitFor(async () => shopifyAvailable(stack.simulators, sku) === shopifyBefore - 3, {
      timeoutMs: 20_000,
      what: `Shopify showing ${shopifyBefore - 3} of ${sku}`,
    });
    const posted = await waitFor(
      async () => stack.simulators.erp.control.state().movements.find((movement) => movement.sku === sku && movement.quantity === -3),
      { timeoutMs: 20_000, what: 'the sale posted to the ERP' },
    );
    expect(posted.reference).toContain(`order:${orderId}:`);
    const events = await stack.api.get<{ events: { topic: string; status: string }[] }>(
      `/api/v1/events?connectionId=${stack.connections.woocommerce}`,
    );
    expect(events.events.some((event) => event.topic.startsWith('order.') && event.status === 'processed')).toBe(true);
    expect(logs.text()).not.toContain(stack.simulators.credentials.woocommerce.consumerSecret);
  });

  test('stop() closes the API and the simulators and removes its database and queue keys', async () => {
    const ports = [stack.apiUrl, stack.simulators.erp.url, stack.simulators.shopify.url, stack.simulators.woocommerce.url].map(portOf);
    const name = new URL(stack.config.database.url).pathname.slice(1);
    const redis = new Redis(stack.config.redis.url);
    try {
      expect(portsStillListening(ports)).toEqual(ports);
      expect(await databaseExists(TEST_DATABASE_SERVER, name)).toBe(true);
      expect(await countQueueKeys(redis, stack.config.queuePrefix)).toBeGreaterThan(0);

      await stack.stop();
      expect(portsStillListening(ports)).toEqual([]);
      expect(await databaseExists(TEST_DATABASE_SERVER, name)).toBe(false);
      expect(await countQueueKeys(redis, stack.config.queuePrefix)).toBe(0);
    } finally {
      redis.disconnect();
    }
    // A second stop() is harmless (afterAll calls it again).
    await expect(stack.stop()).resolves.toBeUndefined();
  });
});
