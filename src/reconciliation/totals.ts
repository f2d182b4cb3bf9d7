// A finished run's totals, computed in PostgreSQL numeric (exact decimals, never floats): counts,
// units and value per classification, and per channel. Values are decimal text.
import type pg from 'pg';
import type { RunProgress } from './run-store.js';

type ClassTotals = { count: number; units: number; value: string };

export type RunTotals = {
  discrepancies: number;
  compared: number;
  valueHigh: string;
  valueLow: string;
  valueNet: string;
  byClassification: Record<'channel_high' | 'channel_low' | 'missing_listing' | 'unmapped', ClassTotals>;
  byChannel: {
    connectionId: string;
    name: string;
    discrepancies: number;
    valueHigh: string;
    valueLow: string;
    valueNet: string;
    healRequested: number;
  }[];
};

type ClassRow = { classification: keyof RunTotals['byClassification']; count: number; units: number; value: string };
type ChannelRow = {
  connectionId: string;
  discrepancies: number;
  valueHigh: string;
  valueLow: string;
  valueNet: string;
  healRequested: number;
};

export async function computeRunTotals(pool: pg.Pool, runId: string, progress: RunProgress): Promise<RunTotals> {
  const classes = await pool.query<ClassRow>(
    `select classification::text as classification, count(*)::int as count, coalesce(sum(abs(delta)), 0)::int as units,
            coalesce(sum(value), 0)::text as value
       from discrepancies where run_id = $1::uuid group by classification`,
    [runId],
  );
  const channels = await pool.query<ChannelRow>(
    `select connection_id as "connectionId", count(*)::int as discrepancies,
            coalesce(sum(value) filter (where classification = 'channel_high'), 0)::text as "valueHigh",
            coalesce(sum(value) filter (where classification = 'channel_low'), 0)::text as "valueLow",
            coalesce(sum(value), 0)::text as "valueNet", (count(*) filter (where healed))::int as "healRequested"
       from discrepancies where run_id = $1::uuid group by connection_id order by connection_id`,
    [runId],
  );
  const overall = await pool.query<{ high: string; low: string; net: string }>(
    `select coalesce(sum(value) filter (where classification = 'channel_high'), 0)::text as high,
            coalesce(sum(value) filter (where classification = 'channel_low'), 0)::text as low,
            coalesce(sum(value), 0)::text as net
       from discrepancies where run_id = $1::uuid`,
    [runId],
  );
  const empty: ClassTotals = { count: 0, units: 0, value: '0' };
  const byClassification: RunTotals['byClassification'] = {
    channel_high: empty,
    channel_low: empty,
    missing_listing: empty,
    unmapped: empty,
  };
  for (const row of classes.rows) byClassification[row.classification] = { count: row.count, units: row.units, value: row.value };
  const channelSources = Object.entries(progress.sources).filter(([, source]) => source.kind !== 'erp');
  const byChannelId = new Map(channels.rows.map((row) => [row.connectionId, row]));
  return {
    discrepancies: classes.rows.reduce((sum, row) => sum + row.count, 0),
    compared: channelSources.reduce((sum, [, source]) => sum + source.compared, 0),
    valueHigh: overall.rows[0]?.high ?? '0',
    valueLow: overall.rows[0]?.low ?? '0',
    valueNet: overall.rows[0]?.net ?? '0',
    byClassification,
    // Every channel the run compared appears, with zeros when it matched everywhere.
    byChannel: channelSources.map(([connectionId, source]) => {
      const row = byChannelId.get(connectionId);
      return {
        connectionId,
        name: source.name,
        discrepancies: row?.discrepancies ?? 0,
        valueHigh: row?.valueHigh ?? '0',
        valueLow: row?.valueLow ?? '0',
        valueNet: row?.valueNet ?? '0',
        healRequested: row?.healRequested ?? 0,
      };
    }),
  };
}
