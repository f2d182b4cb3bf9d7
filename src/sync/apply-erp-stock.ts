// The ERP's stock rows for one SKU, under its lock: newer rows replace the snapshot (older ones are
// late deliveries and are ignored with an audit note), each change is recorded in the ledger as an
// already-reflected `erp_change`, and the SKU's name and unit cost follow the ERP.
import type { AuditInput } from './audit.js';
import { applyMovements, type LedgerEntry } from './ledger.js';
import { orderErpRow } from './ordering.js';
import type { ErpStockItem } from './payloads.js';
import type { AppliedWork, SkuWork, WorkEnv, WorkStatus } from './sku-work.js';

type ErpWork = Extract<SkuWork, { type: 'erp_stock' }>;

export async function applyErpStock(env: WorkEnv, work: ErpWork): Promise<AppliedWork> {
  const audits: AuditInput[] = [];
  const entries: LedgerEntry[] = [];
  let status: WorkStatus = 'unchanged';
  for (const row of newestPerWarehouse(work.rows)) {
    const key = { connectionId: work.erpConnectionId, sku: env.sku, warehouse: row.warehouse };
    const existing = await env.tx.stockSnapshot.findUnique({ where: { connectionId_sku_warehouse: key } });
    const order = orderErpRow(row.updatedAt, existing?.sourceUpdatedAt ?? null);
    if (order.outcome === 'stale') {
      if (status === 'unchanged') status = 'stale';
      audits.push(
        audit(
          env,
          work,
          row,
          'event.stale',
          `ignored: ERP row of ${row.updatedAt.toISOString()} is older than the one applied (${order.newestAppliedAt.toISOString()})`,
        ),
      );
      continue;
    }
    if (order.outcome === 'same') continue;
    status = 'applied';
    const quantities = { onHand: row.onHand, reserved: row.reserved, incoming: row.incoming, available: row.available };
    await env.tx.stockSnapshot.upsert({
      where: { connectionId_sku_warehouse: key },
      create: { ...key, ...quantities, sourceUpdatedAt: row.updatedAt, fetchedAt: env.now },
      update: { ...quantities, sourceUpdatedAt: row.updatedAt, fetchedAt: env.now },
    });
    const before = existing
      ? { onHand: existing.onHand, reserved: existing.reserved, incoming: existing.incoming, available: existing.available }
      : null;
    audits.push({
      ...audit(env, work, row, 'erp.stock_changed', `ERP ${row.warehouse}: on hand ${row.onHand}, available ${row.available}`),
      ...(before ? { before } : {}),
      after: quantities,
    });
    if (existing && existing.onHand !== row.onHand) entries.push(erpChange(env, work, row, row.onHand - existing.onHand));
  }
  await updateSkuDetails(env, work.rows);
  const ledger = await applyMovements(env.tx, entries, { correlationId: env.correlationId, now: env.now });
  return { result: { status }, movements: ledger.applied, patches: [], audits };
}

/** A delivery may list one warehouse twice: the newest row wins. */
function newestPerWarehouse(rows: ErpStockItem[]): ErpStockItem[] {
  const newest = new Map<string, ErpStockItem>();
  for (const row of rows) {
    const current = newest.get(row.warehouse);
    if (!current || row.updatedAt > current.updatedAt) newest.set(row.warehouse, row);
  }
  return [...newest.values()];
}

function erpChange(env: WorkEnv, work: ErpWork, row: ErpStockItem, delta: number): LedgerEntry {
  return {
    idempotencyKey: `erp:${work.erpConnectionId}:stock:${env.sku}:${row.warehouse}:${row.updatedAt.toISOString()}`,
    kind: 'erp_change',
    quantity: delta,
    occurredAt: row.updatedAt,
    sourceRef: `ERP stock of ${row.warehouse}`,
    sku: env.sku,
    connectionId: work.erpConnectionId,
    externalLocationId: null,
    warehouse: row.warehouse,
    erpConnectionId: work.erpConnectionId,
    postRequired: false,
    sourceEventId: env.sourceEventId,
  };
}

async function updateSkuDetails(env: WorkEnv, rows: ErpStockItem[]): Promise<void> {
  const newest = [...rows].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
  if (!newest) return;
  const data = {
    ...(newest.name ? { name: newest.name } : {}),
    ...(newest.unitCost !== undefined && newest.unitCost !== null ? { unitCost: newest.unitCost } : {}),
  };
  if (Object.keys(data).length > 0) await env.tx.sku.update({ where: { sku: env.sku }, data });
}

function audit(env: WorkEnv, work: ErpWork, row: ErpStockItem, action: string, note: string): AuditInput {
  return {
    action,
    entityType: 'stock_snapshot',
    entityId: `${env.sku}@${row.warehouse}`,
    sku: env.sku,
    connectionId: work.erpConnectionId,
    note,
    correlationId: env.correlationId,
  };
}
