// Signed webhooks from the simulator, and the store-side actions that trigger them.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as losslessParse } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../src/simulators/shopify/server.js';
import { waitFor } from '../../helpers/fixtures.js';
import { gql, SECRET, SET_QUANTITIES, STORE, TOKEN } from './helpers.js';

type Received = { path: string; headers: IncomingHttpHeaders; body: string };
let sim: ShopifySimulator;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Paths answered 500 this many more times before succeeding. */
const failures = new Map<string, number>();
let count = 0;

beforeAll(async () => {
  sim = await startShopifySimulator({ webhookSecret: SECRET, shops: [], webhookRetryDelayMs: 10 });
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const left = failures.get(path) ?? 0;
      if (left > 0) {
        failures.set(path, left - 1);
        response.statusCode = 500;
      } else {
        received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      }
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function subscribedShop(topics: string[], path: string) {
  count += 1;
  const domain = `hooks-${count}.myshopify.com`;
  sim.control.addShop({ domain, accessToken: TOKEN });
  const seeded = sim.control.seed(domain, STORE);
  for (const topic of topics) {
    const answer = await gql(
      sim,
      domain,
      'mutation($topic: WebhookSubscriptionTopic!, $uri: String!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) { webhookSubscription { id } userErrors { message } } }',
      { topic, uri: `${receiverUrl}${path}` },
    );
    expect(answer.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);
  }
  return { domain, seeded, deliveries: () => received.filter((r) => r.path === path) };
}

const control = (path: string, body: unknown) =>
  fetch(`${sim.url}/_sim${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('webhooks', () => {
  it('an order sends orders/create then inventory_levels/update, signed and with every Shopify header', async () => {
    const { domain, seeded, deliveries } = await subscribedShop(['ORDERS_CREATE', 'INVENTORY_LEVELS_UPDATE'], '/order');
    const placed = await control(`/shops/${domain}/orders`, { lineItems: [{ sku: 'MUG-1', quantity: 2 }], location: 'Warehouse' });
    expect(placed.status).toBe(200);
    await waitFor(async () => deliveries().length === 2, { what: 'two deliveries' });
    const [order, level] = deliveries();
    expect([order?.headers['x-shopify-topic'], level?.headers['x-shopify-topic']]).toEqual(['orders/create', 'inventory_levels/update']);
    for (const delivery of deliveries()) {
      const expected = createHmac('sha256', SECRET).update(delivery.body, 'utf8').digest('base64');
      expect(delivery.headers['x-shopify-hmac-sha256']).toBe(expected);
      expect(delivery.headers).toMatchObject({
        'x-shopify-shop-domain': domain,
        'x-shopify-api-version': '2026-04',
        'content-type': 'application/json',
      });
      for (const name of ['x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at'])
        expect(delivery.headers[name]).toEqual(expect.any(String));
    }
    expect(order?.headers['x-shopify-event-id']).not.toBe(level?.headers['x-shopify-event-id']);
    // Ids are bare numbers above 2^53, as Shopify sends them: plain JSON.parse would corrupt them.
    const itemId = seeded.variants
      .find((v) => v.sku === 'MUG-1')
      ?.inventoryItemId.split('/')
      .pop() as string;
    expect(level?.body).toContain(`"inventory_item_id":${itemId}`);
    expect(String(JSON.parse(level?.body ?? '{}').inventory_item_id)).not.toBe(itemId);
    expect(String((losslessParse(level?.body ?? '{}') as { inventory_item_id: unknown }).inventory_item_id)).toBe(itemId);
    expect(JSON.parse(level?.body ?? '{}').available).toBe(3);
    expect(JSON.parse(order?.body ?? '{}').line_items[0]).toMatchObject({ sku: 'MUG-1', quantity: 2 });
    expect(sim.control.levels(domain, 'MUG-1').find((l) => l.location === 'Warehouse')).toMatchObject({
      available: 3,
      committed: 2,
      onHand: 5,
    });
  });

  it('a cancellation sends orders/cancelled and puts the stock back', async () => {
    const { domain, deliveries } = await subscribedShop(['ORDERS_CANCELLED', 'INVENTORY_LEVELS_UPDATE'], '/cancel');
    const order = sim.control.placeOrder(domain, { lineItems: [{ sku: 'TEE-S', quantity: 1 }] });
    await waitFor(async () => deliveries().length === 1, { what: 'the decrement' });
    sim.control.cancelOrder(domain, order.id);
    await waitFor(async () => deliveries().length === 3, { what: 'cancel deliveries' });
    expect(deliveries().map((d) => d.headers['x-shopify-topic'])).toEqual([
      'inventory_levels/update',
      'orders/cancelled',
      'inventory_levels/update',
    ]);
    expect(JSON.parse(deliveries()[1]?.body ?? '{}').cancelled_at).toEqual(expect.any(String));
    expect(sim.control.levels(domain, 'TEE-S')[0]?.available).toBe(3);
  });

  it('a manual admin edit and our own inventorySetQuantities both send inventory_levels/update', async () => {
    const { domain, seeded, deliveries } = await subscribedShop(['INVENTORY_LEVELS_UPDATE'], '/levels');
    const edit = await control(`/shops/${domain}/levels`, { sku: 'MUG-1', location: 'Shop floor', available: 11 });
    expect(edit.status).toBe(200);
    const mug = seeded.variants.find((v) => v.sku === 'MUG-1')?.inventoryItemId;
    const warehouse = seeded.locations.find((l) => l.name === 'Warehouse')?.id;
    await gql(sim, domain, SET_QUANTITIES, {
      input: {
        name: 'available',
        reason: 'correction',
        quantities: [{ inventoryItemId: mug, locationId: warehouse, quantity: 8, changeFromQuantity: 5 }],
      },
    });
    await waitFor(async () => deliveries().length === 2, { what: 'two level updates' });
    expect(deliveries().map((d) => JSON.parse(d.body).available)).toEqual([11, 8]);
  });

  it('a failing endpoint gets the same delivery again until it answers 2xx', async () => {
    failures.set('/flaky', 2);
    const { domain, deliveries } = await subscribedShop(['ORDERS_CREATE'], '/flaky');
    sim.control.placeOrder(domain, { lineItems: [{ sku: 'MUG-1', quantity: 1 }] });
    await waitFor(async () => deliveries().length === 1, { what: 'the retried delivery' });
    const log = sim.control.deliveries().filter((d) => d.shop === domain);
    expect(log).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3, responseStatus: 200 })]);
  });

  it('uninstalling sends app/uninstalled, then the token stops working', async () => {
    const { domain, deliveries } = await subscribedShop(['APP_UNINSTALLED'], '/uninstall');
    expect((await control(`/shops/${domain}/uninstall`, {})).status).toBe(200);
    await waitFor(async () => deliveries().length === 1, { what: 'app/uninstalled' });
    expect(JSON.parse(deliveries()[0]?.body ?? '{}').myshopify_domain).toBe(domain);
    expect((await gql(sim, domain, 'query { shop { name } }')).status).toBe(401);
  });

  it.each([
    ['an unknown sku', { lineItems: [{ sku: 'NOPE', quantity: 1 }] }],
    ['a zero quantity', { lineItems: [{ sku: 'MUG-1', quantity: 0 }] }],
    ['no line items', { lineItems: [] }],
  ])('an order with %s is refused with 400 and changes nothing', async (_, body) => {
    const { domain, deliveries } = await subscribedShop(['ORDERS_CREATE'], `/bad-${count}`);
    const response = await control(`/shops/${domain}/orders`, body);
    expect(response.status).toBe(400);
    expect(sim.state.shops.get(domain)?.orders.size).toBe(0);
    expect(sim.control.levels(domain).map((l) => l.available)).toEqual([5, 2, 3]);
    expect(deliveries()).toEqual([]);
  });
});
