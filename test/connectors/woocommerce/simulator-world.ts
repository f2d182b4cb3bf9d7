// The contract suite's backend #2: the WooCommerce simulator over plain http (so the connector signs
// with OAuth 1.0a, as it would for an http:// store), plus a tiny receiver that answers its pings.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWooCommerceSimulator } from '../../../src/simulators/woocommerce/woocommerce-simulator.js';
import { CONSUMER_KEY, CONSUMER_SECRET, connectorFor, type WooWorld, type WorldFactory, type WorldOptions } from './world.js';

async function startReceiver() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/woocommerce/conn-contract`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const simulatorWorld: WorldFactory = {
  name: 'simulator',
  async create(options: WorldOptions = {}): Promise<WooWorld> {
    const receiver = await startReceiver();
    const sim = await startWooCommerceSimulator({ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET, deliveryTimeoutMs: 2_000 });
    const { control } = sim;
    return {
      name: 'simulator',
      connector: connectorFor({
        siteUrl: 'https://shop.example.com',
        baseUrl: sim.url,
        ...(options.consumerSecret ? { consumerSecret: options.consumerSecret } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      }),
      callbackUrl: receiver.url,
      seed: async (products) => control.seed(products),
      stockOf: async (id) => control.item({ id }).stockQuantity,
      failNext: async ({ retryAfterSeconds, wooCode, ...spec }) =>
        void control.addFault({
          ...spec,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
          ...(wooCode ? { wooCode } : {}),
        }),
      slowNext: async (spec) => void control.addFault(spec),
      disableWebhook: async (id) => control.setWebhookStatus(Number(id), 'disabled'),
      placeOrder: async ({ sku, quantity }) => control.placeOrder({ lines: [{ sku, quantity }], status: 'processing' }),
      calls: async () => control.calls().map(({ method, endpoint, query }) => ({ method, endpoint, query })),
      async close() {
        await control.idle();
        await sim.close();
        await receiver.close();
      },
    };
  },
};
