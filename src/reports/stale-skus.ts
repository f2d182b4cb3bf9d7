// Stale data: SKU/channel/location rows whose channel has shown something other than its target for
// longer than the SLA (sync_states.out_of_sync_since). Paused channels, deleted listings and
// unmapped rows are left out: nobody expects those to converge.
import type pg from 'pg';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { CsvColumn } from './csv.js';
import { filterConditions, type ReportFilter, SqlParams, utcColumn, utcParam, whereSql } from './filters.js';
import type { KeysetSource } from './keyset.js';

export type StaleSku = {
  sku: string;
  connectionId: string;
  connectionName: string;
  externalLocationId: string;
  status: string;
  target: number | null;
  lastSeen: number | null;
  lastPushed: number | null;
  lastError: string | null;
  outOfSyncSince: Date;
  staleForSeconds: number;
};

export type StaleQuery = { slaMs: number; now: Date; filter: Pick<ReportFilter, 'sku' | 'connectionId'> };

function staleConditions(query: StaleQuery, params: SqlParams): string[] {
  const cutoff = new Date(query.now.getTime() - query.slaMs).toISOString();
  return [
    's.out_of_sync_since is not null',
    `s.out_of_sync_since < ${utcParam(params.add(cutoff))}`,
    `s.status not in ('paused', 'deleted', 'unmapped')`,
    'c.paused = false',
    'c.deleted_at is null',
    ...filterConditions(query.filter, { sku: 's.sku', connectionId: 's.connection_id' }, params),
  ];
}

/** Stale rows, longest-stale first. */
export function staleSkusSource(pool: pg.Pool, query: StaleQuery): KeysetSource<StaleSku> {
  return {
    key: ['time', 'text', 'uuid', 'text'],
    keyOf: (row) => [row.outOfSyncSince.toISOString(), row.sku, row.connectionId, row.externalLocationId],
    async fetch(after, limit) {
      const params = new SqlParams();
      const conditions = staleConditions(query, params);
      if (after) {
        const [since, sku, connectionId, location] = after;
        conditions.push(
          `(s.out_of_sync_since, s.sku, s.connection_id, s.external_location_id) > (${utcParam(params.add(since))}, ${params.add(sku)}, ${params.add(connectionId)}::uuid, ${params.add(location)})`,
        );
      }
      const nowParam = params.add(query.now.toISOString());
      const result = await pool.query<StaleSku>(
        `select s.sku, s.connection_id as "connectionId", c.name as "connectionName", s.external_location_id as "externalLocationId",
                s.status::text as "status", s.target, s.last_seen as "lastSeen", s.last_pushed as "lastPushed", s.last_error as "lastError",
                ${utcColumn('s.out_of_sync_since')} as "outOfSyncSince",
                floor(extract(epoch from (${utcParam(nowParam)} - s.out_of_sync_since)))::int as "staleForSeconds"
           from sync_states s join connections c on c.id = s.connection_id
           ${whereSql(conditions)}
           order by s.out_of_sync_since, s.sku, s.connection_id, s.external_location_id
           limit ${params.add(limit)}`,
        params.values,
      );
      return result.rows;
    },
  };
}

export async function countStaleSkus(pool: pg.Pool, query: StaleQuery): Promise<number> {
  const params = new SqlParams();
  const result = await pool.query<{ count: number }>(
    `select count(*)::int as count from sync_states s join connections c on c.id = s.connection_id ${whereSql(staleConditions(query, params))}`,
    params.values,
  );
  return result.rows[0]?.count ?? 0;
}

/** The sync.stale-check job: sets the staleSkus gauge and warns when the count changes. */
export function createStaleCheck(deps: { pool: pg.Pool; metrics: Metrics; log: Logger; slaMs: number; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  let previous = -1;
  return async function checkStaleSkus(): Promise<{ stale: number }> {
    const stale = await countStaleSkus(deps.pool, { slaMs: deps.slaMs, now: clock(), filter: {} });
    deps.metrics.staleSkus.set(stale);
    if (stale !== previous && stale > 0) deps.log.warn({ stale, slaMs: deps.slaMs }, 'SKUs out of sync past the SLA');
    previous = stale;
    return { stale };
  };
}

export const STALE_COLUMNS: CsvColumn<StaleSku>[] = [
  { header: 'sku', value: (row) => row.sku },
  { header: 'channel_id', value: (row) => row.connectionId },
  { header: 'channel', value: (row) => row.connectionName },
  { header: 'location', value: (row) => row.externalLocationId },
  { header: 'status', value: (row) => row.status },
  { header: 'target', value: (row) => row.target },
  { header: 'last_seen', value: (row) => row.lastSeen },
  { header: 'last_pushed', value: (row) => row.lastPushed },
  { header: 'out_of_sync_since', value: (row) => row.outOfSyncSince },
  { header: 'stale_for_seconds', value: (row) => row.staleForSeconds },
  { header: 'last_error', value: (row) => row.lastError },
];
