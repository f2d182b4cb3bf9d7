// Phase 3 (heal: true): make each channel show its targets wherever this run found it off. Healing
// goes through the sync engine, never around it, exactly as a resync does: record what the channel
// showed (the compare-and-set base), let the engine recompute each SKU's targets under its lock,
// mark the rows pending and ask for each channel's push job, which batches the writes, honours the
// store's rate budget and audits each one. Rows already showing their target cost no write.
// Discrepancies are walked in SKU order across channels, so a SKU is recomputed once per run.
import type pg from 'pg';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../observability/logger.js';
import type { RecomputeSku } from '../sync/resync.js';
import { type EnqueueChannelPush, markConnectionPending } from '../sync/schedule-push.js';

export type HealDeps = {
  prisma: PrismaClient;
  pool: pg.Pool;
  recomputeSku: RecomputeSku;
  enqueuePush: EnqueueChannelPush;
  log: Logger;
  clock?: () => Date;
  /** SKUs recomputed at once (each takes its own SKU lock). */
  concurrency?: number;
  pageSize?: number;
};

export type HealChannel = { connectionId: string; paused: boolean; readAt: Date };

export type HealJob = {
  runId: string;
  channels: HealChannel[];
  requestedBy: string;
  correlationId: string;
  /** Called after each page with the pushes requested so far per channel. */
  onProgress: (requested: Map<string, number>) => Promise<void>;
  /** Throws when the run should stop (lease lost). */
  check: () => void;
};

type HealRow = {
  id: string;
  sku: string;
  connectionId: string;
  location: string;
  actual: number | null;
  expected: number | null;
  classification: string;
};

const NOT_HEALABLE = {
  missing_listing: 'NOT_HEALABLE: the channel has no item for this SKU at this location (import the catalog or create the listing)',
  unmapped: 'NOT_HEALABLE: the ERP does not know this SKU, so it has no target',
  paused: 'NOT_HEALED: the channel is paused; resume it and resync',
};

export async function healRun(deps: HealDeps, job: HealJob): Promise<Map<string, number>> {
  const active = job.channels.filter((channel) => !channel.paused);
  await markNotHealable(deps.pool, job);
  const requested = new Map(job.channels.map((channel) => [channel.connectionId, 0]));
  let after: HealRow | null = null;
  for (;;) {
    job.check();
    const rows = await nextRows(deps.pool, job.runId, active, after, deps.pageSize ?? 1_000);
    if (rows.length === 0) break;
    await healPage(deps, job, rows);
    for (const row of rows) requested.set(row.connectionId, (requested.get(row.connectionId) ?? 0) + 1);
    await job.onProgress(requested);
    after = rows.at(-1) ?? null;
  }
  deps.log.info({ requested: Object.fromEntries(requested) }, 'heal requested pushes');
  return requested;
}

/**
 * The fast path covers rows the engine already agrees on (its target is the one this run expected,
 * and it has not touched the row since the channel was read): they only need what the channel
 * showed as the compare-and-set base and `pending`. Every other row (no sync state yet, a target
 * the engine computes differently, a change since the read) is recomputed by the engine under the
 * SKU lock first, then marked pending. Either way the channel's push job does the writing.
 */
async function healPage(deps: HealDeps, job: HealJob, rows: HealRow[]): Promise<void> {
  const clock = deps.clock ?? (() => new Date());
  const leftovers: HealRow[] = [];
  const byChannel = Map.groupBy(rows, (row) => row.connectionId);
  for (const [connectionId, channelRows] of byChannel) {
    const readAt = job.channels.find((channel) => channel.connectionId === connectionId)?.readAt ?? clock();
    const marked = await markAgreedPending(deps.pool, {
      connectionId,
      rows: channelRows,
      readAt,
      now: clock(),
      correlationId: job.correlationId,
    });
    const unmarked = channelRows.filter((row) => !marked.has(`${row.sku}\u0000${row.location}`));
    if (unmarked.length > 0) await recordSeenAtRead(deps.pool, connectionId, unmarked, readAt);
    leftovers.push(...unmarked);
  }
  const skus = [...new Set(leftovers.map((row) => row.sku))];
  await forEachLimited(skus, deps.concurrency ?? 8, (sku) => deps.recomputeSku({ sku, correlationId: job.correlationId }));
  for (const [connectionId, channelRows] of Map.groupBy(leftovers, (row) => row.connectionId)) {
    const channelSkus = [...new Set(channelRows.map((row) => row.sku))];
    await markConnectionPending(
      deps.prisma,
      { connectionId, skus: channelSkus, fromStatuses: ['pending', 'in_sync', 'error', 'unmapped'] },
      job.correlationId,
      clock(),
    );
  }
  // Pushing starts while later pages are still being prepared; the push job coalesces the requests.
  for (const connectionId of byChannel.keys()) await deps.enqueuePush(connectionId, job.correlationId);
  await markHealed(deps, job, rows);
}

/** Marks pending the rows whose target the engine agrees on; returns their "sku\0location" keys. */
async function markAgreedPending(
  pool: pg.Pool,
  input: { connectionId: string; rows: HealRow[]; readAt: Date; now: Date; correlationId: string },
): Promise<Set<string>> {
  const result = await pool.query<{ sku: string; location: string }>(
    `update sync_states s set last_seen = r.actual, last_seen_at = ($6::timestamptz at time zone 'UTC'), status = 'pending',
            pending_since = coalesce(s.pending_since, ($7::timestamptz at time zone 'UTC')),
            pending_correlation_id = coalesce(s.pending_correlation_id, $8),
            out_of_sync_since = coalesce(s.out_of_sync_since, ($6::timestamptz at time zone 'UTC')),
            updated_at = ($7::timestamptz at time zone 'UTC')
       from unnest($2::text[], $3::text[], $4::int[], $5::int[]) as r(sku, location, expected, actual)
      where s.connection_id = $1::uuid and s.sku = r.sku and s.external_location_id = r.location
        and s.target = r.expected and s.status in ('in_sync', 'pending', 'error')
        and s.updated_at <= ($6::timestamptz at time zone 'UTC')
      returning s.sku, s.external_location_id as location`,
    [
      input.connectionId,
      input.rows.map((row) => row.sku),
      input.rows.map((row) => row.location),
      input.rows.map((row) => row.expected),
      input.rows.map((row) => row.actual),
      input.readAt.toISOString(),
      input.now.toISOString(),
      input.correlationId,
    ],
  );
  return new Set(result.rows.map((row) => `${row.sku}\u0000${row.location}`));
}

async function markNotHealable(pool: pg.Pool, job: HealJob): Promise<void> {
  await pool.query(
    `update discrepancies set heal_error = case classification when 'missing_listing' then $2 else $3 end
      where run_id = $1::uuid and classification in ('missing_listing', 'unmapped') and not healed`,
    [job.runId, NOT_HEALABLE.missing_listing, NOT_HEALABLE.unmapped],
  );
  const paused = job.channels.filter((channel) => channel.paused).map((channel) => channel.connectionId);
  if (paused.length === 0) return;
  await pool.query(
    `update discrepancies set heal_error = $3
      where run_id = $1::uuid and connection_id = any($2::uuid[]) and classification in ('channel_high', 'channel_low') and not healed`,
    [job.runId, paused, NOT_HEALABLE.paused],
  );
}

async function nextRows(pool: pg.Pool, runId: string, channels: HealChannel[], after: HealRow | null, limit: number): Promise<HealRow[]> {
  if (channels.length === 0) return [];
  const result = await pool.query<HealRow>(
    `select id::text as id, sku, connection_id as "connectionId", external_location_id as location, actual, expected,
            classification::text as classification
       from discrepancies
      where run_id = $1::uuid and connection_id = any($2::uuid[]) and classification in ('channel_high', 'channel_low') and not healed
        and (sku, connection_id, external_location_id) > ($3, $4::uuid, $5)
      order by sku, connection_id, external_location_id
      limit $6`,
    [
      runId,
      channels.map((channel) => channel.connectionId),
      after?.sku ?? '',
      after?.connectionId ?? '00000000-0000-0000-0000-000000000000',
      after?.location ?? '',
      limit,
    ],
  );
  return result.rows;
}

/**
 * What the channel showed when this run read it becomes the push's compare-and-set base, unless
 * the engine has learnt something newer since (a webhook after our read).
 */
async function recordSeenAtRead(pool: pg.Pool, connectionId: string, rows: HealRow[], readAt: Date): Promise<void> {
  await pool.query(
    `update sync_states s set last_seen = r.actual, last_seen_at = ($5::timestamptz at time zone 'UTC'),
            out_of_sync_since = coalesce(s.out_of_sync_since, ($5::timestamptz at time zone 'UTC'))
       from unnest($2::text[], $3::text[], $4::int[]) as r(sku, location, actual)
      where s.connection_id = $1::uuid and s.sku = r.sku and s.external_location_id = r.location
        and (s.last_seen_at is null or s.last_seen_at < ($5::timestamptz at time zone 'UTC'))`,
    [connectionId, rows.map((row) => row.sku), rows.map((row) => row.location), rows.map((row) => row.actual), readAt.toISOString()],
  );
}

/** Flags the rows healed and writes one audit row each, in one statement (a retried page adds none twice). */
async function markHealed(deps: HealDeps, job: HealJob, rows: HealRow[]): Promise<void> {
  const clock = deps.clock ?? (() => new Date());
  await deps.pool.query(
    `with healed as (
       update discrepancies set healed = true, heal_error = null where id = any($1::bigint[]) and not healed
       returning id, sku, connection_id, external_location_id, actual, expected, classification)
     insert into audit_entries (at, actor, action, entity_type, entity_id, sku, connection_id, before, after, note, correlation_id)
     select ($5::timestamptz at time zone 'UTC'), $2, 'reconciliation.heal_requested', 'discrepancy', id::text, sku, connection_id,
            jsonb_build_object('shown', actual), jsonb_build_object('target', expected),
            'run ' || $3 || ': ' || classification || ' at ' || external_location_id, $4
       from healed`,
    [rows.map((row) => row.id), job.requestedBy, job.runId, job.correlationId, clock().toISOString()],
  );
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}
