// Discrepancies: one run's rows (the run page and its CSV) or every run's in a period (the
// accountants' report), with the channel's name. Amounts come from PostgreSQL numeric as text and
// are never turned into floats.
import type pg from 'pg';
import { z } from 'zod';
import type { CsvColumn } from './csv.js';
import { filterConditions, type ReportFilter, SqlParams, utcColumn, whereSql } from './filters.js';
import type { KeysetSource } from './keyset.js';

export const DiscrepancyClass = z.enum(['channel_high', 'channel_low', 'missing_listing', 'unmapped']);
export type DiscrepancyClass = z.infer<typeof DiscrepancyClass>;

export type DiscrepancyRow = {
  id: string;
  runId: string;
  runCreatedAt: Date;
  sku: string;
  connectionId: string;
  connectionName: string;
  externalLocationId: string;
  classification: DiscrepancyClass;
  erpQuantity: number | null;
  expected: number | null;
  actual: number | null;
  delta: number;
  /** Decimal text, e.g. "19.9900". */
  unitCost: string | null;
  value: string | null;
  healed: boolean;
  healError: string | null;
};

export type DiscrepancyQuery = { runId?: string; filter: ReportFilter; classification?: DiscrepancyClass };

export function discrepancySource(pool: pg.Pool, query: DiscrepancyQuery): KeysetSource<DiscrepancyRow> {
  return {
    key: ['bigint'],
    keyOf: (row) => [row.id],
    async fetch(after, limit) {
      const params = new SqlParams();
      const conditions = filterConditions(query.filter, { at: 'r.created_at', sku: 'd.sku', connectionId: 'd.connection_id' }, params);
      if (query.runId) conditions.push(`d.run_id = ${params.add(query.runId)}::uuid`);
      if (query.classification) conditions.push(`d.classification = ${params.add(query.classification)}::"DiscrepancyClass"`);
      if (after) conditions.push(`d.id > ${params.add(after[0])}::bigint`);
      const result = await pool.query<DiscrepancyRow>(
        `select d.id::text as "id", d.run_id as "runId", ${utcColumn('r.created_at')} as "runCreatedAt", d.sku,
                d.connection_id as "connectionId", coalesce(c.name, '') as "connectionName",
                d.external_location_id as "externalLocationId", d.classification::text as "classification",
                d.erp_quantity as "erpQuantity", d.expected, d.actual, d.delta, d.unit_cost::text as "unitCost",
                d.value::text as "value", d.healed, d.heal_error as "healError"
           from discrepancies d
           join reconciliation_runs r on r.id = d.run_id
           left join connections c on c.id = d.connection_id
           ${whereSql(conditions)}
           order by d.id
           limit ${params.add(limit)}`,
        params.values,
      );
      return result.rows;
    },
  };
}

export const DISCREPANCY_COLUMNS: CsvColumn<DiscrepancyRow>[] = [
  { header: 'run_id', value: (row) => row.runId },
  { header: 'run_at', value: (row) => row.runCreatedAt },
  { header: 'sku', value: (row) => row.sku },
  { header: 'channel_id', value: (row) => row.connectionId },
  { header: 'channel', value: (row) => row.connectionName },
  { header: 'location', value: (row) => row.externalLocationId },
  { header: 'classification', value: (row) => row.classification },
  { header: 'erp_quantity', value: (row) => row.erpQuantity },
  { header: 'expected', value: (row) => row.expected },
  { header: 'actual', value: (row) => row.actual },
  { header: 'delta', value: (row) => row.delta },
  { header: 'unit_cost', value: (row) => row.unitCost },
  { header: 'value', value: (row) => row.value },
  { header: 'healed', value: (row) => row.healed },
  { header: 'heal_error', value: (row) => row.healError },
];

export type ChannelDiscrepancyTotals = {
  connectionId: string;
  connectionName: string;
  classification: DiscrepancyClass;
  count: number;
  units: number;
  value: string;
};

/** Count, absolute units and net value per channel and classification, over the filtered runs. */
export async function discrepanciesByChannel(pool: pg.Pool, filter: ReportFilter): Promise<ChannelDiscrepancyTotals[]> {
  const params = new SqlParams();
  const conditions = filterConditions(filter, { at: 'r.created_at', sku: 'd.sku', connectionId: 'd.connection_id' }, params);
  const result = await pool.query<ChannelDiscrepancyTotals>(
    `select d.connection_id as "connectionId", coalesce(c.name, '') as "connectionName", d.classification::text as "classification",
            count(*)::int as "count", coalesce(sum(abs(d.delta)), 0)::int as "units", coalesce(sum(d.value), 0)::text as "value"
       from discrepancies d
       join reconciliation_runs r on r.id = d.run_id
       left join connections c on c.id = d.connection_id
       ${whereSql(conditions)}
       group by d.connection_id, c.name, d.classification
       order by c.name, d.connection_id, d.classification`,
    params.values,
  );
  return result.rows;
}

export type SkuDiscrepancyTotals = { sku: string; count: number; runs: number; units: number; value: string; absoluteValue: string };

/** The SKUs with the largest discrepancy value over the filtered runs. */
export async function discrepanciesBySku(pool: pg.Pool, filter: ReportFilter, limit: number): Promise<SkuDiscrepancyTotals[]> {
  const params = new SqlParams();
  const conditions = filterConditions(filter, { at: 'r.created_at', sku: 'd.sku', connectionId: 'd.connection_id' }, params);
  const result = await pool.query<SkuDiscrepancyTotals>(
    `select d.sku, count(*)::int as "count", count(distinct d.run_id)::int as "runs", coalesce(sum(abs(d.delta)), 0)::int as "units",
            coalesce(sum(d.value), 0)::text as "value", coalesce(sum(abs(d.value)), 0)::text as "absoluteValue"
       from discrepancies d
       join reconciliation_runs r on r.id = d.run_id
       ${whereSql(conditions)}
       group by d.sku
       order by coalesce(sum(abs(d.value)), 0) desc, sum(abs(d.delta)) desc, d.sku
       limit ${params.add(limit)}`,
    params.values,
  );
  return result.rows;
}
