// Reconciliation runs over time: one row per run (who, when, scope, duration, what it found) and a
// per-day series for the "discrepancies over time" chart. SKU and channel filters narrow the
// discrepancy counts, not the runs.
import type pg from 'pg';
import type { CsvColumn } from './csv.js';
import { filterConditions, type ReportFilter, SqlParams, utcColumn, utcParam, whereSql } from './filters.js';
import type { KeysetSource } from './keyset.js';

export type RunReportRow = {
  id: string;
  status: string;
  requestedBy: string;
  scope: unknown;
  heal: boolean;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationSeconds: string | null;
  error: string | null;
  discrepancies: number;
  channelHigh: number;
  channelLow: number;
  missingListing: number;
  unmapped: number;
  valueHigh: string;
  valueLow: string;
  valueNet: string;
};

/** Discrepancy aggregates of run `r`, narrowed by the SKU/channel filter. */
function discrepancyAggregates(filter: ReportFilter, params: SqlParams): string {
  const conditions = [
    'd.run_id = r.id',
    ...filterConditions({ ...filter, from: undefined, to: undefined }, { sku: 'd.sku', connectionId: 'd.connection_id' }, params),
  ];
  return `left join lateral (
      select count(*)::int as discrepancies,
             (count(*) filter (where d.classification = 'channel_high'))::int as channel_high,
             (count(*) filter (where d.classification = 'channel_low'))::int as channel_low,
             (count(*) filter (where d.classification = 'missing_listing'))::int as missing_listing,
             (count(*) filter (where d.classification = 'unmapped'))::int as unmapped,
             coalesce(sum(d.value) filter (where d.classification = 'channel_high'), 0) as value_high,
             coalesce(sum(d.value) filter (where d.classification = 'channel_low'), 0) as value_low,
             coalesce(sum(d.value), 0) as value_net
        from discrepancies d ${whereSql(conditions)}) s on true`;
}

export function runsSource(pool: pg.Pool, filter: ReportFilter): KeysetSource<RunReportRow> {
  return {
    key: ['time', 'uuid'],
    keyOf: (row) => [row.createdAt.toISOString(), row.id],
    async fetch(after, limit) {
      const params = new SqlParams();
      const aggregates = discrepancyAggregates(filter, params);
      const conditions = filterConditions({ from: filter.from, to: filter.to }, { at: 'r.created_at' }, params);
      if (after) conditions.push(`(r.created_at, r.id) > (${utcParam(params.add(after[0]))}, ${params.add(after[1])}::uuid)`);
      const result = await pool.query<RunReportRow>(
        `select r.id, r.status::text as "status", r.requested_by as "requestedBy", r.scope, r.heal,
                ${utcColumn('r.created_at')} as "createdAt", ${utcColumn('r.started_at')} as "startedAt",
                ${utcColumn('r.finished_at')} as "finishedAt",
                round(extract(epoch from (r.finished_at - r.started_at))::numeric, 3)::text as "durationSeconds", r.error,
                s.discrepancies, s.channel_high as "channelHigh", s.channel_low as "channelLow",
                s.missing_listing as "missingListing", s.unmapped, s.value_high::text as "valueHigh",
                s.value_low::text as "valueLow", s.value_net::text as "valueNet"
           from reconciliation_runs r
           ${aggregates}
           ${whereSql(conditions)}
           order by r.created_at, r.id
           limit ${params.add(limit)}`,
        params.values,
      );
      return result.rows;
    },
  };
}

export type RunDay = { day: string; runs: number; completed: number; failed: number; discrepancies: number; valueNet: string };

/** One point per UTC day that had runs. */
export async function runsPerDay(pool: pg.Pool, filter: ReportFilter): Promise<RunDay[]> {
  const params = new SqlParams();
  const aggregates = discrepancyAggregates(filter, params);
  const conditions = filterConditions({ from: filter.from, to: filter.to }, { at: 'r.created_at' }, params);
  const result = await pool.query<RunDay>(
    `select to_char(date_trunc('day', r.created_at), 'YYYY-MM-DD') as "day", count(*)::int as "runs",
            (count(*) filter (where r.status = 'completed'))::int as "completed",
            (count(*) filter (where r.status = 'failed'))::int as "failed",
            coalesce(sum(s.discrepancies), 0)::int as "discrepancies", coalesce(sum(s.value_net), 0)::text as "valueNet"
       from reconciliation_runs r
       ${aggregates}
       ${whereSql(conditions)}
       group by 1 order by 1`,
    params.values,
  );
  return result.rows;
}

export const RUN_COLUMNS: CsvColumn<RunReportRow>[] = [
  { header: 'run_id', value: (row) => row.id },
  { header: 'status', value: (row) => row.status },
  { header: 'requested_by', value: (row) => row.requestedBy },
  { header: 'scope', value: (row) => JSON.stringify(row.scope) },
  { header: 'heal', value: (row) => row.heal },
  { header: 'created_at', value: (row) => row.createdAt },
  { header: 'started_at', value: (row) => row.startedAt },
  { header: 'finished_at', value: (row) => row.finishedAt },
  { header: 'duration_seconds', value: (row) => row.durationSeconds },
  { header: 'discrepancies', value: (row) => row.discrepancies },
  { header: 'channel_high', value: (row) => row.channelHigh },
  { header: 'channel_low', value: (row) => row.channelLow },
  { header: 'missing_listing', value: (row) => row.missingListing },
  { header: 'unmapped', value: (row) => row.unmapped },
  { header: 'value_high', value: (row) => row.valueHigh },
  { header: 'value_low', value: (row) => row.valueLow },
  { header: 'value_net', value: (row) => row.valueNet },
  { header: 'error', value: (row) => row.error },
];
