// Pure: one (SKU, channel location) compared → a discrepancy, or nothing. Amounts are exact
// decimals (decimal.js): 3 units at 19.99 are 59.97, never 59.970000000000006.
import { Decimal } from 'decimal.js';

export type DiscrepancyClass = 'channel_high' | 'channel_low' | 'missing_listing' | 'unmapped';

export type SlotComparison = {
  sku: string;
  externalLocationId: string;
  /** The target computed from the ERP's stock, movements and the channel's policy; null when the ERP does not know the SKU. */
  target: number | null;
  /** ERP quantity over the location's warehouses (quantity basis applied, before movements). */
  erpQuantity: number | null;
  /** The channel's level at this location: absent when it reported none; `available` null when untracked. */
  level: { available: number | null } | null;
  /** The channel lists the SKU (catalog import or another location's level), so a missing level is a gap. */
  listedOnChannel: boolean;
  /** ERP unit cost as decimal text. */
  unitCost: string | null;
};

export type Discrepancy = {
  sku: string;
  externalLocationId: string;
  classification: DiscrepancyClass;
  erpQuantity: number | null;
  expected: number | null;
  actual: number | null;
  delta: number;
  unitCost: string | null;
  /** delta × unit cost, decimal text with 4 places; null without a unit cost. */
  value: string | null;
};

export type ComparisonOutcome =
  | { outcome: 'match' }
  | { outcome: 'untracked' }
  | { outcome: 'not_applicable' }
  | { outcome: 'discrepancy'; discrepancy: Discrepancy };

/** Positive: the channel offers more than it should (oversell risk); negative: less (lost sales). */
export function valueOfDelta(delta: number, unitCost: string | null): string | null {
  if (unitCost === null) return null;
  return new Decimal(unitCost).times(delta).toFixed(4);
}

export function compareSlot(slot: SlotComparison): ComparisonOutcome {
  const base = { sku: slot.sku, externalLocationId: slot.externalLocationId, erpQuantity: slot.erpQuantity, unitCost: slot.unitCost };
  if (slot.level && slot.level.available === null) return { outcome: 'untracked' };
  const actual = slot.level?.available ?? null;
  if (slot.target === null) {
    // On the channel but unknown to the ERP: every unit it shows can be sold without stock behind it.
    if (actual === null) return { outcome: 'not_applicable' };
    return discrepancy({ ...base, classification: 'unmapped', expected: null, actual, delta: actual });
  }
  if (actual === null) {
    if (!slot.listedOnChannel) return { outcome: 'not_applicable' };
    return discrepancy({ ...base, classification: 'missing_listing', expected: slot.target, actual: null, delta: -slot.target });
  }
  const delta = actual - slot.target;
  if (delta === 0) return { outcome: 'match' };
  return discrepancy({ ...base, classification: delta > 0 ? 'channel_high' : 'channel_low', expected: slot.target, actual, delta });
}

function discrepancy(row: Omit<Discrepancy, 'value'>): ComparisonOutcome {
  return { outcome: 'discrepancy', discrepancy: { ...row, value: valueOfDelta(row.delta, row.unitCost) } };
}
