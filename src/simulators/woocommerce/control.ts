// The simulator's control surface, in process (`control`) and over HTTP under /_sim/ (no auth, no
// knobs): seed a catalog, place orders and move them through statuses, edit stock as a shop
// manager would in the admin, read state, turn knobs, queue one-off faults, read the call log.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { KeyPermissions } from './auth.js';
import type { SimContext } from './sim-context.js';
import { ORDER_STATUSES, type SeedProduct, type SimItem, type SimWebhook } from './store.js';

export type Knobs = {
  latencyMs: number;
  /** Share of API calls answered 500 internal_server_error. */
  errorRate: number;
  /** Share answered 429 with Retry-After (hosts and WAFs rate-limit; WooCommerce core does not). */
  rate429: number;
  /** Share answered 503 with Retry-After (maintenance, overloaded PHP workers). */
  rate503: number;
  retryAfterSeconds: number;
  permissions: KeyPermissions;
};

/** A one-off failure for the next matching call(s). `endpoint` is the path after /wp-json/wc/v3/. */
export type Fault = {
  method?: string;
  endpoint: string | RegExp;
  /** Answer this status before doing anything (with Retry-After when retryAfterSeconds is set). */
  status?: number;
  retryAfterSeconds?: number;
  wooCode?: string;
  /** Hold the answer this long: `apply: true` does the work first (an unknown outcome for a client that gives up). */
  delayMs?: number;
  apply?: boolean;
  times?: number;
};

/** `status` is 0 while the call is still being answered. */
export type CallRecord = { method: string; endpoint: string; query: Record<string, string>; status: number; at: string };

export type OrderLineInput = { sku?: string; id?: number; quantity: number };

export function createControl(ctx: SimContext, state: { knobs: Knobs; faults: (Fault & { remaining: number })[]; calls: CallRecord[] }) {
  const { store } = ctx;
  const itemFor = (line: { sku?: string | undefined; id?: number | undefined }): SimItem => {
    const item = line.id !== undefined ? store.items.get(line.id) : line.sku !== undefined ? store.findBySku(line.sku) : undefined;
    if (!item) throw new Error(`no product or variation for ${JSON.stringify(line)}`);
    return item;
  };
  const orderFor = (id: number) => {
    const order = store.orders.get(id);
    if (!order) throw new Error(`no order ${id}`);
    return order;
  };
  const checkStatus = (status: string) => {
    if (!ORDER_STATUSES.includes(status)) throw new Error(`unknown order status ${status}`);
    return status;
  };

  return {
    seed: (products: SeedProduct[]) => store.seed(products),
    placeOrder: (input: { lines: OrderLineInput[]; status?: string }) =>
      store.placeOrder(
        input.lines.map((line) => ({ item: itemFor(line), quantity: line.quantity })),
        checkStatus(input.status ?? 'processing'),
      ).id,
    setOrderStatus: (id: number, status: string) => store.setOrderStatus(orderFor(id), checkStatus(status)),
    refundOrder: (id: number, refund: { restock: boolean; reason?: string; items?: { lineItemId: number; quantity: number }[] }) =>
      store.refundOrder(orderFor(id), refund),
    /** A stock edit in the WordPress admin. */
    setStock: (line: { sku?: string; id?: number; quantity: number }) => store.editStock(itemFor(line), line.quantity),
    setWebhookStatus: (id: number, status: SimWebhook['status']) => {
      const webhook = store.webhooks.get(id);
      if (!webhook) throw new Error(`no webhook ${id}`);
      webhook.status = status;
    },
    item: (line: { sku?: string; id?: number }) => itemFor(line),
    webhooks: () => [...store.webhooks.values()],
    orders: () => [...store.orders.values()],
    deliveries: () => ctx.dispatcher.log,
    /** Everything, for people and tests (webhook secrets left out). */
    state: () => ({
      items: [...store.items.values()],
      orders: [...store.orders.values()],
      webhooks: [...store.webhooks.values()].map(({ secret: _secret, ...webhook }) => webhook),
      deliveries: ctx.dispatcher.log,
      knobs: state.knobs,
    }),
    /** Resolves once no webhook delivery is queued or in flight. */
    idle: () => ctx.dispatcher.idle(),
    setKnobs: (knobs: Partial<Knobs>) => Object.assign(state.knobs, knobs),
    addFault: (fault: Fault) => state.faults.push({ ...fault, remaining: fault.times ?? 1 }),
    calls: () => state.calls,
    clearCalls: () => {
      state.calls.length = 0;
    },
  };
}

export type SimulatorControl = ReturnType<typeof createControl>;

const Line = z.object({ sku: z.string().optional(), id: z.number().int().optional(), quantity: z.number().int() });
const SeedVariation = z.object({
  id: z.number().int().positive().optional(),
  sku: z.string().optional(),
  name: z.string().optional(),
  manageStock: z.union([z.boolean(), z.literal('parent')]).optional(),
  stockQuantity: z.number().int().nullable().optional(),
  modifiedAt: z.string().optional(),
});
const ControlBodies = {
  seed: z.object({
    products: z.array(
      SeedVariation.omit({ manageStock: true }).extend({
        name: z.string(),
        type: z.enum(['simple', 'variable', 'grouped', 'external']).optional(),
        manageStock: z.boolean().optional(),
        variations: z.array(SeedVariation).optional(),
      }),
    ),
  }),
  order: z.object({ lines: z.array(Line).min(1), status: z.string().optional() }),
  status: z.object({ status: z.string() }),
  refund: z.object({
    restock: z.boolean(),
    reason: z.string().optional(),
    items: z.array(z.object({ lineItemId: z.number().int(), quantity: z.number().int().positive() })).optional(),
  }),
  webhookStatus: z.object({ status: z.enum(['active', 'paused', 'disabled']) }),
  knobs: z.object({
    latencyMs: z.number().min(0).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    rate429: z.number().min(0).max(1).optional(),
    rate503: z.number().min(0).max(1).optional(),
    retryAfterSeconds: z.number().min(0).optional(),
    permissions: z.enum(['read', 'write', 'read_write']).optional(),
  }),
  fault: z.object({
    method: z.string().optional(),
    endpoint: z.string().optional(),
    endpointPattern: z.string().optional(),
    status: z.number().int().min(400).max(599).optional(),
    retryAfterSeconds: z.number().min(0).optional(),
    wooCode: z.string().optional(),
    delayMs: z.number().int().min(0).optional(),
    apply: z.boolean().optional(),
    times: z.number().int().positive().optional(),
  }),
};

/** Drops keys whose value is undefined (the control functions take exact optional fields). */
const defined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;

export function registerControlRoutes(app: FastifyInstance, control: SimulatorControl) {
  const run = <T extends z.ZodType>(schema: T, raw: unknown, work: (input: z.output<T>) => unknown) => {
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success) throw Object.assign(new Error(z.prettifyError(parsed.error)), { statusCode: 400 });
    try {
      return { ok: true, result: work(parsed.data) ?? null };
    } catch (error) {
      throw Object.assign(new Error(error instanceof Error ? error.message : String(error)), { statusCode: 400 });
    }
  };
  const id = (params: unknown) => Number((params as { id: string }).id);

  app.post('/_sim/seed', async (request) =>
    run(ControlBodies.seed, request.body, ({ products }) => control.seed(products.map(defined) as SeedProduct[])),
  );
  app.post('/_sim/orders', async (request) =>
    run(ControlBodies.order, request.body, (input) => ({
      id: control.placeOrder({ lines: input.lines.map(defined), ...defined({ status: input.status }) }),
    })),
  );
  app.post('/_sim/orders/:id/status', async (request) =>
    run(ControlBodies.status, request.body, ({ status }) => control.setOrderStatus(id(request.params), status)),
  );
  app.post('/_sim/orders/:id/refund', async (request) =>
    run(ControlBodies.refund, request.body, (refund) => control.refundOrder(id(request.params), defined(refund))),
  );
  app.post('/_sim/stock', async (request) => run(Line, request.body, (line) => control.setStock(defined(line))));
  app.post('/_sim/webhooks/:id/status', async (request) =>
    run(ControlBodies.webhookStatus, request.body, ({ status }) => control.setWebhookStatus(id(request.params), status)),
  );
  app.post('/_sim/knobs', async (request) => run(ControlBodies.knobs, request.body, (knobs) => control.setKnobs(defined(knobs))));
  app.post('/_sim/faults', async (request) =>
    run(ControlBodies.fault, request.body, ({ endpoint, endpointPattern, ...fault }) => {
      if (!endpoint && !endpointPattern) throw new Error('a fault needs endpoint or endpointPattern');
      control.addFault({ ...defined(fault), endpoint: endpointPattern ? new RegExp(endpointPattern) : (endpoint ?? '') });
    }),
  );
  app.get('/_sim/calls', async () => control.calls());
  app.delete('/_sim/calls', async () => {
    control.clearCalls();
    return { ok: true };
  });
  app.get('/_sim/state', async () => control.state());
}
