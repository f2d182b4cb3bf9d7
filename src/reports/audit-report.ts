// The audit trail for a period: who changed what, when and why, oldest first. SKU and channel
// filters match the entry's own columns, so configuration changes (no SKU) drop out of a SKU filter.
import type pg from 'pg';
import type { CsvColumn } from './csv.js';
import { filterConditions, type ReportFilter, SqlParams, utcColumn, utcParam, whereSql } from './filters.js';
import type { KeysetSource } from './keyset.js';

export type AuditRow = {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  sku: string | null;
  connectionId: string | null;
  before: unknown;
  after: unknown;
  note: string | null;
  correlationId: string | null;
};

export function auditSource(pool: pg.Pool, filter: ReportFilter): KeysetSource<AuditRow> {
  return {
    key: ['time', 'bigint'],
    keyOf: (row) => [row.at.toISOString(), row.id],
    async fetch(after, limit) {
      const params = new SqlParams();
      const conditions = filterConditions(filter, { at: 'a.at', sku: 'a.sku', connectionId: 'a.connection_id' }, params);
      if (after) conditions.push(`(a.at, a.id) > (${utcParam(params.add(after[0]))}, ${params.add(after[1])}::bigint)`);
      const result = await pool.query<AuditRow>(
        `select a.id::text as "id", ${utcColumn('a.at')} as "at", a.actor, a.action, a.entity_type as "entityType",
                a.entity_id as "entityId", a.sku, a.connection_id as "connectionId", a.before, a.after, a.note,
                a.correlation_id as "correlationId"
           from audit_entries a
           ${whereSql(conditions)}
           order by a.at, a.id
           limit ${params.add(limit)}`,
        params.values,
      );
      return result.rows;
    },
  };
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export const AUDIT_COLUMNS: CsvColumn<AuditRow>[] = [
  { header: 'audit_id', value: (row) => row.id },
  { header: 'at', value: (row) => row.at },
  { header: 'actor', value: (row) => row.actor },
  { header: 'action', value: (row) => row.action },
  { header: 'entity_type', value: (row) => row.entityType },
  { header: 'entity_id', value: (row) => row.entityId },
  { header: 'sku', value: (row) => row.sku },
  { header: 'channel_id', value: (row) => row.connectionId },
  { header: 'before', value: (row) => json(row.before) },
  { header: 'after', value: (row) => json(row.after) },
  { header: 'note', value: (row) => row.note },
  { header: 'correlation_id', value: (row) => row.correlationId },
];
