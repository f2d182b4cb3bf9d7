// Loads what comparing one chunk of SKUs on one channel needs, in a handful of set queries: the
// staged ERP rows (and those of bundle components), the movements the ERP has not reflected yet,
// the channel's staged levels and its listings. Targets then come from src/sync/targets.ts, the
// same arithmetic the sync engine pushes, so a run and the engine never disagree on a target.
import type pg from 'pg';
import { decideReflections, type ErpPolicy, erpPolicyOf } from '../sync/policies.js';
import { type SkuStock, type StockSubject, skuStock } from '../sync/targets.js';

export type StagedErpRow = {
  connectionId: string;
  sku: string;
  warehouse: string;
  onHand: number;
  reserved: number;
  incoming: number;
  unitCost: string | null;
  reportedAt: Date;
};

export type OpenMovement = {
  id: string;
  sku: string;
  warehouse: string | null;
  quantity: number;
  status: 'pending' | 'posted' | 'failed';
  postRequired: boolean;
  occurredAt: Date;
  postRequestedAt: Date | null;
  erpConnectionId: string | null;
};

export type SkuInfo = { isBundle: boolean; unitCost: string | null; components: { sku: string; quantity: number }[] };

export type ChunkInputs = {
  info: Map<string, SkuInfo>;
  erpRows: Map<string, StagedErpRow[]>;
  movements: Map<string, OpenMovement[]>;
  /** Per SKU and location: the channel's level (one item per SKU: the listed one, else the lowest variant id). */
  levels: Map<string, Map<string, number | null>>;
  /** SKUs the channel lists (active listing or a level at any location). */
  listed: Set<string>;
};

export type ErpPolicies = { of(connectionId: string | null): ErpPolicy };

export async function loadErpPolicies(pool: pg.Pool): Promise<ErpPolicies> {
  const result = await pool.query<{ id: string; settings: unknown }>(
    `select id, settings from connections where kind = 'erp' and deleted_at is null order by created_at`,
  );
  const policies = new Map(result.rows.map((row) => [row.id, erpPolicyOf(row.settings)]));
  const fallback = result.rows[0] ? (policies.get(result.rows[0].id) as ErpPolicy) : erpPolicyOf({});
  return { of: (connectionId) => (connectionId ? policies.get(connectionId) : undefined) ?? fallback };
}

function groupBy<T>(rows: T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

async function loadInfo(pool: pg.Pool, skus: string[]): Promise<Map<string, SkuInfo>> {
  const result = await pool.query<{
    sku: string;
    isBundle: boolean;
    unitCost: string | null;
    components: { sku: string; quantity: number }[] | null;
  }>(
    `select s.sku, s.is_bundle as "isBundle", s.unit_cost::text as "unitCost",
            (select json_agg(json_build_object('sku', b.component_sku, 'quantity', b.quantity) order by b.component_sku)
               from bundle_components b where b.bundle_sku = s.sku) as components
       from skus s where s.sku = any($1::text[])`,
    [skus],
  );
  // A SKU with components is a bundle even if the flag was not set (as the sync engine reads it).
  return new Map(
    result.rows.map((row) => [
      row.sku,
      { isBundle: row.isBundle || (row.components ?? []).length > 0, unitCost: row.unitCost, components: row.components ?? [] },
    ]),
  );
}

type ChunkKey = { runId: string; connectionId: string; skus: string[] };

function queryErpRows(pool: pg.Pool, runId: string, skus: string[]) {
  return pool.query<StagedErpRow>(
    `select connection_id as "connectionId", sku, warehouse, on_hand as "onHand", reserved, incoming, unit_cost::text as "unitCost",
            (source_updated_at at time zone 'UTC') as "reportedAt"
       from reconciliation_erp_rows where run_id = $1::uuid and sku = any($2::text[])`,
    [runId, skus],
  );
}

/** Movements the ERP has not reflected yet, as the sync engine counts them (its own ERP changes excluded). */
function queryOpenMovements(pool: pg.Pool, skus: string[]) {
  return pool.query<OpenMovement>(
    `select id::text as id, sku, warehouse, quantity, status::text as status, post_required as "postRequired",
            (occurred_at at time zone 'UTC') as "occurredAt", (post_requested_at at time zone 'UTC') as "postRequestedAt",
            erp_connection_id as "erpConnectionId"
       from movements where sku = any($1::text[]) and status <> 'reflected' and kind <> 'erp_change'`,
    [skus],
  );
}

/** One level per (SKU, location): the listed item's when a SKU has several, else the lowest variant id. */
async function queryLevels(pool: pg.Pool, key: ChunkKey): Promise<Map<string, Map<string, number | null>>> {
  const result = await pool.query<{ sku: string; location: string; available: number | null }>(
    `select distinct on (c.sku, c.external_location_id) c.sku, c.external_location_id as location, c.available
       from reconciliation_channel_rows c
       left join listings l on l.connection_id = c.connection_id and l.external_variant_id = c.external_variant_id and l.state = 'active'
      where c.run_id = $1::uuid and c.connection_id = $2::uuid and c.sku = any($3::text[])
      order by c.sku, c.external_location_id, (l.id is null), c.external_variant_id`,
    [key.runId, key.connectionId, key.skus],
  );
  const levels = new Map<string, Map<string, number | null>>();
  for (const row of result.rows) {
    const bySku = levels.get(row.sku) ?? new Map<string, number | null>();
    bySku.set(row.location, row.available);
    levels.set(row.sku, bySku);
  }
  return levels;
}

async function queryListed(pool: pg.Pool, key: ChunkKey): Promise<string[]> {
  const result = await pool.query<{ sku: string }>(
    `select distinct sku from listings where connection_id = $1::uuid and state = 'active' and sku = any($2::text[])`,
    [key.connectionId, key.skus],
  );
  return result.rows.map((row) => row.sku);
}

export async function loadChunk(pool: pg.Pool, key: ChunkKey): Promise<ChunkInputs> {
  const info = await loadInfo(pool, key.skus);
  const components = [...info.values()].flatMap((sku) => sku.components.map((component) => component.sku));
  const stockSkus = [...new Set([...key.skus, ...components])];
  const [erp, movements, levels, listed] = await Promise.all([
    queryErpRows(pool, key.runId, stockSkus),
    queryOpenMovements(pool, stockSkus),
    queryLevels(pool, key),
    queryListed(pool, key),
  ]);
  return {
    info,
    erpRows: groupBy(erp.rows, (row) => row.sku),
    movements: groupBy(movements.rows, (row) => row.sku),
    levels,
    listed: new Set([...listed, ...levels.keys()]),
  };
}

/**
 * One SKU's stock as of this run's ERP read: movements the fresh report already includes (by the
 * sync engine's own reflection rule) no longer count, the rest still lower available-to-sell.
 */
export function stockOf(inputs: ChunkInputs, sku: string, policies: ErpPolicies, now: Date): SkuStock {
  const rows = inputs.erpRows.get(sku) ?? [];
  const reportedAt = new Map<string, Date>();
  for (const row of rows) {
    const known = reportedAt.get(row.warehouse);
    if (!known || row.reportedAt > known) reportedAt.set(row.warehouse, row.reportedAt);
    const newest = reportedAt.get('');
    if (!newest || row.reportedAt > newest) reportedAt.set('', row.reportedAt);
  }
  const open = inputs.movements.get(sku) ?? [];
  const reflected = new Set(
    decideReflections(
      open.map((movement) => ({ ...movement, orderImportLagMs: policies.of(movement.erpConnectionId).orderImportLagMs })),
      reportedAt,
      now,
    ),
  );
  return skuStock(
    rows.map((row) => ({ ...row, basis: policies.of(row.connectionId).quantityBasis })),
    open.filter((movement) => !reflected.has(movement.id)),
  );
}

/** The stock a SKU's target comes from: its own, or its components' for a bundle. */
export function subjectOf(inputs: ChunkInputs, sku: string, stock: (sku: string) => SkuStock): StockSubject {
  const info = inputs.info.get(sku);
  if (!info?.isBundle) return { kind: 'single', stock: stock(sku) };
  return {
    kind: 'bundle',
    components: info.components.map((component) => ({ quantity: component.quantity, stock: stock(component.sku) })),
  };
}

/** The ERP's unit cost: from this run's read when the ERP sent one, else the catalog's. */
export function unitCostOf(inputs: ChunkInputs, sku: string): string | null {
  const fromRead = (inputs.erpRows.get(sku) ?? []).find((row) => row.unitCost !== null)?.unitCost;
  return fromRead ?? inputs.info.get(sku)?.unitCost ?? null;
}
