// The stock ledger: each movement is applied exactly once, by its idempotency key
// (INSERT … ON CONFLICT DO NOTHING on the unique index), with one audit row per applied movement,
// inside the SKU's fenced transaction. A key already present is reported as a duplicate and moves
// nothing: the retried webhook, the replayed dead letter and the poll that re-reads an order all
// end here.
import { type AuditInput, recordAudits } from './audit.js';
import type { MovementDraft } from './movements.js';
import type { Tx } from './sku-transaction.js';

export type LedgerEntry = Omit<MovementDraft, 'kind'> & {
  /** erp_change: a change the ERP reported itself, recorded for the ledger; already reflected. */
  kind: MovementDraft['kind'] | 'erp_change';
  sku: string;
  /** The channel (or ERP) where it happened. */
  connectionId: string;
  externalLocationId: string | null;
  warehouse: string | null;
  erpConnectionId: string | null;
  postRequired: boolean;
  sourceEventId: string | null;
};

export type AppliedMovement = {
  id: string;
  idempotencyKey: string;
  sku: string;
  quantity: number;
  kind: LedgerEntry['kind'];
  postRequired: boolean;
};

export type LedgerOutcome = { applied: AppliedMovement[]; duplicates: string[] };

export async function applyMovements(
  tx: Tx,
  entries: LedgerEntry[],
  context: { correlationId: string; now: Date },
): Promise<LedgerOutcome> {
  const applied: AppliedMovement[] = [];
  const duplicates: string[] = [];
  for (const entry of entries) {
    if (!Number.isInteger(entry.quantity) || entry.quantity === 0)
      throw new RangeError(`movement ${entry.idempotencyKey}: quantity must be a non-zero integer`);
    const reflected = entry.kind === 'erp_change';
    const rows = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO movements (idempotency_key, sku, connection_id, kind, quantity, status, source_event_id, source_ref,
        correlation_id, occurred_at, created_at, reflected_at, warehouse, external_location_id, erp_connection_id, post_required)
      VALUES (${entry.idempotencyKey}, ${entry.sku}, ${entry.connectionId}::uuid, ${entry.kind}::"MovementKind", ${entry.quantity},
        ${reflected ? 'reflected' : 'pending'}::"MovementStatus", ${entry.sourceEventId}::uuid, ${entry.sourceRef}, ${context.correlationId},
        ${entry.occurredAt}, ${context.now}, ${reflected ? context.now : null}, ${entry.warehouse}, ${entry.externalLocationId},
        ${entry.erpConnectionId}::uuid, ${entry.postRequired})
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id`;
    const row = rows[0];
    if (!row) {
      duplicates.push(entry.idempotencyKey);
      continue;
    }
    applied.push({
      id: row.id.toString(),
      idempotencyKey: entry.idempotencyKey,
      sku: entry.sku,
      quantity: entry.quantity,
      kind: entry.kind,
      postRequired: entry.postRequired,
    });
  }
  await recordAudits(
    tx,
    applied.map((movement) => auditOf(movement, entries, context.correlationId)),
    context.now,
  );
  return { applied, duplicates };
}

function auditOf(movement: AppliedMovement, entries: LedgerEntry[], correlationId: string): AuditInput {
  const entry = entries.find((candidate) => candidate.idempotencyKey === movement.idempotencyKey) as LedgerEntry;
  return {
    action: 'movement.applied',
    entityType: 'movement',
    entityId: movement.id,
    sku: entry.sku,
    connectionId: entry.connectionId,
    after: {
      idempotencyKey: entry.idempotencyKey,
      kind: entry.kind,
      quantity: entry.quantity,
      warehouse: entry.warehouse,
      externalLocationId: entry.externalLocationId,
      postRequired: entry.postRequired,
      occurredAt: entry.occurredAt.toISOString(),
    },
    note: entry.sourceRef,
    correlationId,
  };
}

/** Marks movements the ERP's numbers now include; they stop lowering available-to-sell. */
export async function markReflected(tx: Tx, ids: string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE movements SET status = 'reflected', reflected_at = ${now}
    WHERE id = ANY(${ids.map((id) => BigInt(id))}::bigint[]) AND status <> 'reflected'`;
}
