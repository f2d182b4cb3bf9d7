// The accountants' reports, over one PostgreSQL pool: runs over time, discrepancies by channel and
// SKU, the movement ledger, the audit trail, totals per channel and stale SKUs. Each list is a
// keyset source, so the JSON pages and the streamed CSV exports walk the same query.
import type pg from 'pg';
import { auditSource } from './audit-report.js';
import { channelTotals } from './channel-totals-report.js';
import { discrepanciesByChannel, discrepanciesBySku, discrepancySource } from './discrepancy-report.js';
import type { ReportFilter } from './filters.js';
import type { KeysetSource } from './keyset.js';
import { ledgerSource } from './ledger-report.js';
import { runsPerDay, runsSource } from './runs-report.js';
import { type StaleSku, staleSkusSource } from './stale-skus.js';

export function createReports(deps: { pool: pg.Pool; staleSkuSlaMs: number; clock?: () => Date }) {
  const { pool } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    runs: (filter: ReportFilter) => runsSource(pool, filter),
    runsPerDay: (filter: ReportFilter) => runsPerDay(pool, filter),
    discrepancies: (filter: ReportFilter) => discrepancySource(pool, { filter }),
    discrepanciesByChannel: (filter: ReportFilter) => discrepanciesByChannel(pool, filter),
    discrepanciesBySku: (filter: ReportFilter, limit: number) => discrepanciesBySku(pool, filter, limit),
    movements: (filter: ReportFilter) => ledgerSource(pool, filter),
    audit: (filter: ReportFilter) => auditSource(pool, filter),
    channelTotals: (filter: ReportFilter) => channelTotals(pool, filter),
    staleSkus: (filter: Pick<ReportFilter, 'sku' | 'connectionId'>): KeysetSource<StaleSku> & { slaMs: number } => ({
      ...staleSkusSource(pool, { slaMs: deps.staleSkuSlaMs, now: clock(), filter }),
      slaMs: deps.staleSkuSlaMs,
    }),
  };
}

export type Reports = ReturnType<typeof createReports>;
