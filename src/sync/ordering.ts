// Pure: stale and out-of-order detection. Webhooks arrive in no fixed order and are retried for
// hours (Shopify: 8 times over 4 h; a poll may re-read a resource much later), so each event is
// compared with the newest state already applied, by the platform's own timestamps, never by
// arrival order. An older event is ignored with an audit note; an equal timestamp (platforms stamp
// to the second) is applied, because every apply is idempotent and may not go backwards.

/** True when `eventAt` is strictly older than the newest time already applied. */
export function isStaleByTime(eventAt: Date, newestAppliedAt: Date | null | undefined): boolean {
  return newestAppliedAt !== null && newestAppliedAt !== undefined && eventAt.getTime() < newestAppliedAt.getTime();
}

export type StoreReportOrder = { outcome: 'fresh' } | { outcome: 'stale'; newestAppliedAt: Date };

/**
 * A store's level report against sync_states.lastEventAt (the report time of the newest level
 * report applied for that SKU, channel and location).
 */
export function orderStoreReport(reportedAt: Date, lastEventAt: Date | null): StoreReportOrder {
  return lastEventAt && isStaleByTime(reportedAt, lastEventAt) ? { outcome: 'stale', newestAppliedAt: lastEventAt } : { outcome: 'fresh' };
}

export type ErpRowOrder = { outcome: 'newer' } | { outcome: 'same' } | { outcome: 'stale'; newestAppliedAt: Date };

/**
 * An ERP stock row against the snapshot's sourceUpdatedAt. The ERP contract promises updatedAt
 * never goes backwards for a row, so an older row is a late delivery (a retried webhook, a poll
 * page read before a newer webhook arrived) and must not overwrite newer numbers.
 */
export function orderErpRow(updatedAt: Date, snapshotUpdatedAt: Date | null): ErpRowOrder {
  if (!snapshotUpdatedAt) return { outcome: 'newer' };
  const difference = updatedAt.getTime() - snapshotUpdatedAt.getTime();
  if (difference > 0) return { outcome: 'newer' };
  if (difference === 0) return { outcome: 'same' };
  return { outcome: 'stale', newestAppliedAt: snapshotUpdatedAt };
}

/** The later of two optional instants. */
export function latest(a: Date | null | undefined, b: Date | null | undefined): Date | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
