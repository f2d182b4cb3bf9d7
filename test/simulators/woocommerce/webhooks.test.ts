// The simulator's webhooks behave like WC_Webhook: the unsigned ping inside the create call, signed
// deliveries built from current state, stock rules on order status changes, no retries, and
// "disabled" at the 7th failure in a row.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { WooSimulator } from '../../../src/simulators/woocommerce/woocommerce-simulator.js';
import { type Received, startReceiver, startSimulator, wooClient } from './helpers.js';

const WEBHOOK_SECRET = 'wh_secret_sim';
const catalog = [
  { id: 10, name: 'Café / Shirt', sku: 'SHIRT', stockQuantity: 5 },
  { id: 20, name: 'Hat', variations: [{ id: 21, sku: 'HAT-S', stockQuantity: 3 }] },
];

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

async function setup(options: { status?: () => number; topics?: string[] } = {}) {
  const receiver = await startReceiver(options.status);
  const sim: WooSimulator = await startSimulator({ catalog });
  cleanup.push(receiver.close, sim.close);
  const api = wooClient(sim.url);
  const ids: number[] = [];
  for (const topic of options.topics ?? []) {
    const { data } = await api.post('webhooks', { topic, delivery_url: receiver.url, secret: WEBHOOK_SECRET });
    ids.push(data.id);
  }
  return { receiver, sim, api, ids };
}

const payloadOf = (delivery: Received) => JSON.parse(delivery.body.toString('utf8'));
const signatureOf = (body: Buffer, secret = WEBHOOK_SECRET) => createHmac('sha256', secret).update(body).digest('base64');

describe('WooCommerce simulator webhooks', () => {
  it('creating a webhook pings the URL with an unsigned form body before the create call answers', async () => {
    const { receiver, sim, api } = await setup();
    const { status, data } = await api.post('webhooks', { topic: 'order.created', delivery_url: receiver.url, secret: WEBHOOK_SECRET });
    expect(status).toBe(201);
    expect(data.secret).toBe(WEBHOOK_SECRET);
    expect(receiver.received).toHaveLength(1);
    const [ping] = receiver.received;
    expect(ping?.body.toString()).toBe(`webhook_id=${data.id}`);
    expect(ping?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(ping?.headers ?? {}).filter((name) => name.startsWith('x-wc-'))).toEqual([]);
    expect(sim.control.webhooks()[0]).toMatchObject({ pendingDelivery: false, failureCount: 0 });
  });

  it('only HTTP 200 exactly clears "pending delivery"; a failed ping does not count as a failure', async () => {
    const { receiver, sim, api } = await setup({ status: () => 204 });
    await api.post('webhooks', { topic: 'order.created', delivery_url: receiver.url });
    expect(sim.control.webhooks()[0]).toMatchObject({ status: 'active', pendingDelivery: true, failureCount: 0 });
  });

  it('an order delivers order.created and product.updated, signed over the exact bytes sent', async () => {
    const { receiver, sim, ids } = await setup({ topics: ['order.created', 'product.updated'] });
    const orderId = sim.control.placeOrder({ lines: [{ sku: 'SHIRT', quantity: 2 }], status: 'processing' });
    await sim.control.idle();
    const deliveries = receiver.deliveries();
    expect(deliveries.map((delivery) => delivery.headers['x-wc-webhook-topic']).sort()).toEqual(['order.created', 'product.updated']);
    for (const delivery of deliveries) expect(delivery.headers['x-wc-webhook-signature']).toBe(signatureOf(delivery.body));
    const order = deliveries.find((delivery) => delivery.headers['x-wc-webhook-topic'] === 'order.created');
    expect(order?.headers).toMatchObject({
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-id': String(ids[0]),
      'x-wc-webhook-source': `${sim.url}/`,
      'content-type': 'application/json',
    });
    expect(order?.headers['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(payloadOf(order as Received)).toMatchObject({
      id: orderId,
      status: 'processing',
      line_items: [{ product_id: 10, sku: 'SHIRT', quantity: 2 }],
    });
    const product = deliveries.find((delivery) => delivery.headers['x-wc-webhook-topic'] === 'product.updated') as Received;
    expect(payloadOf(product)).toMatchObject({ id: 10, stock_quantity: 3 });
    // PHP's json_encode escapes "/" and non-ASCII: re-serialising the parsed body changes the bytes.
    expect(product.body.toString()).toContain('Caf\\u00e9 \\/ Shirt');
    expect(signatureOf(Buffer.from(JSON.stringify(payloadOf(product))))).not.toBe(product.headers['x-wc-webhook-signature']);
  });

  it('cancelling gives stock back, a refund restocks only when asked, each with order.updated', async () => {
    const { receiver, sim } = await setup({ topics: ['order.updated'] });
    const first = sim.control.placeOrder({ lines: [{ sku: 'HAT-S', quantity: 2 }], status: 'processing' });
    const second = sim.control.placeOrder({ lines: [{ sku: 'HAT-S', quantity: 1 }], status: 'completed' });
    expect(sim.control.item({ id: 21 }).stockQuantity).toBe(0);
    sim.control.setOrderStatus(first, 'cancelled');
    expect(sim.control.item({ id: 21 }).stockQuantity).toBe(2);
    sim.control.refundOrder(second, { restock: false });
    expect(sim.control.item({ id: 21 }).stockQuantity).toBe(2);
    const third = sim.control.placeOrder({ lines: [{ sku: 'HAT-S', quantity: 2 }], status: 'on-hold' });
    sim.control.refundOrder(third, { restock: true });
    expect(sim.control.item({ id: 21 }).stockQuantity).toBe(2);
    await sim.control.idle();
    const statuses = receiver.deliveries().map((delivery) => [payloadOf(delivery).id, payloadOf(delivery).status]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        [first, 'cancelled'],
        [second, 'refunded'],
        [third, 'refunded'],
      ]),
    );
  });

  it('a stock write through the batch API comes back as product.updated with the new quantity', async () => {
    const { receiver, sim, api } = await setup({ topics: ['product.updated'] });
    await api.post('products/20/variations/batch', { update: [{ id: 21, manage_stock: true, stock_quantity: 8 }] });
    await sim.control.idle();
    const [delivery] = receiver.deliveries();
    expect(payloadOf(delivery as Received)).toMatchObject({ id: 21, type: 'variation', parent_id: 20, stock_quantity: 8 });
  });

  it('changes made together are delivered once, built from the state at send time', async () => {
    const { receiver, sim } = await setup({ topics: ['product.updated'] });
    sim.control.setStock({ sku: 'SHIRT', quantity: 1 });
    sim.control.setStock({ sku: 'SHIRT', quantity: 7 });
    await sim.control.idle();
    expect(receiver.deliveries().map((delivery) => payloadOf(delivery).stock_quantity)).toEqual([7]);
  });

  it('failed deliveries are never retried and the 7th failure in a row disables the webhook', async () => {
    let answer = 200;
    const { receiver, sim, ids } = await setup({ status: () => answer, topics: ['product.updated'] });
    answer = 500;
    for (let edit = 1; edit <= 6; edit += 1) {
      sim.control.setStock({ sku: 'SHIRT', quantity: edit });
      await sim.control.idle();
    }
    expect(sim.control.webhooks()[0]).toMatchObject({ status: 'active', failureCount: 6 });
    sim.control.setStock({ sku: 'SHIRT', quantity: 7 });
    await sim.control.idle();
    expect(sim.control.webhooks()[0]).toMatchObject({ status: 'disabled' });
    sim.control.setStock({ sku: 'SHIRT', quantity: 8 });
    await sim.control.idle();
    expect(receiver.deliveries()).toHaveLength(7);
    expect(sim.control.deliveries().filter((entry) => entry.kind === 'delivery' && entry.webhookId === ids[0])).toHaveLength(7);
  });

  it('a success resets the count; re-enabling through REST keeps it, so the next failure disables again', async () => {
    let answer = 500;
    const { sim, api, ids } = await setup({ status: () => answer, topics: ['product.updated'] });
    const edit = async (quantity: number) => {
      sim.control.setStock({ sku: 'SHIRT', quantity });
      await sim.control.idle();
    };
    await edit(1);
    await edit(2);
    answer = 200;
    await edit(3);
    expect(sim.control.webhooks()[0]?.failureCount).toBe(0);
    answer = 500;
    for (let quantity = 10; quantity < 17; quantity += 1) await edit(quantity);
    expect(sim.control.webhooks()[0]?.status).toBe('disabled');
    const { data } = await api.put(`webhooks/${ids[0]}`, { status: 'active' });
    expect(data.status).toBe('active');
    await edit(20);
    expect(sim.control.webhooks()[0]?.status).toBe('disabled');
  });
});
