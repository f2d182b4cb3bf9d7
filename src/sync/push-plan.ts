// Pure: pending sync states + the channel's listings → what to write, in batches the connector
// accepts, and what to settle without any call. Nothing here touches a database or a network.
import type { LevelWrite } from '../connectors/contract.js';

/** A sync state waiting for a push. */
export type PendingState = {
  sku: string;
  externalLocationId: string;
  target: number | null;
  /** What the channel last showed (from our own write or its webhook); null when unknown. */
  lastSeen: number | null;
  pendingCorrelationId: string | null;
};

/** A channel item, as the catalog import stored it. */
export type ListingRef = {
  sku: string;
  externalProductId: string;
  externalVariantId: string;
  externalInventoryItemId: string | null;
  /** active | deleted | duplicate_sku | blank_sku */
  state: string;
  manageStock: boolean;
};

export type PlannedWrite = LevelWrite & { correlationId: string | null };

/** Rows settled without a call, and why. */
export type SettledState = {
  sku: string;
  externalLocationId: string;
  outcome: 'already_at_target' | 'no_target' | 'unmapped' | 'deleted' | 'untracked';
};

export type PushPlan = { batches: PlannedWrite[][]; settled: SettledState[] };

export type PlanInput = {
  states: PendingState[];
  listings: ListingRef[];
  maxBatchSize: number;
  /** Our reference for the writes, shown in the platform's history (e.g. the push job id). */
  reference: string;
};

export function planPushes(input: PlanInput): PushPlan {
  if (!Number.isInteger(input.maxBatchSize) || input.maxBatchSize < 1) throw new RangeError('maxBatchSize must be a positive integer');
  const listingsBySku = groupListings(input.listings);
  const settled: SettledState[] = [];
  // One write per (item, location): a later duplicate of the same state replaces the earlier one,
  // so a batch never carries two conflicting quantities for one level.
  const writes = new Map<string, PlannedWrite>();
  for (const state of [...input.states].sort(byKey)) {
    const decision = decideState(state, listingsBySku.get(state.sku) ?? []);
    if ('outcome' in decision) {
      settled.push({ sku: state.sku, externalLocationId: state.externalLocationId, outcome: decision.outcome });
      continue;
    }
    const write = toWrite(state, decision.listing, input.reference);
    writes.delete(levelKey(write));
    writes.set(levelKey(write), write);
  }
  return { batches: chunk([...writes.values()], input.maxBatchSize), settled: dedupeSettled(settled) };
}

type StateDecision = { outcome: SettledState['outcome'] } | { listing: ListingRef };

function decideState(state: PendingState, listings: ListingRef[]): StateDecision {
  if (state.target === null) return { outcome: 'no_target' };
  const active = listings.filter((listing) => listing.state === 'active');
  if (active.length === 0) {
    const deleted = listings.length > 0 && listings.every((listing) => listing.state === 'deleted');
    return { outcome: deleted ? 'deleted' : 'unmapped' };
  }
  // Two active listings for one SKU is a catalog problem the import reports (duplicate_sku);
  // until then the lowest variant id is used, so repeated plans agree with each other.
  const listing = [...active].sort((a, b) => compare(a.externalVariantId, b.externalVariantId))[0] as ListingRef;
  if (!listing.manageStock) return { outcome: 'untracked' };
  if (state.lastSeen !== null && state.lastSeen === state.target) return { outcome: 'already_at_target' };
  return { listing };
}

function toWrite(state: PendingState, listing: ListingRef, reference: string): PlannedWrite {
  return {
    sku: state.sku,
    externalVariantId: listing.externalVariantId,
    externalProductId: listing.externalProductId,
    ...(listing.externalInventoryItemId ? { externalInventoryItemId: listing.externalInventoryItemId } : {}),
    externalLocationId: state.externalLocationId,
    quantity: Math.max(0, state.target ?? 0),
    // Compare-and-set against what we last saw: if the channel moved since, it answers `stale`
    // and we re-read instead of overwriting a change we have not accounted for.
    expectedCurrent: state.lastSeen,
    reference,
    correlationId: state.pendingCorrelationId,
  };
}

export function levelKey(write: { externalVariantId: string; externalInventoryItemId?: string; externalLocationId: string }): string {
  return `${write.externalInventoryItemId ?? write.externalVariantId}@${write.externalLocationId}`;
}

function groupListings(listings: ListingRef[]): Map<string, ListingRef[]> {
  const bySku = new Map<string, ListingRef[]>();
  for (const listing of listings) {
    if (listing.sku === '') continue;
    const list = bySku.get(listing.sku) ?? [];
    list.push(listing);
    bySku.set(listing.sku, list);
  }
  return bySku;
}

function dedupeSettled(settled: SettledState[]): SettledState[] {
  const byKey = new Map(settled.map((row) => [`${row.sku}@${row.externalLocationId}`, row]));
  return [...byKey.values()];
}

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

function byKey(a: PendingState, b: PendingState): number {
  return compare(a.sku, b.sku) || compare(a.externalLocationId, b.externalLocationId);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
