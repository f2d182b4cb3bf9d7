// The simulated ERP's books: items, warehouses, stock per (sku, warehouse), applied movements and the
// idempotency log. Everything runs synchronously inside one event-loop turn, so a movement and its
// idempotency entry are recorded atomically, as a real ERP's transaction would.
import { createHash } from 'node:crypto';

export type SimWarehouse = { code: string; name: string };
export type SimItem = { sku: string; name: string | null; unitCost: string | null };
export type SimStockRow = {
  sku: string;
  warehouse: string;
  onHand: number;
  reserved: number;
  incoming: number;
  available: number;
  unitCost: string | null;
  name: string | null;
  updatedAt: string;
};
export type SimMovementBody = { sku: string; warehouse: string; quantity: number; kind: string; reference: string; occurredAt: string };
export type SimMovementResult = { id: string; resultingOnHand: number };
export type SimMovementRecord = SimMovementBody & { id: string; idempotencyKey: string; resultingOnHand: number; appliedAt: string };
export type IdempotencyEntry = {
  key: string;
  bodyHash: string;
  movementId: string;
  reference: string;
  result: SimMovementResult;
  /** How many times this key applied stock: 1 by construction; the chaos checker asserts it. */
  applied: number;
  replays: number;
  conflicts: number;
};
export type ApplyOutcome =
  | { outcome: 'applied' | 'replayed'; result: SimMovementResult }
  | { outcome: 'conflict' | 'unknown_item' | 'unknown_warehouse' };

type Level = { onHand: number; reserved: number; incoming: number; updatedAtMs: number };
export type StockCursor = { updatedAtMs: number; sku: string; warehouse: string };

/** Equal JSON values give equal text: object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function createErpState(options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const warehouses = new Map<string, SimWarehouse>();
  const items = new Map<string, SimItem>();
  const levels = new Map<string, Level>();
  const movements: SimMovementRecord[] = [];
  const idempotency = new Map<string, IdempotencyEntry>();
  let lastStampMs = 0;

  // A write is stamped later than every row already stored, so a paging client's cursor can never
  // be ahead of a row written after it read (the contract's ordering rule).
  const stamp = () => {
    lastStampMs = Math.max(now(), lastStampMs + 1);
    return lastStampMs;
  };
  const keyOf = (sku: string, warehouse: string) => `${sku}\u0000${warehouse}`;

  function row(sku: string, warehouse: string, level: Level): SimStockRow {
    const item = items.get(sku);
    return {
      sku,
      warehouse,
      onHand: level.onHand,
      reserved: level.reserved,
      incoming: level.incoming,
      available: level.onHand - level.reserved,
      unitCost: item?.unitCost ?? null,
      name: item?.name ?? null,
      updatedAt: new Date(level.updatedAtMs).toISOString(),
    };
  }

  function allRows(): (SimStockRow & { updatedAtMs: number })[] {
    return [...levels.entries()]
      .map(([key, level]) => {
        const [sku = '', warehouse = ''] = key.split('\u0000');
        return { ...row(sku, warehouse, level), updatedAtMs: level.updatedAtMs };
      })
      .sort((a, b) => a.updatedAtMs - b.updatedAtMs || compare(a.sku, b.sku) || compare(a.warehouse, b.warehouse));
  }

  function change(sku: string, warehouse: string, update: (level: Level) => void): SimStockRow {
    const level = levels.get(keyOf(sku, warehouse)) ?? { onHand: 0, reserved: 0, incoming: 0, updatedAtMs: 0 };
    update(level);
    level.updatedAtMs = stamp();
    levels.set(keyOf(sku, warehouse), level);
    return row(sku, warehouse, level);
  }

  return {
    upsertWarehouse(warehouse: SimWarehouse) {
      warehouses.set(warehouse.code, warehouse);
    },
    upsertItem(item: SimItem) {
      items.set(item.sku, item);
    },
    hasItem: (sku: string) => items.has(sku),
    hasWarehouse: (code: string) => warehouses.has(code),
    warehouses: () => [...warehouses.values()],
    items: () => [...items.values()],

    /** Sets any of the quantities; the rest keep their value. */
    setLevel(sku: string, warehouse: string, values: Partial<Pick<Level, 'onHand' | 'reserved' | 'incoming'>>): SimStockRow {
      return change(sku, warehouse, (level) => Object.assign(level, values));
    },

    /** An ERP goods receipt: stock arrives, and what was on order shrinks by as much. */
    receive(sku: string, warehouse: string, quantity: number): SimStockRow {
      return change(sku, warehouse, (level) => {
        level.onHand += quantity;
        level.incoming = Math.max(0, level.incoming - quantity);
      });
    },

    listRows(filter: { updatedSinceMs?: number; after?: StockCursor; limit: number }) {
      const rows = allRows().filter((candidate) => {
        if (filter.updatedSinceMs !== undefined && candidate.updatedAtMs < filter.updatedSinceMs) return false;
        const after = filter.after;
        if (!after) return true;
        return (
          (candidate.updatedAtMs - after.updatedAtMs ||
            compare(candidate.sku, after.sku) ||
            compare(candidate.warehouse, after.warehouse)) > 0
        );
      });
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      const next: StockCursor | null =
        rows.length > filter.limit && last ? { updatedAtMs: last.updatedAtMs, sku: last.sku, warehouse: last.warehouse } : null;
      return { items: page.map(({ updatedAtMs: _omit, ...rest }) => rest), next };
    },

    rowsForSkus(skus: string[]): SimStockRow[] {
      const wanted = new Set(skus);
      return allRows()
        .filter((candidate) => wanted.has(candidate.sku))
        .map(({ updatedAtMs: _omit, ...rest }) => rest);
    },

    applyMovement(key: string, body: SimMovementBody): ApplyOutcome & { row?: SimStockRow } {
      const bodyHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
      const seen = idempotency.get(key);
      if (seen) {
        if (seen.bodyHash !== bodyHash) {
          seen.conflicts += 1;
          return { outcome: 'conflict' };
        }
        seen.replays += 1;
        return { outcome: 'replayed', result: seen.result };
      }
      if (!items.has(body.sku)) return { outcome: 'unknown_item' };
      if (!warehouses.has(body.warehouse)) return { outcome: 'unknown_warehouse' };
      const updated = change(body.sku, body.warehouse, (level) => {
        level.onHand += body.quantity;
      });
      const id = `mv-${movements.length + 1}`;
      const result = { id, resultingOnHand: updated.onHand };
      movements.push({ ...body, id, idempotencyKey: key, resultingOnHand: updated.onHand, appliedAt: new Date(now()).toISOString() });
      idempotency.set(key, { key, bodyHash, movementId: id, reference: body.reference, result, applied: 1, replays: 0, conflicts: 0 });
      return { outcome: 'applied', result, row: updated };
    },

    movements: () => [...movements],

    /**
     * The log, plus every movement (same reference, sku, warehouse and kind) applied under more than
     * one key: a key can never apply twice here, so a double application can only come from a client
     * that sent one movement under two keys.
     */
    idempotencyLog() {
      const entries = [...idempotency.values()].map((entry) => ({ ...entry }));
      const keysByMovement = new Map<string, { reference: string; sku: string; warehouse: string; kind: string; keys: string[] }>();
      for (const movement of movements) {
        const id = JSON.stringify([movement.reference, movement.sku, movement.warehouse, movement.kind]);
        const group = keysByMovement.get(id) ?? {
          reference: movement.reference,
          sku: movement.sku,
          warehouse: movement.warehouse,
          kind: movement.kind,
          keys: [],
        };
        group.keys.push(movement.idempotencyKey);
        keysByMovement.set(id, group);
      }
      const doubleApplications = [...keysByMovement.values()].filter((group) => group.keys.length > 1);
      return { entries, doubleApplications };
    },

    snapshot() {
      return {
        warehouses: [...warehouses.values()],
        items: [...items.values()],
        stock: allRows().map(({ updatedAtMs: _omit, ...rest }) => rest),
        movements: [...movements],
      };
    },

    reset() {
      warehouses.clear();
      items.clear();
      levels.clear();
      movements.length = 0;
      idempotency.clear();
    },
  };
}

export type ErpState = ReturnType<typeof createErpState>;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
