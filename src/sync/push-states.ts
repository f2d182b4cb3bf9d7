// Database side of a push: read pending sync states and listings, write back what each call showed.
// Writes are guarded so a push never clobbers a newer target: a row is `in_sync` only while its
// target still equals the quantity the channel accepted; otherwise it stays `pending` for the next job.
import type { Prisma } from '../db/client.js';

/** The client or a transaction: state writes of one batch commit together with their audit rows. */
export type Db = Prisma.TransactionClient;

import type { ListingRef, PendingState, SettledState } from './push-plan.js';

export type StateKey = { sku: string; externalLocationId: string };

export async function loadPendingStates(prisma: Db, connectionId: string, limit: number): Promise<PendingState[]> {
  const rows = await prisma.syncState.findMany({
    where: { connectionId, status: 'pending' },
    orderBy: [{ pendingSince: { sort: 'asc', nulls: 'first' } }, { sku: 'asc' }],
    take: limit,
    select: { sku: true, externalLocationId: true, target: true, lastSeen: true, pendingCorrelationId: true },
  });
  return rows;
}

export async function loadListings(prisma: Db, connectionId: string, skus: string[]): Promise<ListingRef[]> {
  if (skus.length === 0) return [];
  return prisma.listing.findMany({
    where: { connectionId, sku: { in: skus } },
    select: {
      sku: true,
      externalProductId: true,
      externalVariantId: true,
      externalInventoryItemId: true,
      state: true,
      manageStock: true,
    },
  });
}

const SETTLED_STATUS: Record<SettledState['outcome'], { status: 'in_sync' | 'error' | 'unmapped' | 'deleted'; lastError: string | null }> =
  {
    already_at_target: { status: 'in_sync', lastError: null },
    no_target: { status: 'error', lastError: 'NO_TARGET: no target has been computed for this SKU' },
    unmapped: { status: 'unmapped', lastError: 'UNMAPPED: no active listing with this SKU on the channel' },
    untracked: { status: 'unmapped', lastError: 'UNTRACKED: the channel does not manage stock for this item' },
    deleted: { status: 'deleted', lastError: 'DELETED: the item was deleted on the channel' },
  };

/** Settles rows decided without a call; `in_sync` only while the channel still shows the target. */
export async function settleStates(prisma: Db, connectionId: string, settled: SettledState[], now: Date): Promise<void> {
  const groups = Map.groupBy(settled, (row) => row.outcome);
  for (const [outcome, rows] of groups) {
    const { status, lastError } = SETTLED_STATUS[outcome];
    const inSync = status === 'in_sync';
    await prisma.$executeRaw`
      UPDATE sync_states s SET
        status = ${status}::"SyncStatus",
        last_error = ${lastError},
        out_of_sync_since = CASE WHEN ${inSync} THEN NULL ELSE COALESCE(s.out_of_sync_since, ${now}) END,
        pending_correlation_id = CASE WHEN ${inSync} THEN NULL ELSE s.pending_correlation_id END,
        pending_since = CASE WHEN ${inSync} THEN NULL ELSE s.pending_since END,
        updated_at = ${now}
      FROM unnest(${rows.map((row) => row.sku)}::text[], ${rows.map((row) => row.externalLocationId)}::text[]) AS k(sku, location)
      WHERE s.connection_id = ${connectionId}::uuid AND s.sku = k.sku AND s.external_location_id = k.location
        AND s.status = 'pending'
        AND (NOT ${inSync} OR s.target IS NOT DISTINCT FROM s.last_seen)`;
  }
}

export type WrittenLevel = StateKey & { quantity: number };

/** The channel accepted these quantities. Returns the keys that are now in sync. */
export async function recordWritten(prisma: Db, connectionId: string, written: WrittenLevel[], now: Date): Promise<StateKey[]> {
  if (written.length === 0) return [];
  const rows = await prisma.$queryRaw<{ sku: string; location: string; status: string }[]>`
    UPDATE sync_states s SET
      last_pushed = w.quantity, last_pushed_at = ${now}, last_seen = w.quantity, last_seen_at = ${now},
      status = CASE WHEN s.target = w.quantity THEN 'in_sync'::"SyncStatus" ELSE 'pending'::"SyncStatus" END,
      out_of_sync_since = CASE WHEN s.target = w.quantity THEN NULL ELSE s.out_of_sync_since END,
      pending_correlation_id = CASE WHEN s.target = w.quantity THEN NULL ELSE s.pending_correlation_id END,
      pending_since = CASE WHEN s.target = w.quantity THEN NULL ELSE s.pending_since END,
      attempts = 0, last_error = NULL, updated_at = ${now}
    FROM unnest(${written.map((w) => w.sku)}::text[], ${written.map((w) => w.externalLocationId)}::text[],
                ${written.map((w) => w.quantity)}::int[]) AS w(sku, location, quantity)
    WHERE s.connection_id = ${connectionId}::uuid AND s.sku = w.sku AND s.external_location_id = w.location
    RETURNING s.sku, s.external_location_id AS location, s.status::text AS status`;
  return rows.filter((row) => row.status === 'in_sync').map((row) => ({ sku: row.sku, externalLocationId: row.location }));
}

/** What a re-read showed: the new compare-and-set base. */
export async function recordSeen(prisma: Db, connectionId: string, seen: WrittenLevel[], now: Date): Promise<void> {
  if (seen.length === 0) return;
  await prisma.$executeRaw`
    UPDATE sync_states s SET last_seen = w.quantity, last_seen_at = ${now}, updated_at = ${now}
    FROM unnest(${seen.map((w) => w.sku)}::text[], ${seen.map((w) => w.externalLocationId)}::text[],
                ${seen.map((w) => w.quantity)}::int[]) AS w(sku, location, quantity)
    WHERE s.connection_id = ${connectionId}::uuid AND s.sku = w.sku AND s.external_location_id = w.location`;
}

export type FailedLevel = StateKey & { status: 'pending' | 'error' | 'deleted'; lastError: string };

/** Failed items: `pending` to try again in this job's retry, `error` for good, `deleted` when gone. */
export async function recordFailures(prisma: Db, connectionId: string, failures: FailedLevel[], now: Date): Promise<void> {
  if (failures.length === 0) return;
  await prisma.$executeRaw`
    UPDATE sync_states s SET
      status = f.status::"SyncStatus", last_error = f.last_error, attempts = s.attempts + 1,
      out_of_sync_since = COALESCE(s.out_of_sync_since, ${now}), updated_at = ${now}
    FROM unnest(${failures.map((f) => f.sku)}::text[], ${failures.map((f) => f.externalLocationId)}::text[],
                ${failures.map((f) => f.status)}::text[], ${failures.map((f) => f.lastError.slice(0, 1_000))}::text[])
         AS f(sku, location, status, last_error)
    WHERE s.connection_id = ${connectionId}::uuid AND s.sku = f.sku AND s.external_location_id = f.location`;
}

/** The channel no longer has these items: stop pushing them until a catalog import finds them again. */
export async function markListingsDeleted(prisma: Db, connectionId: string, variantIds: string[]): Promise<void> {
  if (variantIds.length === 0) return;
  await prisma.listing.updateMany({ where: { connectionId, externalVariantId: { in: variantIds } }, data: { state: 'deleted' } });
}

export async function countPending(prisma: Db, connectionId: string): Promise<number> {
  return prisma.syncState.count({ where: { connectionId, status: 'pending' } });
}

/** Current targets of some rows (after a re-read, the push recomputes from these). */
export async function loadStates(prisma: Db, connectionId: string, keys: StateKey[]): Promise<PendingState[]> {
  if (keys.length === 0) return [];
  const rows = await prisma.syncState.findMany({
    where: { connectionId, status: 'pending', sku: { in: [...new Set(keys.map((key) => key.sku))] } },
    select: { sku: true, externalLocationId: true, target: true, lastSeen: true, pendingCorrelationId: true },
  });
  const wanted = new Set(keys.map((key) => `${key.sku}@${key.externalLocationId}`));
  return rows.filter((row) => wanted.has(`${row.sku}@${row.externalLocationId}`));
}
