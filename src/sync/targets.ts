// Pure: available-to-sell and channel targets.
//
//   ERP quantity (warehouse)  = onHand − reserved (if subtractReserved) + incoming (if includeIncoming)
//   available-to-sell (loc)   = Σ over the location's warehouses of ERP quantity + unreflected movements
//   bundle available-to-sell  = min over components of floor(component ATS / quantity per bundle)
//   channel target            = min(1e9, cap, max(0, floor(ATS × allocation% / 100) − buffer))
//
// Unreflected movements are signed (a sale is negative), so "ERP available − movements not yet
// reflected" is a sum. A movement with no warehouse (its store location was mapped to nothing)
// counts against every location: unattributed sales must lower every channel, not none.

export type QuantityBasis = { subtractReserved: boolean; includeIncoming: boolean };

export type ErpRow = { warehouse: string; onHand: number; reserved: number; incoming: number };

/** One SKU's stock: ERP quantity (basis applied) and unreflected movements, per warehouse. */
export type SkuStock = {
  erp: ReadonlyMap<string, number>;
  /** Key "" holds movements attributed to no warehouse. */
  unreflected: ReadonlyMap<string, number>;
};

/** A location's warehouses; "all" (an empty mapping) means every warehouse of the ERP. */
export type WarehouseSelection = readonly string[] | 'all';

export type TargetPolicy = { bufferQuantity: number; capQuantity: number | null; allocationPercent: number | null };

export type StockSubject = { kind: 'single'; stock: SkuStock } | { kind: 'bundle'; components: { quantity: number; stock: SkuStock }[] };

export function erpQuantity(row: ErpRow, basis: QuantityBasis): number {
  return row.onHand - (basis.subtractReserved ? row.reserved : 0) + (basis.includeIncoming ? row.incoming : 0);
}

export function skuStock(
  rows: (ErpRow & { basis: QuantityBasis })[],
  unreflected: { warehouse: string | null; quantity: number }[],
): SkuStock {
  const erp = new Map<string, number>();
  for (const row of rows) erp.set(row.warehouse, (erp.get(row.warehouse) ?? 0) + erpQuantity(row, row.basis));
  const pending = new Map<string, number>();
  for (const movement of unreflected) {
    const key = movement.warehouse ?? '';
    pending.set(key, (pending.get(key) ?? 0) + movement.quantity);
  }
  return { erp, unreflected: pending };
}

export function warehousesOf(stock: SkuStock, selection: WarehouseSelection): string[] {
  if (selection !== 'all') return [...selection];
  const known = new Set([...stock.erp.keys(), ...stock.unreflected.keys()]);
  known.delete('');
  return [...known].sort();
}

/** Available-to-sell at a location; null when the ERP has reported nothing for this SKU. */
export function availableToSell(stock: SkuStock, selection: WarehouseSelection): number | null {
  if (stock.erp.size === 0) return null;
  let total = stock.unreflected.get('') ?? 0;
  for (const warehouse of warehousesOf(stock, selection))
    total += (stock.erp.get(warehouse) ?? 0) + (stock.unreflected.get(warehouse) ?? 0);
  return total;
}

/** A bundle sells as many as its scarcest component allows; null if any component is unknown. */
export function bundleAvailableToSell(components: { quantity: number; available: number | null }[]): number | null {
  if (components.length === 0) return null;
  let best = Number.POSITIVE_INFINITY;
  for (const component of components) {
    if (component.available === null || !Number.isInteger(component.quantity) || component.quantity < 1) return null;
    best = Math.min(best, Math.floor(component.available / component.quantity));
  }
  return best;
}

export function subjectAvailableToSell(subject: StockSubject, selection: WarehouseSelection): number | null {
  if (subject.kind === 'single') return availableToSell(subject.stock, selection);
  return bundleAvailableToSell(subject.components.map((c) => ({ quantity: c.quantity, available: availableToSell(c.stock, selection) })));
}

/**
 * The most a channel is ever told it has: Shopify refuses more (INVALID_QUANTITY_TOO_HIGH), and
 * sync_states keeps targets as 32-bit integers. ERP rows are bounded (±1e9 each) but a location
 * selling from several warehouses adds them up, so without this ceiling three full warehouses
 * made the SKU unsyncable.
 */
export const MAX_CHANNEL_QUANTITY = 1_000_000_000;

export function channelTarget(available: number, policy: TargetPolicy): number {
  const offered =
    policy.allocationPercent === null ? Math.max(0, available) : Math.floor((Math.max(0, available) * policy.allocationPercent) / 100);
  const buffered = Math.min(MAX_CHANNEL_QUANTITY, Math.max(0, offered - policy.bufferQuantity));
  return policy.capQuantity === null ? buffered : Math.min(policy.capQuantity, buffered);
}

/**
 * Where a sale at a location takes its units from: the mapped warehouse with the most
 * available-to-sell (first mapped on a tie), so posted movements do not drive one warehouse
 * negative while another has stock. Null when the location maps to no known warehouse.
 */
export function chooseWarehouse(stock: SkuStock, selection: WarehouseSelection): string | null {
  let best: { warehouse: string; available: number } | null = null;
  for (const warehouse of warehousesOf(stock, selection)) {
    const available = (stock.erp.get(warehouse) ?? 0) + (stock.unreflected.get(warehouse) ?? 0);
    if (!best || available > best.available) best = { warehouse, available };
  }
  return best?.warehouse ?? null;
}

/** Why a (SKU, channel, location) gets no target. */
export type SlotIssue = { status: 'unmapped' | 'deleted'; code: string; message: string };

/** One sync_states row the SKU should have: a channel location selling it. */
export type ChannelSlot = {
  connectionId: string;
  externalLocationId: string;
  policy: TargetPolicy;
  warehouses: WarehouseSelection;
  issue: SlotIssue | null;
};

export type SlotTarget = {
  connectionId: string;
  externalLocationId: string;
  target: number | null;
  availableToSell: number | null;
  issue: SlotIssue | null;
};

export function computeTargets(subject: StockSubject, slots: ChannelSlot[]): SlotTarget[] {
  return slots.map((slot) => {
    const base = { connectionId: slot.connectionId, externalLocationId: slot.externalLocationId };
    if (slot.issue) return { ...base, target: null, availableToSell: null, issue: slot.issue };
    const available = subjectAvailableToSell(subject, slot.warehouses);
    if (available === null) {
      const issue: SlotIssue =
        subject.kind === 'bundle'
          ? {
              status: 'unmapped',
              code: 'BUNDLE_COMPONENT_UNKNOWN',
              message: 'a component of this bundle has no ERP stock (or the bundle has no components)',
            }
          : { status: 'unmapped', code: 'NOT_IN_ERP', message: 'the ERP has reported no stock for this SKU' };
      return { ...base, target: null, availableToSell: null, issue };
    }
    return { ...base, target: channelTarget(available, slot.policy), availableToSell: available, issue: null };
  });
}
