// The movement ledger for a period: every stock-moving fact, oldest first, with the channel it
// happened on. Sorted by (occurred_at, id) so pages are stable while new movements arrive.
import type pg from 'pg';
import type { CsvColumn } from './csv.js';
import { filterConditions, type ReportFilter, SqlParams, utcColumn, utcParam, whereSql } from './filters.js';
import type { KeysetSource } from './keyset.js';

export type LedgerRow = {
  id: string;
  occurredAt: Date;
  sku: string;
  connectionId: string;
  connectionName: string;
  kind: string;
  quantity: number;
  status: string;
  sourceRef: string;
  erpReference: string | null;
  correlationId: string | null;
  postedAt: Date | null;
  reflectedAt: Date | null;
};

export function ledgerSource(pool: pg.Pool, filter: ReportFilter): KeysetSource<LedgerRow> {
  return {
    key: ['time', 'bigint'],
    keyOf: (row) => [row.occurredAt.toISOString(), row.id],
    async fetch(after, limit) {
      const params = new SqlParams();
      const conditions = filterConditions(filter, { at: 'm.occurred_at', sku: 'm.sku', connectionId: 'm.connection_id' }, params);
      if (after) conditions.push(`(m.occurred_at, m.id) > (${utcParam(params.add(after[0]))}, ${params.add(after[1])}::bigint)`);
      const result = await pool.query<LedgerRow>(
        `select m.id::text as "id", ${utcColumn('m.occurred_at')} as "occurredAt", m.sku, m.connection_id as "connectionId",
                c.name as "connectionName", m.kind::text as "kind", m.quantity, m.status::text as "status",
                m.source_ref as "sourceRef", m.erp_reference as "erpReference", m.correlation_id as "correlationId",
                ${utcColumn('m.posted_at')} as "postedAt", ${utcColumn('m.reflected_at')} as "reflectedAt"
           from movements m join connections c on c.id = m.connection_id
           ${whereSql(conditions)}
           order by m.occurred_at, m.id
           limit ${params.add(limit)}`,
        params.values,
      );
      return result.rows;
    },
  };
}

export const LEDGER_COLUMNS: CsvColumn<LedgerRow>[] = [
  { header: 'movement_id', value: (row) => row.id },
  { header: 'occurred_at', value: (row) => row.occurredAt },
  { header: 'sku', value: (row) => row.sku },
  { header: 'channel_id', value: (row) => row.connectionId },
  { header: 'channel', value: (row) => row.connectionName },
  { header: 'kind', value: (row) => row.kind },
  { header: 'quantity', value: (row) => row.quantity },
  { header: 'status', value: (row) => row.status },
  { header: 'source_ref', value: (row) => row.sourceRef },
  { header: 'erp_reference', value: (row) => row.erpReference },
  { header: 'posted_at', value: (row) => row.postedAt },
  { header: 'reflected_at', value: (row) => row.reflectedAt },
  { header: 'correlation_id', value: (row) => row.correlationId },
];
