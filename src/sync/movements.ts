// Pure: platform order facts → ledger movement drafts with idempotency keys, never moving stock twice.
//
// Two guards work together. Each order line (per SKU) has a record of what it currently holds
// (order_lines: placed, held quantity, hold count, applied refund lines), read and written in the
// same transaction as the movements, under the SKU's lock. Decisions are made against that record,
// so a duplicate, a replay or a poll of an already-seen order finds nothing left to do. And every
// draft carries a key built from the source event — `<platform>:<store>:order:<id>:line:<line>`
// plus what happened (`placed`, `cancelled`, `refund:<refundId>:line:<refundLineId>`, WooCommerce
// `hold:<n>` / `release:<n>` / `restock:<total>`) — inserted with ON CONFLICT DO NOTHING, so even a
// record that somehow lagged could not apply a movement twice.
//
// WooCommerce sends the whole order on every change, status included, and core reduces stock when
// an order enters processing / on-hold / completed and restores it on cancelled / pending only if it
// was reduced (wc-stock-functions.php). We mirror that with the record's `placed` flag and number
// each hold: processing→cancelled→processing yields hold:1, release:1, hold:2 — one reservation
// per transition pair, however often each delivery repeats. Out-of-order deliveries are caught by
// the order's date_modified_gmt against the record's lastEventAt (ordering.ts).
import { isStaleByTime } from './ordering.js';

export type MovementKind = 'sale' | 'release' | 'adjustment';

export type MovementDraft = {
  idempotencyKey: string;
  kind: MovementKind;
  /** Signed units of the SKU: negative takes stock away. Never 0. */
  quantity: number;
  occurredAt: Date;
  /** Human reference shown in the ERP and the ledger, e.g. "order:1001:line:7". */
  sourceRef: string;
};

export type LineRecord = {
  orderedQuantity: number;
  heldQuantity: number;
  placed: boolean;
  cancelled: boolean;
  holdCount: number;
  revision: number;
  restockedQuantity: number;
  appliedRefs: string[];
  lastEventAt: Date | null;
};

export const EMPTY_LINE: LineRecord = Object.freeze({
  orderedQuantity: 0,
  heldQuantity: 0,
  placed: false,
  cancelled: false,
  holdCount: 0,
  revision: 0,
  restockedQuantity: 0,
  appliedRefs: [],
  lastEventAt: null,
}) as LineRecord;

/** Which line (and, for a bundle line, which component) a decision is about. */
export type LineSubject = { keyPrefix: string; sourceRef: string; unitsPerItem: number };

export type LineOutcome = 'applied' | 'unchanged' | 'stale' | 'order_not_seen';
export type LineDecision = { record: LineRecord; drafts: MovementDraft[]; outcome: LineOutcome };

export type ShopifyLineChange =
  | { type: 'place'; quantity: number; at: Date }
  | { type: 'cancel'; quantity: number; placedAt: Date; at: Date }
  | { type: 'refund'; refundId: string; refundLineId: string; quantity: number; restock: boolean; lineQuantity: number | null; at: Date };

export type WooLineChange = { effect: 'hold' | 'release' | 'keep'; quantity: number; restockedQuantity: number; modifiedAt: Date };

export function lineSubject(input: {
  platform: 'shopify' | 'woocommerce';
  store: string;
  orderId: string;
  lineId: string;
  sku: string;
  listingSku: string;
  unitsPerItem: number;
}): LineSubject {
  const component = input.sku === input.listingSku ? '' : `:component:${input.sku}`;
  return {
    keyPrefix: `${input.platform}:${input.store}:order:${input.orderId}:line:${input.lineId}${component}`,
    sourceRef: `order:${input.orderId}:line:${input.lineId}${input.sku === input.listingSku ? '' : ` (bundle ${input.listingSku})`}`,
    unitsPerItem: input.unitsPerItem,
  };
}

export function decideShopifyLine(record: LineRecord, change: ShopifyLineChange, subject: LineSubject): LineDecision {
  switch (change.type) {
    case 'place':
      return place(record, subject, change.quantity, change.at);
    case 'cancel': {
      // A cancellation seen first still carries the lines: place them, then release, so a late
      // orders/create finds the line placed and does nothing.
      const placed = place(record, subject, change.quantity, change.placedAt);
      return then(placed, cancel(placed.record, subject, change.at));
    }
    case 'refund':
      return refund(record, subject, change);
  }
}

function place(record: LineRecord, subject: LineSubject, quantity: number, at: Date): LineDecision {
  if (record.placed) return unchanged(record);
  const units = quantity * subject.unitsPerItem;
  const drafts = units > 0 ? [draft(subject, 'placed', 'sale', -units, at)] : [];
  return {
    record: { ...record, placed: true, orderedQuantity: units, heldQuantity: units, revision: record.revision + 1 },
    drafts,
    outcome: 'applied',
  };
}

function cancel(record: LineRecord, subject: LineSubject, at: Date): LineDecision {
  if (record.cancelled) return unchanged(record);
  const drafts = record.heldQuantity > 0 ? [draft(subject, 'cancelled', 'release', record.heldQuantity, at)] : [];
  return { record: { ...record, cancelled: true, heldQuantity: 0, revision: record.revision + 1 }, drafts, outcome: 'applied' };
}

function refund(record: LineRecord, subject: LineSubject, change: Extract<ShopifyLineChange, { type: 'refund' }>): LineDecision {
  const ref = `${change.refundId}:${change.refundLineId}`;
  // Only a refund that restocks gives units back (restock_type cancel | return | legacy_restock).
  if (!change.restock || record.appliedRefs.includes(ref)) return unchanged(record);
  let before: LineDecision = unchanged(record);
  if (!record.placed) {
    // Refund delivered before its order: place from the refund's own copy of the line, or wait.
    if (change.lineQuantity === null) return { record, drafts: [], outcome: 'order_not_seen' };
    before = place(record, subject, change.lineQuantity, change.at);
  }
  const current = before.record;
  const units = Math.min(change.quantity * subject.unitsPerItem, current.heldQuantity);
  const drafts = units > 0 ? [draft(subject, `refund:${change.refundId}:line:${change.refundLineId}`, 'release', units, change.at)] : [];
  const next = {
    ...current,
    heldQuantity: current.heldQuantity - units,
    appliedRefs: [...current.appliedRefs, ref],
    revision: current.revision + 1,
  };
  return then(before, { record: next, drafts, outcome: 'applied' });
}

export function decideWooLine(record: LineRecord, change: WooLineChange, subject: LineSubject): LineDecision {
  if (isStaleByTime(change.modifiedAt, record.lastEventAt)) return { record, drafts: [], outcome: 'stale' };
  const seen = { ...record, lastEventAt: change.modifiedAt };
  // Restocked refund units first: a cancelled order that was partly restocked releases the rest.
  const restocked = wooRestock(seen, change, subject);
  const moved =
    change.effect === 'hold'
      ? wooHold(restocked.record, change, subject)
      : change.effect === 'release'
        ? wooRelease(restocked.record, change, subject)
        : unchanged(restocked.record);
  const result = then(restocked, moved);
  const touched =
    result.drafts.length > 0 || result.record.placed !== record.placed || result.record.restockedQuantity !== record.restockedQuantity;
  return { ...result, outcome: touched ? 'applied' : 'unchanged' };
}

function wooRestock(record: LineRecord, change: WooLineChange, subject: LineSubject): LineDecision {
  const total = change.restockedQuantity * subject.unitsPerItem;
  if (total <= record.restockedQuantity) return unchanged(record);
  const units = record.placed ? Math.min(total - record.restockedQuantity, record.heldQuantity) : 0;
  const drafts = units > 0 ? [draft(subject, `restock:${total}`, 'release', units, change.modifiedAt)] : [];
  return {
    record: { ...record, restockedQuantity: total, heldQuantity: record.heldQuantity - units, revision: record.revision + 1 },
    drafts,
    outcome: 'applied',
  };
}

function wooHold(record: LineRecord, change: WooLineChange, subject: LineSubject): LineDecision {
  const ordered = change.quantity * subject.unitsPerItem;
  if (!record.placed) {
    const holdCount = record.holdCount + 1;
    const units = Math.max(0, ordered - record.restockedQuantity);
    const drafts = units > 0 ? [draft(subject, `hold:${holdCount}`, 'sale', -units, change.modifiedAt)] : [];
    const next = { ...record, placed: true, holdCount, orderedQuantity: ordered, heldQuantity: units, revision: record.revision + 1 };
    return { record: next, drafts, outcome: 'applied' };
  }
  if (ordered === record.orderedQuantity) return unchanged(record);
  // The line was edited while holding stock (core adjusts the reduction the same way).
  const revision = record.revision + 1;
  const delta = ordered - record.orderedQuantity;
  const units = delta > 0 ? delta : -Math.min(-delta, record.heldQuantity);
  const drafts =
    units !== 0
      ? [draft(subject, `hold:${record.holdCount}:resize:${revision}`, units > 0 ? 'sale' : 'release', -units, change.modifiedAt)]
      : [];
  return {
    record: { ...record, orderedQuantity: ordered, heldQuantity: record.heldQuantity + units, revision },
    drafts,
    outcome: 'applied',
  };
}

function wooRelease(record: LineRecord, change: WooLineChange, subject: LineSubject): LineDecision {
  if (!record.placed) return unchanged(record);
  const drafts =
    record.heldQuantity > 0 ? [draft(subject, `release:${record.holdCount}`, 'release', record.heldQuantity, change.modifiedAt)] : [];
  return { record: { ...record, placed: false, heldQuantity: 0, revision: record.revision + 1 }, drafts, outcome: 'applied' };
}

/** A manual store edit turned into stock (store-adjusts): one key per store report. */
export function adjustmentDraft(input: {
  platform: 'shopify' | 'woocommerce';
  store: string;
  itemId: string;
  externalLocationId: string;
  reportedAt: Date;
  reported: number;
  delta: number;
}): MovementDraft {
  const where = `${input.itemId}@${input.externalLocationId}`;
  return {
    idempotencyKey: `${input.platform}:${input.store}:level:${where}:${input.reportedAt.toISOString()}:${input.reported}`,
    kind: 'adjustment',
    quantity: input.delta,
    occurredAt: input.reportedAt,
    sourceRef: `manual edit of ${where} to ${input.reported}`,
  };
}

function draft(subject: LineSubject, what: string, kind: MovementKind, quantity: number, occurredAt: Date): MovementDraft {
  return { idempotencyKey: `${subject.keyPrefix}:${what}`, kind, quantity, occurredAt, sourceRef: `${subject.sourceRef} ${what}` };
}

function unchanged(record: LineRecord): LineDecision {
  return { record, drafts: [], outcome: 'unchanged' };
}

function then(first: LineDecision, second: LineDecision): LineDecision {
  const outcome = second.outcome === 'unchanged' ? first.outcome : second.outcome;
  return { record: second.record, drafts: [...first.drafts, ...second.drafts], outcome };
}
