// What tests, the demo and the chaos checker do to the simulated ERP from outside the contract:
// seed items (with unit cost) and stock, receive goods, set stock, read the state, the idempotency
// log and the call log, turn the knobs, point the webhook somewhere. The same operations are served
// under /_sim/ (control-routes.ts) for processes that only speak HTTP.
import { z } from 'zod';
import type { ErpState, SimStockRow } from './erp-state.js';
import type { WebhookSender, WebhookTarget } from './webhook-sender.js';

export const SimKnobs = z.object({
  /** Added before every contract request is handled. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share of contract requests answered 503 (nothing applied). */
  errorRate: z.number().min(0).max(1),
  /** Share answered 429 with Retry-After (nothing applied). */
  throttleRate: z.number().min(0).max(1),
  /** Share handled (a movement IS applied) whose answer is then held back for hangMs: a lost reply. */
  timeoutRate: z.number().min(0).max(1),
  hangMs: z.number().int().min(0).max(600_000),
  retryAfterSeconds: z.number().int().min(0).max(3600),
});
export type SimKnobs = z.infer<typeof SimKnobs>;

const Quantity = z.number().int().min(-1_000_000_000).max(1_000_000_000);
const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/);

export const SeedInput = z.object({
  warehouses: z.array(z.object({ code: z.string().min(1), name: z.string() })).default([]),
  items: z
    .array(
      z.object({
        sku: z.string().min(1),
        name: z.string().nullish(),
        unitCost: Decimal.nullish(),
        stock: z
          .array(z.object({ warehouse: z.string().min(1), onHand: Quantity, reserved: Quantity.optional(), incoming: Quantity.optional() }))
          .default([]),
      }),
    )
    .default([]),
});
export type SeedInput = z.input<typeof SeedInput>;

export const ReceiptInput = z.object({
  sku: z.string().min(1),
  warehouse: z.string().min(1),
  quantity: Quantity.refine((value) => value > 0),
});
export const SetStockInput = z.object({
  sku: z.string().min(1),
  warehouse: z.string().min(1),
  onHand: Quantity.optional(),
  reserved: Quantity.optional(),
  incoming: Quantity.optional(),
});

export type CallRecord = { at: string; method: string; path: string; status: number; idempotencyKey: string | null; held: boolean };

export type SimControlError = { error: { code: 'unknown_item' | 'unknown_warehouse'; message: string } };

export function createSimControl(deps: { state: ErpState; sender: WebhookSender; knobs: SimKnobs; calls: CallRecord[] }) {
  const { state, sender, knobs, calls } = deps;

  function known(sku: string, warehouse: string): SimControlError | null {
    if (!state.hasItem(sku)) return { error: { code: 'unknown_item', message: `no item ${sku}` } };
    if (!state.hasWarehouse(warehouse)) return { error: { code: 'unknown_warehouse', message: `no warehouse ${warehouse}` } };
    return null;
  }

  return {
    /** Seeding sets up the books before anyone listens: it sends no webhooks. */
    seed(input: SeedInput): { items: number } {
      const parsed = SeedInput.parse(input);
      for (const warehouse of parsed.warehouses) state.upsertWarehouse(warehouse);
      for (const item of parsed.items) {
        state.upsertItem({ sku: item.sku, name: item.name ?? null, unitCost: item.unitCost ?? null });
        for (const level of item.stock) {
          if (!state.hasWarehouse(level.warehouse)) state.upsertWarehouse({ code: level.warehouse, name: level.warehouse });
          state.setLevel(item.sku, level.warehouse, { onHand: level.onHand, reserved: level.reserved ?? 0, incoming: level.incoming ?? 0 });
        }
      }
      return { items: parsed.items.length };
    },

    /** An ERP goods receipt ("stock arrived"): changes stock and sends the webhook. */
    receive(input: z.input<typeof ReceiptInput>): SimStockRow | SimControlError {
      const parsed = ReceiptInput.parse(input);
      const problem = known(parsed.sku, parsed.warehouse);
      if (problem) return problem;
      const row = state.receive(parsed.sku, parsed.warehouse, parsed.quantity);
      sender.send([row]);
      return row;
    },

    /** Someone edits stock in the ERP directly: changes stock and sends the webhook. */
    setStock(input: z.input<typeof SetStockInput>): SimStockRow | SimControlError {
      const { sku, warehouse, ...values } = SetStockInput.parse(input);
      const problem = known(sku, warehouse);
      if (problem) return problem;
      const row = state.setLevel(sku, warehouse, values);
      sender.send([row]);
      return row;
    },

    state: () => state.snapshot(),
    idempotencyLog: () => state.idempotencyLog(),
    knobs: (): SimKnobs => ({ ...knobs }),
    setKnobs(next: Partial<SimKnobs>): SimKnobs {
      Object.assign(knobs, SimKnobs.partial().parse(next));
      return { ...knobs };
    },
    calls: (): CallRecord[] => calls.map((call) => ({ ...call })),
    configureWebhook: (target: WebhookTarget | null) => sender.configure(target),
    webhookDeliveries: () => sender.deliveries(),
    drainWebhooks: () => sender.drain(),
    /** Empties the books, the call log and the finished-webhook log; knobs and webhook target stay. */
    reset() {
      state.reset();
      calls.length = 0;
      sender.clearLog();
    },
  };
}

export type SimControl = ReturnType<typeof createSimControl>;
