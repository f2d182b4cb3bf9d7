// Totals per channel for a period: the ledger's movements on that channel, and what the latest
// completed full run covering it found (current exposure). Amounts stay numeric text.
import type pg from 'pg';
import type { CsvColumn } from './csv.js';
import { filterConditions, type ReportFilter, SqlParams, whereSql } from './filters.js';

export type ChannelTotals = {
  connectionId: string;
  name: string;
  kind: string;
  movements: number;
  unitsSold: number;
  unitsReleased: number;
  unitsAdjusted: number;
  netQuantity: number;
  latestRunId: string | null;
  discrepancies: number;
  valueHigh: string;
  valueLow: string;
  valueNet: string;
};

export async function channelTotals(pool: pg.Pool, filter: ReportFilter): Promise<ChannelTotals[]> {
  const params = new SqlParams();
  const movementConditions = filterConditions(filter, { at: 'm.occurred_at', sku: 'm.sku' }, params);
  const runConditions = [
    `r.status = 'completed'`,
    `r.scope->>'sku' is null`,
    `(r.scope->>'connectionId' is null or r.scope->>'connectionId' = c.id::text)`,
    ...filterConditions({ from: filter.from, to: filter.to }, { at: 'r.created_at' }, params),
  ];
  const discrepancyConditions = filterConditions({ sku: filter.sku }, { sku: 'd.sku' }, params);
  const channelConditions = [
    `c.kind in ('shopify', 'woocommerce')`,
    ...filterConditions({ connectionId: filter.connectionId }, { connectionId: 'c.id' }, params),
  ];
  const result = await pool.query<ChannelTotals>(
    `select c.id as "connectionId", c.name, c.kind::text as "kind",
            coalesce(mv.movements, 0)::int as "movements", coalesce(mv.units_sold, 0)::int as "unitsSold",
            coalesce(mv.units_released, 0)::int as "unitsReleased", coalesce(mv.units_adjusted, 0)::int as "unitsAdjusted",
            coalesce(mv.net_quantity, 0)::int as "netQuantity", latest.id as "latestRunId",
            coalesce(ds.discrepancies, 0)::int as "discrepancies", coalesce(ds.value_high, 0)::text as "valueHigh",
            coalesce(ds.value_low, 0)::text as "valueLow", coalesce(ds.value_net, 0)::text as "valueNet"
       from connections c
       left join lateral (
         select count(*) as movements, -coalesce(sum(m.quantity) filter (where m.kind = 'sale'), 0) as units_sold,
                coalesce(sum(m.quantity) filter (where m.kind = 'release'), 0) as units_released,
                coalesce(sum(m.quantity) filter (where m.kind = 'adjustment'), 0) as units_adjusted,
                coalesce(sum(m.quantity), 0) as net_quantity
           from movements m ${whereSql(['m.connection_id = c.id', ...movementConditions])}) mv on true
       left join lateral (
         select r.id from reconciliation_runs r ${whereSql(runConditions)} order by r.created_at desc limit 1) latest on true
       left join lateral (
         select count(*) as discrepancies,
                sum(d.value) filter (where d.classification = 'channel_high') as value_high,
                sum(d.value) filter (where d.classification = 'channel_low') as value_low,
                sum(d.value) as value_net
           from discrepancies d ${whereSql(['d.run_id = latest.id', 'd.connection_id = c.id', ...discrepancyConditions])}) ds on true
      ${whereSql(channelConditions)}
        and (c.deleted_at is null or coalesce(mv.movements, 0) > 0)
      order by c.name, c.id`,
    params.values,
  );
  return result.rows;
}

export const CHANNEL_TOTAL_COLUMNS: CsvColumn<ChannelTotals>[] = [
  { header: 'channel_id', value: (row) => row.connectionId },
  { header: 'channel', value: (row) => row.name },
  { header: 'kind', value: (row) => row.kind },
  { header: 'movements', value: (row) => row.movements },
  { header: 'units_sold', value: (row) => row.unitsSold },
  { header: 'units_released', value: (row) => row.unitsReleased },
  { header: 'units_adjusted', value: (row) => row.unitsAdjusted },
  { header: 'net_quantity', value: (row) => row.netQuantity },
  { header: 'latest_run_id', value: (row) => row.latestRunId },
  { header: 'discrepancies', value: (row) => row.discrepancies },
  { header: 'value_high', value: (row) => row.valueHigh },
  { header: 'value_low', value: (row) => row.valueLow },
  { header: 'value_net', value: (row) => row.valueNet },
];
