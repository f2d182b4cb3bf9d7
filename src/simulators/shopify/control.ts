// The simulator's own controls, for tests, the demo and benchmarks: create and seed shops, play
// customer and merchant (orders, cancellations, manual level edits, SKU changes, uninstall), turn
// the knobs, and read back state, the call log (with costs) and webhook deliveries. The same
// operations are offered as functions (SimulatorControl) and as HTTP routes under /_sim/.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { cancelOrder, changeSku, editLevel, orderPayload, placeOrder, SimInputError, uninstall } from './actions.js';
import type { CallRecord, Knobs } from './graphql-endpoint.js';
import { gid, type Plan, planOf, type SeedCatalog, type SeedResult, type ShopConfig, type SimShop, seedShop } from './state.js';
import type { Delivery, WebhookDispatcher } from './webhooks.js';

export type LevelReport = {
  sku: string;
  inventoryItemId: string;
  locationId: string;
  location: string;
  available: number;
  onHand: number;
  committed: number;
};

export type SimulatorControl = {
  addShop(config: ShopConfig): SimShop;
  seed(shop: string, catalog: SeedCatalog): SeedResult;
  placeOrder(shop: string, input: { lineItems: { sku: string; quantity: number }[]; location?: string }): { id: string; name: string };
  cancelOrder(shop: string, orderId: string, options?: { restock?: boolean }): { id: string };
  setLevel(shop: string, input: { sku?: string; inventoryItemId?: string; location?: string; available: number }): void;
  changeSku(shop: string, input: { sku: string; newSku: string }): void;
  uninstall(shop: string): void;
  levels(shop: string, sku?: string): LevelReport[];
  setKnobs(knobs: Partial<Knobs> & { plan?: Plan; shop?: string }): Knobs;
  calls(shop?: string): CallRecord[];
  clearCalls(): void;
  deliveries(): Delivery[];
  webhooksIdle(): Promise<void>;
};

export type ControlDeps = {
  shops: Map<string, SimShop>;
  knobs: Knobs;
  webhooks: WebhookDispatcher;
  nextId: (type: string) => string;
  callLog: CallRecord[];
  addShop: (config: ShopConfig) => SimShop;
};

export function createControl(deps: ControlDeps): SimulatorControl {
  const shopOf = (domain: string) => {
    const shop = deps.shops.get(domain);
    if (!shop) throw new SimInputError(`unknown shop ${domain}`);
    return shop;
  };
  const context = (domain: string) => ({ shop: shopOf(domain), nextId: deps.nextId, webhooks: deps.webhooks });
  return {
    addShop: deps.addShop,
    seed: (shop, catalog) => seedShop(shopOf(shop), catalog, deps.nextId),
    placeOrder: (shop, input) => {
      const order = placeOrder(context(shop), input);
      return { id: gid('Order', order.id), name: order.name };
    },
    cancelOrder: (shop, orderId, options) => ({ id: gid('Order', cancelOrder(context(shop), orderId, options).id) }),
    setLevel: (shop, input) => {
      editLevel(context(shop), input);
    },
    changeSku: (shop, input) => {
      changeSku(context(shop), input);
    },
    uninstall: (shop) => uninstall(context(shop)),
    levels: (domain, sku) => {
      const shop = shopOf(domain);
      const report: LevelReport[] = [];
      for (const item of shop.items.values()) {
        const itemSku = shop.variants.get(item.variantId)?.sku ?? '';
        if (sku !== undefined && itemSku !== sku) continue;
        for (const [locationId, level] of item.levels) {
          report.push({
            sku: itemSku,
            inventoryItemId: gid('InventoryItem', item.id),
            locationId: gid('Location', locationId),
            location: shop.locations.get(locationId)?.name ?? '',
            available: level.available,
            onHand: level.onHand,
            committed: level.committed,
          });
        }
      }
      return report;
    },
    setKnobs: ({ plan, shop, ...knobs }) => {
      for (const [key, value] of Object.entries(knobs)) {
        if (typeof value === 'number' && value >= 0) deps.knobs[key as keyof Knobs] = value;
      }
      if (plan) {
        for (const target of shop ? [shopOf(shop)] : deps.shops.values()) {
          target.plan = plan;
          target.bucket.available = Math.min(target.bucket.available, planOf(plan).bucketSize);
        }
      }
      return { ...deps.knobs };
    },
    calls: (shop) => deps.callLog.filter((call) => !shop || call.shop === shop),
    clearCalls: () => {
      deps.callLog.length = 0;
    },
    deliveries: () => deps.webhooks.deliveries(),
    webhooksIdle: () => deps.webhooks.idle(),
  };
}

function fail(reply: FastifyReply, error: unknown) {
  if (error instanceof SimInputError) return reply.code(400).send({ error: error.message });
  throw error;
}

type ShopParams = { Params: { shop: string }; Body: Record<string, unknown> };

export function registerControlRoutes(app: FastifyInstance, control: SimulatorControl, deps: ControlDeps) {
  const guarded =
    <T>(run: (request: { params: { shop: string; order?: string }; body: Record<string, unknown>; query: Record<string, string> }) => T) =>
    async (request: { params: unknown; body: unknown; query: unknown }, reply: FastifyReply) => {
      try {
        const body = (request.body ?? {}) as Record<string, unknown>;
        return await run({ params: request.params as { shop: string }, body, query: (request.query ?? {}) as Record<string, string> });
      } catch (error) {
        return fail(reply, error);
      }
    };
  app.get('/_sim/health', async () => ({ ok: true }));
  app.post(
    '/_sim/shops',
    guarded(({ body }) => ({ domain: control.addShop(body as ShopConfig).domain })),
  );
  app.post<ShopParams>(
    '/_sim/shops/:shop/seed',
    guarded(({ params, body }) => control.seed(params.shop, body as SeedCatalog)),
  );
  app.post<ShopParams>(
    '/_sim/shops/:shop/orders',
    guarded(({ params, body }) => control.placeOrder(params.shop, body as Parameters<SimulatorControl['placeOrder']>[1])),
  );
  app.post(
    '/_sim/shops/:shop/orders/:order/cancel',
    guarded(({ params, body }) => control.cancelOrder(params.shop, params.order ?? '', body as { restock?: boolean })),
  );
  app.post<ShopParams>(
    '/_sim/shops/:shop/levels',
    guarded(({ params, body }) => {
      control.setLevel(params.shop, body as Parameters<SimulatorControl['setLevel']>[1]);
      return control.levels(params.shop, body.sku as string | undefined);
    }),
  );
  app.post<ShopParams>(
    '/_sim/shops/:shop/sku',
    guarded(({ params, body }) => {
      control.changeSku(params.shop, body as { sku: string; newSku: string });
      return { ok: true };
    }),
  );
  app.post<ShopParams>(
    '/_sim/shops/:shop/uninstall',
    guarded(({ params }) => {
      control.uninstall(params.shop);
      return { ok: true };
    }),
  );
  app.get(
    '/_sim/shops/:shop/levels',
    guarded(({ params, query }) => control.levels(params.shop, query.sku)),
  );
  app.get(
    '/_sim/shops/:shop/orders',
    guarded(({ params }) => {
      const shop = deps.shops.get(params.shop);
      if (!shop) throw new SimInputError(`unknown shop ${params.shop}`);
      // Ids as strings here: this is our JSON, read by tests and the demo, not a Shopify payload.
      return [...shop.orders.values()].map((order) =>
        JSON.parse(JSON.stringify(orderPayload(shop, order), (_, v) => (typeof v === 'bigint' ? String(v) : v))),
      );
    }),
  );
  app.get('/_sim/knobs', async () => deps.knobs);
  app.patch(
    '/_sim/knobs',
    guarded(({ body }) => control.setKnobs(body as Parameters<SimulatorControl['setKnobs']>[0])),
  );
  app.get<{ Querystring: { shop?: string } }>('/_sim/calls', async (request) => control.calls(request.query.shop));
  app.delete('/_sim/calls', async () => {
    control.clearCalls();
    return { ok: true };
  });
  app.get('/_sim/webhooks', async () => control.deliveries());
  app.get<{ Params: { shop: string; file: string } }>('/_sim/bulk/:shop/:file', async (request, reply) => {
    const token = request.params.file.replace(/\.jsonl$/, '');
    const jsonl = deps.shops.get(request.params.shop)?.bulkFiles.get(token);
    if (jsonl === undefined) return reply.code(404).send({ error: 'no such file' });
    return reply.type('application/jsonl').send(jsonl);
  });
}
