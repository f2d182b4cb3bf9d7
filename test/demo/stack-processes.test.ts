// The stack with the service as child processes (two API processes behind one address, one worker),
// as chaos runs use it: sales still cross stores after an API process or the worker is SIGKILLed and
// started again, and stop() leaves no process and no port behind.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceProcesses } from '../../src/demo/service-processes.js';
import { SHOP_DOMAIN } from '../../src/demo/simulators.js';
import { type Stack, startStack } from '../../src/demo/stack.js';
import { waitFor } from '../helpers/fixtures.js';
import { isAlive, portOf, portsStillListening, readSku, waitForIdleQueues, wooStock } from '../helpers/stack.js';

let stack: Stack;
let service: ServiceProcesses;

beforeAll(async () => {
  stack = await startStack({
    ephemeral: true,
    databaseTemplate: process.env.STOCKBRIDGE_TEST_TEMPLATE,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', PUSH_COALESCE_MS: '50' },
    catalog: { skus: 20, seed: 3 },
    processes: { api: 2, workers: 1 },
    settleTimeoutMs: 120_000,
  });
  if (stack.service.mode !== 'processes') throw new Error('expected child processes');
  service = stack.service;
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** Sells `quantity` of a SKU with stock at the Berlin shop and waits until WooCommerce shows it. */
async function sellOnShopifyAndWatchWoo(skuIndex: number, quantity: number) {
  const sku = stack.catalog.skus.filter((candidate) => wooStock(stack.simulators, candidate) >= 5)[skuIndex] as string;
  const before = wooStock(stack.simulators, sku);
  const level = stack.simulators.shopify.control.levels(SHOP_DOMAIN, sku).find((entry) => entry.location === 'Berlin store');
  expect(level?.available).toBeGreaterThanOrEqual(quantity);
  stack.simulators.shopify.control.placeOrder(SHOP_DOMAIN, { lineItems: [{ sku, quantity }], location: 'Berlin store' });
  await waitFor(async () => wooStock(stack.simulators, sku) === before - quantity, {
    timeoutMs: 30_000,
    what: `WooCommerce showing ${before - quantity} of ${sku}`,
  });
  return sku;
}

describe('startStack with API and worker processes', () => {
  test('two API processes and a worker run as separate processes, and a Shopify sale lowers WooCommerce', async () => {
    expect(service.api.map((member) => member.running)).toEqual([true, true]);
    expect(service.workers.map((member) => member.running)).toEqual([true]);
    const pids = [...service.api, ...service.workers].map((member) => member.pid);
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(process.pid);
    const sku = await sellOnShopifyAndWatchWoo(0, 2);
    // The worker records the push once the store answered it.
    await waitFor(
      async () => {
        const reading = await readSku(stack.api, sku);
        return reading.channels.find((channel) => channel.kind === 'woocommerce')?.lastPushed === wooStock(stack.simulators, sku);
      },
      { timeoutMs: 10_000, what: 'the push recorded' },
    );
  });

  test('with an API process SIGKILLed the other takes the webhooks; a SIGKILLed worker restarts and catches up', {
    timeout: 180_000,
  }, async () => {
    const [first] = service.api;
    const [worker] = service.workers;
    if (!first || !worker) throw new Error('missing processes');
    first.kill('SIGKILL');
    expect(await first.exited()).toEqual({ code: null, signal: 'SIGKILL' });
    await sellOnShopifyAndWatchWoo(1, 1);

    // Killed between jobs: a job cut off mid-run is the chaos suite's subject (BullMQ hands it to
    // another worker once its lock expires, which takes tens of seconds).
    await waitForIdleQueues(stack.config.redis.url, stack.config.queuePrefix);
    worker.kill('SIGKILL');
    await worker.exited();
    const sku = stack.catalog.skus.filter((candidate) => wooStock(stack.simulators, candidate) >= 5)[2] as string;
    const before = wooStock(stack.simulators, sku);
    stack.simulators.shopify.control.placeOrder(SHOP_DOMAIN, { lineItems: [{ sku, quantity: 1 }], location: 'Berlin store' });
    // No worker: the event waits in the inbox and its queue; a restarted worker picks it up.
    await worker.restart();
    await first.restart();
    expect([first.running, worker.running]).toEqual([true, true]);
    await waitFor(async () => wooStock(stack.simulators, sku) === before - 1, {
      timeoutMs: 30_000,
      what: 'the restarted worker catching up',
    });
  });

  test('stop() ends every child process and frees every port', async () => {
    const members = [...service.api, ...service.workers];
    const pids = members.map((member) => member.pid as number);
    const ports = [
      ...service.api.map((member) => member.port as number),
      portOf(stack.apiUrl),
      ...[stack.simulators.erp.url, stack.simulators.shopify.url, stack.simulators.woocommerce.url].map(portOf),
    ];
    expect(pids.every(isAlive)).toBe(true);
    expect(portsStillListening(ports)).toEqual(ports);

    await stack.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(portsStillListening(ports)).toEqual([]);
    expect(members.map((member) => member.running)).toEqual([false, false, false]);
  });
});
