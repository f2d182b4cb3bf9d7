// Staging tables for a run: each page read from the ERP or a channel is written here at once and
// forgotten, so memory stays flat however large the catalog. Writes are upserts: a resumed run may
// read a page again, and the ERP contract allows a row to repeat while it pages.
import { Decimal } from 'decimal.js';
import type pg from 'pg';
import type { ChannelLevel, ErpStockRow } from '../connectors/contract.js';

/** The ERP's unit cost as exact decimal text, or null when absent or not a number. */
export function parseUnitCost(text: string | undefined): string | null {
  if (text === undefined || text.trim() === '') return null;
  try {
    const value = new Decimal(text.trim());
    return value.isFinite() ? value.toFixed() : null;
  } catch {
    return null;
  }
}

function lastByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [keyOf(item), item])).values()];
}

export async function stageErpRows(pool: pg.Pool, runId: string, connectionId: string, rows: ErpStockRow[]): Promise<number> {
  // One statement cannot update a row twice: keep the last of any repeats within the page (and
  // across pages, the newest report wins).
  const unique = lastByKey(rows, (row) => `${row.sku}\u0000${row.warehouse}`);
  if (unique.length === 0) return 0;
  await pool.query(
    `insert into reconciliation_erp_rows
       (run_id, connection_id, sku, warehouse, on_hand, reserved, incoming, available, unit_cost, source_updated_at)
     select $1::uuid, $2::uuid, r.sku, r.warehouse, r.on_hand, r.reserved, r.incoming, r.available, r.unit_cost,
            (r.updated_at at time zone 'UTC')
       from unnest($3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[], $9::numeric[], $10::timestamptz[])
            as r(sku, warehouse, on_hand, reserved, incoming, available, unit_cost, updated_at)
     on conflict (run_id, sku, warehouse, connection_id) do update set
       on_hand = excluded.on_hand, reserved = excluded.reserved, incoming = excluded.incoming,
       available = excluded.available, unit_cost = excluded.unit_cost, source_updated_at = excluded.source_updated_at
     where reconciliation_erp_rows.source_updated_at <= excluded.source_updated_at`,
    [
      runId,
      connectionId,
      unique.map((row) => row.sku),
      unique.map((row) => row.warehouse),
      unique.map((row) => row.onHand),
      unique.map((row) => row.reserved),
      unique.map((row) => row.incoming),
      unique.map((row) => row.available),
      unique.map((row) => parseUnitCost(row.unitCost)),
      unique.map((row) => row.updatedAt.toISOString()),
    ],
  );
  return unique.length;
}

export async function stageChannelLevels(pool: pg.Pool, runId: string, connectionId: string, levels: ChannelLevel[]): Promise<number> {
  const unique = lastByKey(levels, (level) => `${level.externalVariantId}\u0000${level.externalLocationId}`);
  if (unique.length === 0) return 0;
  await pool.query(
    `insert into reconciliation_channel_rows
       (run_id, connection_id, sku, external_location_id, external_variant_id, external_inventory_item_id, available)
     select $1::uuid, $2::uuid, l.sku, l.location, l.variant, l.item, l.available
       from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[]) as l(sku, location, variant, item, available)
     on conflict (run_id, connection_id, external_variant_id, external_location_id) do update set
       sku = excluded.sku, external_inventory_item_id = excluded.external_inventory_item_id, available = excluded.available`,
    [
      runId,
      connectionId,
      unique.map((level) => level.sku.trim()),
      unique.map((level) => level.externalLocationId),
      unique.map((level) => level.externalVariantId),
      unique.map((level) => level.externalInventoryItemId ?? null),
      unique.map((level) => level.available),
    ],
  );
  return unique.length;
}

/** A channel read that did not finish is read again from the start. */
export async function clearChannelStage(pool: pg.Pool, runId: string, connectionId: string): Promise<void> {
  await pool.query('delete from reconciliation_channel_rows where run_id = $1::uuid and connection_id = $2::uuid', [runId, connectionId]);
}

/** Drops everything a run staged (it has ended, one way or the other). */
export async function clearRunStage(pool: pg.Pool, runId: string): Promise<void> {
  await pool.query('delete from reconciliation_erp_rows where run_id = $1::uuid', [runId]);
  await pool.query('delete from reconciliation_channel_rows where run_id = $1::uuid', [runId]);
}
