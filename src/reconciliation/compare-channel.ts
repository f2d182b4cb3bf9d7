// Phase 2 of a run: compare one channel, SKU chunk by SKU chunk (keyset over the staged levels and
// the channel's listings), against the targets computed from the staged ERP stock. One discrepancy
// row per (SKU, channel, location) that differs; memory holds one chunk at a time.
import type pg from 'pg';
import { ChannelPolicy } from '../connections/types.js';
import type { Logger } from '../observability/logger.js';
import { computeTargets, type SkuStock, type StockSubject, subjectAvailableToSell, type WarehouseSelection } from '../sync/targets.js';
import { compareSlot, type Discrepancy } from './classify.js';
import { type ChunkInputs, type ErpPolicies, loadChunk, loadErpPolicies, stockOf, subjectOf, unitCostOf } from './compare-inputs.js';
import type { RunLease } from './run-lease.js';
import type { RunSource } from './run-sources.js';
import type { SourceProgress } from './run-store.js';

export type CompareDeps = { pool: pg.Pool; lease: RunLease; log: Logger; pageSize?: number; clock?: () => Date };

export type CompareJob = { runId: string; channel: RunSource; progress: SourceProgress; sku?: string };

type Slot = { externalLocationId: string; warehouses: WarehouseSelection };

export async function compareChannel(deps: CompareDeps, job: CompareJob): Promise<void> {
  const { pool, runId } = { pool: deps.pool, runId: job.runId };
  const connectionId = job.channel.id;
  const progress = job.progress;
  // A compare cut off midway starts over: its rows are recomputed from the same staged data.
  await pool.query('delete from discrepancies where run_id = $1::uuid and connection_id = $2::uuid', [runId, connectionId]);
  const slots = await loadSlots(pool, connectionId);
  progress.phase = 'comparing';
  progress.compared = 0;
  progress.untracked = 0;
  progress.total = slots.length === 0 ? 0 : await countSkus(pool, { runId, connectionId, sku: job.sku });
  if (slots.length === 0) progress.note = 'NO_LOCATION_MAPPED: no store location of this channel is mapped to ERP warehouses';
  await deps.lease.flush();
  const policy = ChannelPolicy.catch(ChannelPolicy.parse({})).parse(job.channel.connection.settings ?? {});
  const policies = await loadErpPolicies(pool);
  const clock = deps.clock ?? (() => new Date());
  let after = '';
  while (slots.length > 0) {
    deps.lease.check();
    const skus = await nextSkus(pool, { runId, connectionId, after, limit: deps.pageSize ?? 1_000, sku: job.sku });
    if (skus.length === 0) break;
    const inputs = await loadChunk(pool, { runId, connectionId, skus });
    const found = compareChunk({ inputs, skus, slots, policy, policies, now: clock(), progress });
    await insertDiscrepancies(pool, runId, connectionId, found);
    progress.compared += skus.length;
    after = skus.at(-1) as string;
  }
  progress.phase = 'compared';
  await deps.lease.flush();
}

function compareChunk(input: {
  inputs: ChunkInputs;
  skus: string[];
  slots: Slot[];
  policy: ChannelPolicy;
  policies: ErpPolicies;
  now: Date;
  progress: SourceProgress;
}): Discrepancy[] {
  const { inputs } = input;
  const cache = new Map<string, SkuStock>();
  const stock = (sku: string): SkuStock => {
    const known = cache.get(sku) ?? stockOf(inputs, sku, input.policies, input.now);
    cache.set(sku, known);
    return known;
  };
  const found: Discrepancy[] = [];
  for (const sku of input.skus) {
    const subject = subjectOf(inputs, sku, stock);
    const targets = computeTargets(
      subject,
      input.slots.map((slot) => ({
        connectionId: '',
        externalLocationId: slot.externalLocationId,
        policy: input.policy,
        warehouses: slot.warehouses,
        issue: null,
      })),
    );
    const erpOnly = withoutMovements(subject);
    for (const [index, slot] of input.slots.entries()) {
      const levels = inputs.levels.get(sku);
      const outcome = compareSlot({
        sku,
        externalLocationId: slot.externalLocationId,
        target: targets[index]?.target ?? null,
        erpQuantity: subjectAvailableToSell(erpOnly, slot.warehouses),
        level: levels?.has(slot.externalLocationId) ? { available: levels.get(slot.externalLocationId) ?? null } : null,
        listedOnChannel: inputs.listed.has(sku),
        unitCost: unitCostOf(inputs, sku),
      });
      if (outcome.outcome === 'discrepancy') found.push(outcome.discrepancy);
      if (outcome.outcome === 'untracked') input.progress.untracked = (input.progress.untracked ?? 0) + 1;
    }
  }
  return found;
}

/** The ERP's own numbers for a location: the same subject with no movements applied. */
function withoutMovements(subject: StockSubject): StockSubject {
  const bare = (stock: SkuStock): SkuStock => ({ erp: stock.erp, unreflected: new Map() });
  return subject.kind === 'single'
    ? { kind: 'single', stock: bare(subject.stock) }
    : {
        kind: 'bundle',
        components: subject.components.map((component) => ({ quantity: component.quantity, stock: bare(component.stock) })),
      };
}

async function loadSlots(pool: pg.Pool, connectionId: string): Promise<Slot[]> {
  const result = await pool.query<{ location: string; codes: string[] }>(
    `select external_location_id as location, warehouse_codes as codes from location_mappings
      where connection_id = $1::uuid and active order by external_location_id`,
    [connectionId],
  );
  return result.rows.map((row) => ({ externalLocationId: row.location, warehouses: row.codes.length === 0 ? 'all' : row.codes }));
}

/** The channel's SKUs: those it reported a level for and those it lists, merged in SKU order. */
function skuUnion(params: { sku?: string | undefined }, limitParam: string | null): string {
  const skuFilter = params.sku ? ' and sku = $4' : '';
  const limit = limitParam ? ` order by sku limit ${limitParam}` : '';
  return `(select distinct sku from reconciliation_channel_rows
            where run_id = $1::uuid and connection_id = $2::uuid and sku <> '' and sku > $3${skuFilter}${limit})
          union
          (select distinct sku from listings
            where connection_id = $2::uuid and state = 'active' and sku <> '' and sku > $3${skuFilter}${limit})`;
}

async function nextSkus(
  pool: pg.Pool,
  input: { runId: string; connectionId: string; after: string; limit: number; sku?: string | undefined },
): Promise<string[]> {
  const params: unknown[] = [input.runId, input.connectionId, input.after, ...(input.sku ? [input.sku] : [])];
  const limitParam = `$${params.length + 1}`;
  params.push(input.limit);
  const result = await pool.query<{ sku: string }>(
    `select sku from (${skuUnion(input, limitParam)}) u order by sku limit ${limitParam}`,
    params,
  );
  return result.rows.map((row) => row.sku);
}

async function countSkus(pool: pg.Pool, input: { runId: string; connectionId: string; sku?: string | undefined }): Promise<number> {
  const params: unknown[] = [input.runId, input.connectionId, '', ...(input.sku ? [input.sku] : [])];
  const result = await pool.query<{ count: number }>(`select count(*)::int as count from (${skuUnion(input, null)}) u`, params);
  return result.rows[0]?.count ?? 0;
}

async function insertDiscrepancies(pool: pg.Pool, runId: string, connectionId: string, rows: Discrepancy[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `insert into discrepancies
       (run_id, connection_id, sku, external_location_id, classification, erp_quantity, expected, actual, delta, unit_cost, value)
     select $1::uuid, $2::uuid, d.sku, d.location, d.classification::"DiscrepancyClass", d.erp_quantity, d.expected, d.actual, d.delta,
            d.unit_cost, d.value
       from unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::numeric[], $11::numeric[])
            as d(sku, location, classification, erp_quantity, expected, actual, delta, unit_cost, value)
     on conflict (run_id, sku, connection_id, external_location_id) do nothing`,
    [
      runId,
      connectionId,
      rows.map((row) => row.sku),
      rows.map((row) => row.externalLocationId),
      rows.map((row) => row.classification),
      rows.map((row) => row.erpQuantity),
      rows.map((row) => row.expected),
      rows.map((row) => row.actual),
      rows.map((row) => row.delta),
      rows.map((row) => row.unitCost),
      rows.map((row) => row.value),
    ],
  );
}
