// `npm run demo` as a newcomer runs it: a real child process (npm, the shell, node), on its own
// port, database and queue prefix, with a small catalog. A sale on the Shopify store must show up as
// a lower WooCommerce quantity through GET /api/v1/skus/:sku, and Ctrl-C must stop everything.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { databaseExists, databaseUrlWithName, dropDatabase } from '../../src/db/scratch-database.js';
import { createApiClient } from '../../src/demo/api-client.js';
import { buildDemoCatalog } from '../../src/demo/catalog.js';
import { freePort } from '../../src/demo/local-services.js';
import { SHOP_DOMAIN } from '../../src/demo/simulators.js';
import { dropQueueKeys } from '../../src/demo/stack-resources.js';
import { waitFor } from '../helpers/fixtures.js';
import {
  allInSync,
  type DemoProcess,
  portOf,
  portsStillListening,
  processGroupMembers,
  readSku,
  startDemoProcess,
} from '../helpers/stack.js';
import { TEST_DATABASE_SERVER } from '../helpers/template-database.js';

const SKUS = 60;
const SEED = 42;
const databaseName = `sbdemo_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const queuePrefix = `test-demo-${randomUUID()}`;
let demo: DemoProcess | undefined;

afterAll(async () => {
  demo?.kill();
  await dropDatabase(TEST_DATABASE_SERVER, databaseName);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await dropQueueKeys(redis, queuePrefix).finally(() => redis.disconnect());
});

test('npm run demo: a Shopify sale lowers WooCommerce, visible through the API; Ctrl-C stops everything', {
  timeout: 300_000,
}, async () => {
  const port = await freePort();
  demo = startDemoProcess({
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: databaseUrlWithName(TEST_DATABASE_SERVER, databaseName),
    QUEUE_PREFIX: queuePrefix,
    DEMO_SKUS: String(SKUS),
    DEMO_SEED: String(SEED),
    DEMO_RATE: '3',
  });
  await demo.waitForOutput(/stockbridge demo is running/, 180_000);
  const printed = demo.output();
  const token = /API token \(admin\)\s+(\S+)/.exec(printed)?.[1] ?? '';
  const simulatorUrls = [...printed.matchAll(/(ERP|Shopify|WooCommerce) simulator\s+(http:\/\/\S+)/g)].map((match) => match[2] as string);
  const [, shopifyUrl = '', wooUrl = ''] = simulatorUrls;
  expect(token).toMatch(/^sbt_/);
  expect(simulatorUrls).toHaveLength(3);
  expect(printed).toMatch(/Sign in as\s+admin@demo\.example\s+password: \S{10,}/);
  expect(printed).toContain(`http://127.0.0.1:${port}/ui/`);
  const api = createApiClient({ baseUrl: `http://127.0.0.1:${port}`, token });

  // A SKU the order stream leaves alone, with stock at the Berlin shop.
  const catalog = buildDemoCatalog({ skus: SKUS, seed: SEED });
  const hot = new Set(catalog.hotSkus);
  const quiet = catalog.products
    .flatMap((product) => product.variants)
    .find((variant) => {
      const berlin = variant.stock['WH-BER'];
      return !hot.has(variant.sku) && berlin.onHand - berlin.reserved >= 5;
    });
  if (!quiet) throw new Error('the demo catalog has no quiet SKU with stock in Berlin');
  const settled = await waitFor(
    async () => {
      const reading = await readSku(api, quiet.sku).catch(() => null);
      return reading && allInSync(reading, 3) ? reading : null;
    },
    { timeoutMs: 120_000, intervalMs: 250, what: `${quiet.sku} in sync on every store location` },
  );
  const wooBefore = settled.channels.find((channel) => channel.kind === 'woocommerce')?.target ?? Number.NaN;

  const order = await fetch(`${shopifyUrl}/_sim/shops/${SHOP_DOMAIN}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lineItems: [{ sku: quiet.sku, quantity: 2 }], location: 'Berlin store' }),
  });
  expect(order.status).toBe(200);

  const after = await waitFor(
    async () => {
      const reading = await readSku(api, quiet.sku);
      const woo = reading.channels.find((channel) => channel.kind === 'woocommerce');
      return woo?.target === wooBefore - 2 && woo.lastPushed === wooBefore - 2 ? reading : null;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: 'WooCommerce lowered by the Shopify sale' },
  );
  expect(after.timeline.some((entry) => entry.type === 'movement' && entry.summary.startsWith('sale -2'))).toBe(true);
  const wooState = (await (await fetch(`${wooUrl}/_sim/state`)).json()) as { items: { sku: string; stockQuantity: number | null }[] };
  expect(wooState.items.find((item) => item.sku === quiet.sku)?.stockQuantity).toBe(wooBefore - 2);

  const ports = [port, ...simulatorUrls.map(portOf)];
  expect(portsStillListening(ports)).toEqual(ports);
  expect(processGroupMembers(demo.child.pid as number).length).toBeGreaterThan(1);
  demo.interrupt();
  const exit = await Promise.race([demo.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
  // npm itself may report the keypress (killed by SIGINT) or the demo's clean exit (0), depending
  // on which of the two reaches it first; either way the demo must finish its own shutdown.
  expect([JSON.stringify({ code: 0, signal: null }), JSON.stringify({ code: null, signal: 'SIGINT' })]).toContain(JSON.stringify(exit));
  const group = demo.child.pid as number;
  await waitFor(async () => processGroupMembers(group).length === 0 || null, {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: 'every process of the demo gone',
  });
  expect(demo.output()).toContain('stopped: simulators, API, workers');
  expect(demo.output()).not.toContain('exiting without waiting');
  expect(portsStillListening(ports)).toEqual([]);
  // The demo keeps its database between runs (the next run clears it); this test drops it after.
  expect(await databaseExists(TEST_DATABASE_SERVER, databaseName)).toBe(true);
});
